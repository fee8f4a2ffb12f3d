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
import type { RouteDeclaration } from './route.js';

export function addressRoutes(controller: ReturnType<typeof createAddressController>): RouteDeclaration[] {
  return [
    {
      method: 'get',
      path: '/address/list',
      auth: 'jwt',
      summary: "The caller's addresses, default first",
      tags: ['Address'],
      response: { status: 200, schema: addressListResponse },
      handler: controller.list,
    },
    {
      method: 'post',
      path: '/address',
      auth: 'jwt',
      summary: 'Add an address (the first becomes the default; at most ADDRESS_MAX_PER_USER)',
      tags: ['Address'],
      schemas: { body: createAddressBody },
      errors: [409],
      response: { status: 201, schema: addressResponse },
      handler: controller.create,
    },
    {
      method: 'put',
      path: '/address/:id',
      auth: 'jwt',
      summary: "Change one of the caller's addresses (fields as in create, all optional)",
      tags: ['Address'],
      schemas: { body: updateAddressBody, params: addressIdParams },
      errors: [404],
      response: { status: 200, schema: addressResponse },
      handler: controller.update,
    },
    {
      method: 'delete',
      path: '/address/:id',
      auth: 'jwt',
      summary: "Delete one of the caller's addresses (deleting the default promotes the most recent other)",
      tags: ['Address'],
      schemas: { params: addressIdParams },
      errors: [404],
      response: { status: 200, schema: addressDeletedResponse },
      handler: controller.remove,
    },
    {
      method: 'post',
      path: '/address/set-default',
      auth: 'jwt',
      summary: "Make one of the caller's addresses the default",
      tags: ['Address'],
      schemas: { body: setDefaultAddressBody },
      errors: [404],
      response: { status: 200, schema: addressResponse },
      handler: controller.setDefault,
    },
  ];
}
