import type { createAddressController } from '../controllers/address.controller.js';
import {
  addressDeletedResponse,
  addressIdParams,
  addressListResponse,
  addressResponse,
  createAddressBody,
  setDefaultAddressBody,
  updateAddressBody,
} from '../schemas/address.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function addressRoutes(controller: ReturnType<typeof createAddressController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/address/list',
      auth: 'jwt',
      summary: "The caller's addresses, default first",
      description: "A logged-in user (Bearer JWT). Lists the caller's saved addresses, the default one first. Changes nothing.",
      tags: ['Address'],
      response: { status: 200, schema: addressListResponse },
      handler: controller.list,
    }),
    defineRoute({
      method: 'post',
      path: '/address',
      auth: 'jwt',
      summary: 'Add an address (the first becomes the default; at most ADDRESS_MAX_PER_USER)',
      description: "A logged-in user (Bearer JWT). Adds an address to the caller's list; the first one becomes the default. Refused once ADDRESS_MAX_PER_USER addresses exist.",
      tags: ['Address'],
      schemas: { body: createAddressBody },
      errors: ['USER_NOT_FOUND', 'ADDRESS_LIMIT_REACHED'],
      response: { status: 201, schema: addressResponse },
      handler: controller.create,
    }),
    defineRoute({
      method: 'put',
      path: '/address/:id',
      auth: 'jwt',
      summary: "Change one of the caller's addresses (fields as in create, all optional)",
      description: "A logged-in user (Bearer JWT). Changes the given fields of one of the caller's own addresses; another user's address answers 404.",
      tags: ['Address'],
      schemas: { body: updateAddressBody, params: addressIdParams },
      errors: ['ADDRESS_NOT_FOUND'],
      response: { status: 200, schema: addressResponse },
      handler: controller.update,
    }),
    defineRoute({
      method: 'delete',
      path: '/address/:id',
      auth: 'jwt',
      summary: "Delete one of the caller's addresses (deleting the default promotes the most recent other)",
      description: "A logged-in user (Bearer JWT). Deletes one of the caller's own addresses; when it was the default, the most recent other address becomes the default.",
      tags: ['Address'],
      schemas: { params: addressIdParams },
      errors: ['ADDRESS_NOT_FOUND'],
      response: { status: 200, schema: addressDeletedResponse },
      handler: controller.remove,
    }),
    defineRoute({
      method: 'post',
      path: '/address/set-default',
      auth: 'jwt',
      summary: "Make one of the caller's addresses the default",
      description: "A logged-in user (Bearer JWT). Makes one of the caller's own addresses the default (and the previous default an ordinary one).",
      tags: ['Address'],
      schemas: { body: setDefaultAddressBody },
      errors: ['ADDRESS_NOT_FOUND'],
      response: { status: 200, schema: addressResponse },
      handler: controller.setDefault,
    }),
  ];
}
