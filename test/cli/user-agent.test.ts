import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { claimsOf } from '../utilities/jwt-claims.js';
import { runCliProcess } from './run-cli.js';

describe('npm run cli -- user:agent <username> on|off', () => {
  const ctx = useTestServer();

  it('when an operator turns agent on and later off, then each next token (GET /extend, then a new login) carries the new flag', async () => {
    const user = await createUser(ctx);

    const on = await runCliProcess(['user:agent', user.username, 'on']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, new RegExp(`"${user.username}" is now an agent`));
    const extended = await ctx.api.get('/extend').set('Authorization', user.auth);
    assert.equal(extended.status, 200, JSON.stringify(extended.body));
    assert.equal(claimsOf(extended.body.token as string).agent, true);

    const again = await runCliProcess(['user:agent', user.username, 'on']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /is already an agent; the agent flag is unchanged/);

    const off = await runCliProcess(['user:agent', user.username, 'off']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, new RegExp(`"${user.username}" is no longer an agent`));
    assert.match(off.stdout, /revoked the current tokens/);
    const login = await ctx.api.post('/auth').send({ username: user.username, password: user.password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.agent, false);
    assert.equal(claimsOf(login.body.token as string).agent, false);
  });

  it('when the username is unknown, then it says so and exits 1', async () => {
    const run = await runCliProcess(['user:agent', 'nobody_by_this_name', 'on']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /user:agent failed: User Not Found/);
  });
});
