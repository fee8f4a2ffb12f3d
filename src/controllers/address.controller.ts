import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { AddressInput, AddressService } from '../services/address.service.js';

export function createAddressController(addresses: AddressService) {
  return {
    async list(_req: Request, res: Response) {
      res.json(await addresses.list(userOf(res).username));
    },

    async create(_req: Request, res: Response) {
      const { body } = inputOf<AddressInput>(res);
      const address = await addresses.create(userOf(res).username, body);
      res.status(201).json({ status: true, message: 'Address created', address });
    },

    async update(_req: Request, res: Response) {
      const { body, params } = inputOf<Partial<AddressInput>, Record<string, never>, { id: number }>(res);
      const address = await addresses.update(userOf(res).username, params.id, body);
      res.json({ status: true, message: 'Address updated', address });
    },

    async remove(_req: Request, res: Response) {
      const { params } = inputOf<Record<string, never>, Record<string, never>, { id: number }>(res);
      const result = await addresses.remove(userOf(res).username, params.id);
      res.json({ status: true, message: 'Address deleted', ...result });
    },

    async setDefault(_req: Request, res: Response) {
      const { body } = inputOf<{ id: number }>(res);
      const address = await addresses.setDefault(userOf(res).username, body.id);
      res.json({ status: true, message: 'Default address set', address });
    },
  };
}
