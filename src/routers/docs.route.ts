import type { Request, Response } from 'express';
import { buildAsyncApiDocument } from '../socket/asyncapi.js';
import { VERSION } from '../version.js';
import { defineRoute, type RouteDeclaration } from './route.js';

/** Machine-readable docs that are not the OpenAPI document itself (that one describes these routes). */
export function docsRoutes(): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/asyncapi.json',
      auth: 'none',
      summary: 'AsyncAPI 3.0 document of the Socket.io payment-status channel',
      description:
        'Anyone may call it. Describes the Socket.io channel: handshake auth (auth.token, token query, Authorization Bearer), the client events subscribe:payment and unsubscribe:payment with their acknowledgements, and the server events payment:status:update and payment:error. Changes nothing.',
      tags: ['System'],
      response: { status: 200, schema: { type: 'object', required: ['asyncapi', 'info', 'channels', 'operations'], properties: { asyncapi: { type: 'string', const: '3.0.0' } } } },
      handler: (_input, req: Request, res: Response) => {
        res.json(buildAsyncApiDocument({ version: VERSION, host: req.get('host') ?? 'localhost', protocol: req.protocol }));
      },
    }),
  ];
}
