import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import supertest from 'supertest';
import { createMigrator } from '../../src/migrations/index.js';
import { createDatabase, ensureDatabaseExists } from '../../src/models/index.js';
import { startServer } from '../../src/server.js';
import { createHashingCenter } from '../../src/utilities/hashing-center.js';
import { createLogger } from '../../src/utilities/logger.js';
import { freshIp } from './auth-helpers.js';
import { testConfig } from '../helpers/test-config.js';

describe('migration 0650: accounts that existed before email_verified', () => {
  it('when the migration runs, then LINK-created and older accounts keep logging in by email and OTP-created ones do not', async () => {
    const name = `${process.env.TEST_PS_DB ?? 'userstate_test'}_m0650_${process.pid}`;
    const config = testConfig({ PS_DB: name });
    const admin = new pg.Client({ ...config.postgres, database: 'postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    try {
      await ensureDatabaseExists(config.postgres);
      const db = createDatabase(config.postgres);
      await createMigrator(db.sequelize).up({ to: '0500_payments' });
      const pwd = await createHashingCenter(config.auth).hashPassword('Old-account-pass-1');
      await db.sequelize.query(`
        INSERT INTO user_login (username, pwd) VALUES ('by_link', :pwd), ('by_otp', :pwd), ('legacy', :pwd);
        INSERT INTO user_info (username, full_name, email, phone_number, referral_code) VALUES
          ('by_link', 'L', 'Link@Example.test', '628111111111', 'MIGL0001'),
          ('by_otp', 'O', 'otp@example.test', '628222222222', 'MIGO0001'),
          ('legacy', 'G', 'legacy@example.test', '628333333333', 'MIGG0001');
        INSERT INTO otp_tracker (identifier, otp_type, count) VALUES
          ('link@example.test', 'REGISTER', 1), ('628222222222', 'REGISTER', 1), ('628333333333', 'RESET_PWD', 1);`,
        { replacements: { pwd } },
      );
      await db.sequelize.close();

      // Start-up applies the pending migrations, 0650 among them.
      const server = await startServer({ config, logger: createLogger('silent'), port: 0, host: '127.0.0.1' });
      try {
        const api = supertest(server.url);
        const loginAs = (username: string) => api.post('/auth').set('X-Forwarded-For', freshIp()).send({ username, password: 'Old-account-pass-1' });
        assert.equal((await loginAs('link@example.test')).status, 200, 'a LINK-created account keeps its email');
        assert.equal((await loginAs('legacy@example.test')).status, 200, 'an account with no sign-up record keeps its email');
        assert.equal((await loginAs('otp@example.test')).status, 422, 'an OTP-created account never proved its email');
        const otp = await loginAs('by_otp');
        assert.equal(otp.status, 200, 'it still logs in by username');
        const profile = await api.get('/user/profile').set('Authorization', `Bearer ${otp.body.token}`);
        assert.equal(profile.body.email, 'otp@example.test');
        assert.equal(profile.body.email_verified, false);
      } finally {
        await server.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
