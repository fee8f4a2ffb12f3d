import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import proxyaddr from 'proxy-addr';
import { trustProxySetting } from '../../src/utilities/trust-proxy.js';

describe('trustProxySetting (TRUST_PROXY as Express sees it)', () => {
  const addresses = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3', '192.168.0.9', '203.0.113.7', '2001:db8::1', 'not an address'];

  for (const setting of ['loopback', 'loopback, 10.0.0.0/8', 'uniquelocal', '203.0.113.0/24']) {
    it(`for "${setting}", answers what proxy-addr's own check answers, for every address and hop, also when asked again`, () => {
      const expected = proxyaddr.compile(setting.split(',').map((s) => s.trim()));
      const trust = trustProxySetting(setting);
      assert.equal(typeof trust, 'function');
      for (let round = 0; round < 2; round += 1) {
        for (const address of addresses) {
          for (const hop of [0, 1, 3]) assert.equal((trust as (a: string, h: number) => boolean)(address, hop), expected(address, hop), `${address} hop ${hop}`);
        }
      }
    });
  }

  it('leaves numbers and booleans to Express', () => {
    assert.equal(trustProxySetting(2), 2);
    assert.equal(trustProxySetting(true), true);
    assert.equal(trustProxySetting(false), false);
  });

  it('refuses an invalid address list at startup, as Express would', () => {
    assert.throws(() => trustProxySetting('not-a-subnet/99'));
  });
});
