import { Op, type Sequelize, type Transaction } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { AddressList } from '../models/address-list.model.js';
import type { Models } from '../models/index.js';
import type { createAddressBody } from '../schemas/address.schema.js';
import type { Infer } from '../schemas/json-schema.js';

export type AddressInput = Infer<typeof createAddressBody>;

export interface AddressView {
  id: number;
  label: string;
  recipient_name: string;
  phone_number: string;
  address: string;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export type AddressService = ReturnType<typeof createAddressService>;

const toView = (a: AddressList): AddressView => ({
  id: a.id,
  label: a.label,
  recipient_name: a.recipient_name,
  phone_number: a.phone_number,
  address: a.address,
  is_default: a.is_default,
  created_at: a.created_at,
  updated_at: a.updated_at,
});

const trimmed = <T extends Partial<AddressInput>>(input: T): T => {
  const out = { ...input };
  for (const key of ['label', 'recipient_name', 'address'] as const) {
    const value = out[key];
    if (typeof value === 'string') out[key] = value.trim() as T[typeof key];
  }
  return out;
};

/**
 * A user's addresses. Invariant: whenever a user has any address, exactly one is the default (the partial unique
 * index allows at most one; these rules make sure there is one). Every change locks the user's login row first, so
 * concurrent requests of one user (two "first" addresses, the cap) are serialised (FOR NO KEY UPDATE, which does
 * not block other tables' foreign-key checks on that row).
 */
export function createAddressService(deps: { sequelize: Sequelize; models: Models; maxPerUser: number }) {
  const { sequelize, models, maxPerUser } = deps;

  async function lockUser(username: string, transaction: Transaction): Promise<void> {
    const login = await models.UserLogin.findOne({
      where: { username },
      attributes: ['username'],
      transaction,
      lock: transaction.LOCK.NO_KEY_UPDATE,
    });
    if (!login) throw new AppError('USER_NOT_FOUND');
  }

  /** The caller's address, or 404 (another user's id answers exactly like a missing one). */
  async function findOwned(username: string, id: number, transaction: Transaction): Promise<AddressList> {
    const address = await models.AddressList.findOne({ where: { id, username }, transaction });
    if (!address) throw new AppError('ADDRESS_NOT_FOUND');
    return address;
  }

  async function makeDefault(username: string, id: number, transaction: Transaction): Promise<void> {
    await models.AddressList.update({ is_default: false }, { where: { username, is_default: true, id: { [Op.ne]: id } }, transaction });
    await models.AddressList.update({ is_default: true }, { where: { username, id }, transaction });
  }

  /** Promotes the most recent address other than `exceptId`; returns its id, or null when there is none. */
  async function promoteMostRecent(username: string, exceptId: number, transaction: Transaction): Promise<number | null> {
    const next = await models.AddressList.findOne({
      where: { username, id: { [Op.ne]: exceptId } },
      order: [
        ['created_at', 'DESC'],
        ['id', 'DESC'],
      ],
      transaction,
    });
    if (!next) return null;
    await makeDefault(username, next.id, transaction);
    return next.id;
  }

  return {
    /** Default first, then newest. */
    async list(username: string): Promise<AddressView[]> {
      const rows = await models.AddressList.findAll({
        where: { username },
        order: [
          ['is_default', 'DESC'],
          ['created_at', 'DESC'],
          ['id', 'DESC'],
        ],
      });
      return rows.map(toView);
    },

    /** The first address becomes the default; `is_default: true` moves the default to the new one. */
    async create(username: string, input: AddressInput): Promise<AddressView> {
      return sequelize.transaction(async (transaction) => {
        await lockUser(username, transaction);
        const count = await models.AddressList.count({ where: { username }, transaction });
        if (count >= maxPerUser) {
          throw new AppError('ADDRESS_LIMIT_REACHED', `Address limit reached: at most ${maxPerUser} addresses per user; delete one first`);
        }
        const { is_default: wantsDefault, ...fields } = trimmed(input);
        const created = await models.AddressList.create({ ...fields, username, is_default: false }, { transaction });
        if (count === 0 || wantsDefault === true) await makeDefault(username, created.id, transaction);
        await created.reload({ transaction });
        return toView(created);
      });
    },

    /**
     * Partial update. `is_default: true` makes it the default; `is_default: false` on the default hands the default
     * to the most recent other address (an only address stays the default, since a user with addresses has one).
     */
    async update(username: string, id: number, input: Partial<AddressInput>): Promise<AddressView> {
      return sequelize.transaction(async (transaction) => {
        await lockUser(username, transaction);
        const address = await findOwned(username, id, transaction);
        const { is_default: wantsDefault, ...fields } = trimmed(input);
        if (Object.keys(fields).length > 0) await address.update(fields, { transaction });
        if (wantsDefault === true && !address.is_default) await makeDefault(username, id, transaction);
        if (wantsDefault === false && address.is_default) await promoteMostRecent(username, id, transaction);
        await address.reload({ transaction });
        return toView(address);
      });
    },

    /** Deleting the default promotes the most recent other address. */
    async remove(username: string, id: number): Promise<{ default_address_id: number | null }> {
      return sequelize.transaction(async (transaction) => {
        await lockUser(username, transaction);
        const address = await findOwned(username, id, transaction);
        const wasDefault = address.is_default;
        await address.destroy({ transaction });
        if (wasDefault) return { default_address_id: await promoteMostRecent(username, id, transaction) };
        const current = await models.AddressList.findOne({ where: { username, is_default: true }, attributes: ['id'], transaction });
        return { default_address_id: current?.id ?? null };
      });
    },

    async setDefault(username: string, id: number): Promise<AddressView> {
      return sequelize.transaction(async (transaction) => {
        await lockUser(username, transaction);
        const address = await findOwned(username, id, transaction);
        await makeDefault(username, id, transaction);
        await address.reload({ transaction });
        return toView(address);
      });
    },
  };
}
