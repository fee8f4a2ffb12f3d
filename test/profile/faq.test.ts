import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

describe('FAQ: GET /faq/list, POST /faq, PUT /faq/:id, DELETE /faq/:id', () => {
  const ctx = useTestServer();

  let auth = '';
  const admin = async () => (auth ||= (await createServiceCredentials(ctx)).auth);
  const create = async (body: Record<string, unknown>) => {
    const res = await ctx.api
      .post('/faq')
      .set('Authorization', await admin())
      .send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.faq as { id: number; category: string; question: string };
  };
  const listed = async (category: string) => {
    const res = await ctx.api.get(`/faq/list?category=${category}`);
    assert.equal(res.status, 200);
    return (res.body as Array<{ question: string }>).map((f) => f.question);
  };

  it('when the admin routes are called without, with the wrong kind of, or with forged credentials, then 401; the list is public', async () => {
    await assertAuthRequired(ctx, 'post', '/faq', 'basic', { question: 'q', answer: 'a' });
    await assertAuthRequired(ctx, 'put', '/faq/1', 'basic', { answer: 'a' });
    await assertAuthRequired(ctx, 'delete', '/faq/1', 'basic');
    assert.equal((await ctx.api.get('/faq/list')).status, 200);
  });

  it('when entries are created, then the public list shows active ones by sort_order then id, filtered by category', async () => {
    const category = uniqueName('cat').replace(/[^a-z0-9_]/g, '');
    const other = `${category}_other`;
    await create({ category, question: 'Third?', answer: 'C', sort_order: 2 });
    await create({ category, question: 'First?', answer: 'A', sort_order: 1 });
    await create({ category, question: 'Second?', answer: 'B', sort_order: 1 });
    await create({ category, question: 'Hidden?', answer: 'H', is_active: false });
    await create({ category: other, question: 'Elsewhere?', answer: 'E' });
    assert.deepEqual(await listed(category), ['First?', 'Second?', 'Third?']);
    assert.deepEqual(await listed(other), ['Elsewhere?']);
    const all = await ctx.api.get('/faq/list');
    const questions = (all.body as Array<{ question: string }>).map((f) => f.question);
    assert.ok(questions.includes('First?') && questions.includes('Elsewhere?') && !questions.includes('Hidden?'));
    const entry = (await ctx.api.get(`/faq/list?category=${other}`)).body[0];
    assert.deepEqual(Object.keys(entry).sort(), ['answer', 'category', 'id', 'is_active', 'question', 'sort_order']);
  });

  it('when an entry is updated or deleted, then the list follows; an unknown id answers 404', async () => {
    const category = uniqueName('upd').replace(/[^a-z0-9_]/g, '');
    const faq = await create({ category, question: 'Old?', answer: 'old' });
    const updated = await ctx.api
      .put(`/faq/${faq.id}`)
      .set('Authorization', await admin())
      .send({ question: 'New?', sort_order: 5 });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.faq.question, 'New?');
    assert.equal(updated.body.faq.answer, 'old');
    assert.deepEqual(await listed(category), ['New?']);
    assert.equal((await ctx.api.delete(`/faq/${faq.id}`).set('Authorization', await admin())).status, 200);
    assert.deepEqual(await listed(category), []);
    assertError(await ctx.api.delete(`/faq/${faq.id}`).set('Authorization', await admin()), 404, 'FAQ not found', 'FAQ_NOT_FOUND');
    assertError(
      await ctx.api
        .put(`/faq/${faq.id}`)
        .set('Authorization', await admin())
        .send({ answer: 'x' }),
      404,
      'FAQ not found',
    );
  });

  it('when a signed-in user (JWT) tries to change the FAQ, then 401 and nothing changes', async () => {
    const category = uniqueName('jwt').replace(/[^a-z0-9_]/g, '');
    const faq = await create({ category, question: 'Stay?', answer: 'yes' });
    const user = await createUser(ctx);
    assert.equal((await ctx.api.put(`/faq/${faq.id}`).set('Authorization', user.auth).send({ answer: 'no' })).status, 401);
    assert.equal((await ctx.api.delete(`/faq/${faq.id}`).set('Authorization', user.auth)).status, 401);
    assert.deepEqual(await listed(category), ['Stay?']);
  });

  it('when the body, id or category is invalid, then 400', async () => {
    const faq = await create({ question: 'Valid?', answer: 'yes' });
    assert.equal(faq.category, 'general');
    for (const body of [
      {},
      { question: 'q' },
      { question: '', answer: 'a' },
      { question: 'q', answer: '  ' },
      { question: 'q', answer: 'a', category: 'bad category' },
      { question: 'q', answer: 'a', sort_order: 1.5 },
      { question: 'q', answer: 'a', id: 3 },
    ]) {
      assertError(
        await ctx.api
          .post('/faq')
          .set('Authorization', await admin())
          .send(body),
        400,
      );
    }
    assertError(
      await ctx.api
        .put(`/faq/${faq.id}`)
        .set('Authorization', await admin())
        .send({}),
      400,
    );
    assertError(
      await ctx.api
        .put('/faq/abc')
        .set('Authorization', await admin())
        .send({ answer: 'x' }),
      400,
    );
    assertError(await ctx.api.delete('/faq/0').set('Authorization', await admin()), 400);
    assertError(await ctx.api.get('/faq/list?category=a%20b'), 400);
    // Undeclared GET parameters are ignored; the declared one is still validated beside them.
    assert.equal((await ctx.api.get('/faq/list?sort=desc')).status, 200);
    assertError(await ctx.api.get('/faq/list?sort=desc&category=a%20b'), 400);
  });
});
