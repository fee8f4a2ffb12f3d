import type { Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { Faq } from '../models/faq.model.js';
import type { Models } from '../models/index.js';
import type { createFaqBody } from '../schemas/faq.schema.js';
import type { Infer } from '../schemas/json-schema.js';

export type FaqInput = Infer<typeof createFaqBody>;

export interface FaqView {
  id: number;
  category: string;
  question: string;
  answer: string;
  sort_order: number;
  is_active: boolean;
}

export type FaqService = ReturnType<typeof createFaqService>;

const toView = (f: Faq): FaqView => ({
  id: f.id,
  category: f.category,
  question: f.question,
  answer: f.answer,
  sort_order: f.sort_order,
  is_active: f.is_active,
});

export function createFaqService(deps: { sequelize: Sequelize; models: Models }) {
  const { models } = deps;

  const findById = async (id: number): Promise<Faq> => {
    const faq = await models.Faq.findByPk(id);
    if (!faq) throw new AppError('FAQ_NOT_FOUND');
    return faq;
  };

  return {
    /** Active entries, by sort_order then id; optionally one category. */
    async list(category?: string): Promise<FaqView[]> {
      const rows = await models.Faq.findAll({
        where: { is_active: true, ...(category !== undefined ? { category } : {}) },
        order: [
          ['sort_order', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: 500,
      });
      return rows.map(toView);
    },

    async create(input: FaqInput): Promise<FaqView> {
      const faq = await models.Faq.create({
        question: input.question.trim(),
        answer: input.answer.trim(),
        ...(input.category !== undefined ? { category: input.category } : {}),
        ...(input.sort_order !== undefined ? { sort_order: input.sort_order } : {}),
        ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
      });
      return toView(faq);
    },

    async update(id: number, changes: Partial<FaqInput>): Promise<FaqView> {
      const faq = await findById(id);
      const values: Partial<FaqInput> = { ...changes };
      if (values.question !== undefined) values.question = values.question.trim();
      if (values.answer !== undefined) values.answer = values.answer.trim();
      await faq.update(values);
      return toView(faq);
    },

    async remove(id: number): Promise<void> {
      const removed = await models.Faq.destroy({ where: { id } });
      if (removed === 0) throw new AppError('FAQ_NOT_FOUND');
    },
  };
}
