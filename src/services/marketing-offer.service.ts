import { Op, type Sequelize } from 'sequelize';
import { AppError, ValidationError } from '../errors/app-error.js';
import type { MarketingOffer } from '../models/marketing-offer.model.js';
import type { Models } from '../models/index.js';
import type { InferWithOptionalDefaults } from '../schemas/json-schema.js';
import type { createMarketingOfferBody } from '../schemas/marketing-offer.schema.js';

export interface OfferView {
  id: number;
  title: string;
  description: string | null;
  image_url: string | null;
  valid_until: Date | null;
  is_active: boolean;
  created_at: Date;
}

/**
 * `valid_until` is a date (YYYY-MM-DD: the offer ends at 23:59:59 UTC that day) or a date-time with a time zone;
 * `is_active` may be left out (true) by callers other than the route, such as the demo data.
 */
export type CreateOfferInput = InferWithOptionalDefaults<typeof createMarketingOfferBody>;

export type MarketingOfferService = ReturnType<typeof createMarketingOfferService>;

/** How many offers the list shows at most (newest first). */
const LIST_LIMIT = 100;

const toView = (o: MarketingOffer): OfferView => ({
  id: o.id,
  title: o.title,
  description: o.description,
  image_url: o.image_url,
  valid_until: o.valid_until,
  is_active: o.is_active,
  created_at: o.created_at,
});

export function parseValidUntil(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new ValidationError([{ field: 'valid_until', message: 'must be a date or a date-time' }]);
  return date;
}

export function createMarketingOfferService(deps: { sequelize: Sequelize; models: Models }) {
  const { models } = deps;

  return {
    /** Active, not expired, for everyone or for this user; newest first. */
    async listFor(username: string): Promise<OfferView[]> {
      const rows = await models.MarketingOffer.findAll({
        where: {
          is_active: true,
          [Op.and]: [
            { [Op.or]: [{ valid_until: null }, { valid_until: { [Op.gt]: new Date() } }] },
            { [Op.or]: [{ username: null }, { username }] },
          ],
        },
        order: [
          ['created_at', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: LIST_LIMIT,
      });
      return rows.map(toView);
    },

    async create(input: CreateOfferInput): Promise<OfferView & { username: string | null }> {
      const validUntil = input.valid_until === undefined ? null : parseValidUntil(input.valid_until);
      if (validUntil && validUntil.getTime() <= Date.now()) {
        throw new ValidationError([{ field: 'valid_until', message: 'must be in the future' }], 'valid_until must be in the future');
      }
      if (input.username !== undefined) {
        const target = await models.UserLogin.findOne({ where: { username: input.username }, attributes: ['username'] });
        if (!target) throw new AppError('USER_NOT_FOUND');
      }
      const offer = await models.MarketingOffer.create({
        title: input.title.trim(),
        description: input.description ?? null,
        image_url: input.image_url ?? null,
        valid_until: validUntil,
        is_active: input.is_active ?? true,
        username: input.username ?? null,
      });
      return { ...toView(offer), username: offer.username };
    },
  };
}
