import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, ENV_SPEC, loadConfig, PROJECT_ROOT } from '../../config/index.js';

describe('configuration', () => {
  it('when nothing is set, then the defaults run a fresh checkout against local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    assert.equal(config.server.port, 33010);
    assert.equal(config.postgres.host, '127.0.0.1');
    assert.equal(config.redis.port, 6379);
    assert.equal(config.mongo.uri, null);
    assert.equal(config.xendit.apiUrl, 'https://api.xendit.co');
    assert.equal(config.email.secure, true, 'EMAIL_SECURE defaults to true on port 465');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.server), 'config is frozen');
  });

  it('when three variables are bad, then one error names all three and what each expects', () => {
    const error = (() => {
      try {
        loadConfig({ API_PORT: 'eighty', PS_POOL_MAX: '0', XENDIT_API_URL: 'not a url' });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ConfigError);
    assert.equal(error.problems.length, 3);
    for (const name of ['API_PORT', 'PS_POOL_MAX', 'XENDIT_API_URL']) assert.match(error.message, new RegExp(`${name}: .*expected`));
  });

  it('when TRUST_PROXY is an address list proxy-addr cannot read, then the config names it (the server would not start); valid lists, hop counts and booleans load', () => {
    for (const bad of ['10.0.0.0/99', 'loopback, not-an-address']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), (error: unknown) => error instanceof ConfigError && /TRUST_PROXY: .*expected/.test(error.message), bad);
    }
    for (const good of ['loopback', 'loopback, 10.0.0.0/8', 'uniquelocal', '2', 'true', 'false']) assert.doesNotThrow(() => loadConfig({ TRUST_PROXY: good }), good);
  });

  it('when NODE_ENV is production, then a missing or short SECRET_AUTH_CONFIG is refused', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', EMAIL_HOST: 'smtp.example', ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` }),
      /SECRET_AUTH_CONFIG: must be set to at least 32 characters/,
    );
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', SECRET_AUTH_CONFIG: 'short', EMAIL_HOST: 'smtp.example', ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` }),
      /SECRET_AUTH_CONFIG/,
    );
    const ok = loadConfig({
      NODE_ENV: 'production',
      SECRET_AUTH_CONFIG: 'x'.repeat(40),
      XENDIT_SECRET_KEY: 'xnd_production_' + 'k'.repeat(30),
      XENDIT_CALLBACK_TOKEN: 't'.repeat(32),
      EMAIL_HOST: 'smtp.example',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    assert.equal(ok.isProduction, true);
  });

  it('when NODE_ENV is production, then unset, short or development-default money secrets are refused, each named once', () => {
    const production = {
      NODE_ENV: 'production',
      SECRET_AUTH_CONFIG: 'x'.repeat(40),
      EMAIL_HOST: 'smtp.example',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    };
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems;
      }
    };
    const named = (problems: string[], name: string) => problems.filter((p) => p.startsWith(`${name}:`)).length;
    for (const env of [
      production,
      { ...production, XENDIT_SECRET_KEY: 'xnd_short', XENDIT_CALLBACK_TOKEN: 'short-token' },
      { ...production, XENDIT_SECRET_KEY: 'xnd_development_placeholder', XENDIT_CALLBACK_TOKEN: 'development-callback-token' },
    ]) {
      const problems = problemsOf(env);
      assert.equal(named(problems, 'XENDIT_SECRET_KEY'), 1, JSON.stringify(problems));
      assert.equal(named(problems, 'XENDIT_CALLBACK_TOKEN'), 1, JSON.stringify(problems));
    }
    const defaultSecret = problemsOf({ ...production, SECRET_AUTH_CONFIG: 'development-only-secret-change-me-000000', XENDIT_SECRET_KEY: 'k'.repeat(30), XENDIT_CALLBACK_TOKEN: 't'.repeat(30) });
    assert.deepEqual(defaultSecret.map((p) => p.split(':')[0]), ['SECRET_AUTH_CONFIG']);
    const ok = loadConfig({ ...production, XENDIT_SECRET_KEY: 'xnd_production_' + 'k'.repeat(30), XENDIT_CALLBACK_TOKEN: 't'.repeat(32) });
    assert.equal(ok.isProduction, true);
    assert.deepEqual(ok.developmentDefaultsInUse, []);
    assert.deepEqual(loadConfig({}).developmentDefaultsInUse, ['SECRET_AUTH_CONFIG', 'XENDIT_SECRET_KEY', 'XENDIT_CALLBACK_TOKEN']);
  });

  it('when the server is started in production with the development callback token, then it exits 1 naming each secret', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        SECRET_AUTH_CONFIG: 'x'.repeat(40),
        EMAIL_HOST: '127.0.0.1',
        ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
        XENDIT_CALLBACK_TOKEN: 'development-callback-token',
        // Nothing may be reached: a server that does not refuse fails on PostgreSQL instead.
        PS_PORT: '1',
        REDIS_PORT: '1',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Invalid configuration \(2 problems\)/, result.stderr);
    for (const name of ['XENDIT_CALLBACK_TOKEN', 'XENDIT_SECRET_KEY']) assert.match(result.stderr, new RegExp(`${name}: `));
    assert.doesNotMatch(result.stderr, /development-callback-token/, 'the secret itself is never printed');
  });

  it('when the server starts in development on default secrets, then it prints one warning line naming them', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PS_PORT: '1', REDIS_PORT: '1', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    const warnings = output.split('\n').filter((line) => /development default/i.test(line));
    assert.equal(warnings.length, 1, output);
    for (const name of ['SECRET_AUTH_CONFIG', 'XENDIT_SECRET_KEY', 'XENDIT_CALLBACK_TOKEN']) assert.match(warnings[0]!, new RegExp(name));
  });

  it('when EMAIL_PORT is 587 and EMAIL_SECURE is unset, then SMTP starts without TLS', () => {
    assert.equal(loadConfig({ EMAIL_PORT: '587' }).email.secure, false);
    assert.equal(loadConfig({ EMAIL_PORT: '587', EMAIL_SECURE: 'true' }).email.secure, true);
  });

  it('when the cron schedule is not a cron expression, then it is refused', () => {
    assert.throws(() => loadConfig({ XENDIT_SYNC_CRON: 'every two hours' }), /XENDIT_SYNC_CRON/);
  });

  it('.env.example lists every variable the config reads', () => {
    const example = readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = Object.keys(ENV_SPEC).filter((name) => !listed.has(name));
    assert.deepEqual(missing, []);
  });

  it('when the server is started with three bad variables, then it exits 1 printing one message naming them', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', API_PORT: '99999', PS_PORT: 'abc', REDIS_PORT: '-1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Invalid configuration \(3 problems\)/);
    for (const name of ['API_PORT', 'PS_PORT', 'REDIS_PORT']) assert.match(result.stderr, new RegExp(name));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
