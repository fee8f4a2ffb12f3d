import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { addressIdParams, createAddressBody, setDefaultAddressBody, updateAddressBody } from '../schemas/address.schema.js';
import type { AddressService } from '../services/address.service.js';

export function createAddressController(addresses: AddressService) {
  return {
    async list({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json(await addresses.list(principal.username));
    },

    async create({ body, principal }: RequestInput<'jwt', { body: typeof createAddressBody }>, _req: Request, res: Response) {
      const address = await addresses.create(principal.username, body);
      res.status(201).json({ status: true, message: 'Address created', address });
    },

    async update({ body, params, principal }: RequestInput<'jwt', { body: typeof updateAddressBody; params: typeof addressIdParams }>, _req: Request, res: Response) {
      const address = await addresses.update(principal.username, params.id, body);
      res.json({ status: true, message: 'Address updated', address });
    },

    async remove({ params, principal }: RequestInput<'jwt', { params: typeof addressIdParams }>, _req: Request, res: Response) {
      const result = await addresses.remove(principal.username, params.id);
      res.json({ status: true, message: 'Address deleted', ...result });
    },

    async setDefault({ body, principal }: RequestInput<'jwt', { body: typeof setDefaultAddressBody }>, _req: Request, res: Response) {
      const address = await addresses.setDefault(principal.username, body.id);
      res.json({ status: true, message: 'Default address set', address });
    },
  };
}
