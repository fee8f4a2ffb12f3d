import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from '../../src/services/rate-limit.service.js';

describe('addressKey (the key of a client address in per-address limits)', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6 ones', () => {
    assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressKey('::FFFF:10.1.2.3'), '10.1.2.3');
  });

  it('keys IPv6 addresses by their /64, whatever the spelling', () => {
    const key = '2001:db8:1:2::/64';
    for (const ip of ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:1:2:3', '2001:DB8:1:2:0:0:0:9', '2001:db8:1:2::1%eth0', '2001:db8:1:2::10.0.0.1']) {
      assert.equal(addressKey(ip), key, ip);
    }
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.notEqual(addressKey('2001:db8:1:3::1'), key);
  });

  it('leaves anything else as it is', () => {
    assert.equal(addressKey('unknown'), 'unknown');
  });
});
