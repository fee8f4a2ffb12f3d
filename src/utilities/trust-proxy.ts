import proxyaddr from 'proxy-addr';
import { trustedAddresses } from '../../config/index.js';

export type TrustProxySetting = string | number | boolean | ((address: string, hop: number) => boolean);

const MAX_REMEMBERED = 10_000;

/**
 * Express's `trust proxy` value for TRUST_PROXY. An address list (`loopback`, `10.0.0.0/8, loopback`) becomes
 * proxy-addr's compiled check, remembered per (address, hop): Express asks it for `req.ip`, `req.secure` and
 * `req.protocol` on every request, and each answer parses the address with ipaddr.js (~5% of a GET /verify on
 * Node 24). The answer depends only on the address and the hop, so remembering it changes nothing; the memory is
 * bounded. Numbers and booleans are left to Express as they are. config/index.ts refuses a list proxy-addr cannot
 * compile, so a bad TRUST_PROXY fails at startup with the other configuration problems.
 */
export function trustProxySetting(setting: string | number | boolean): TrustProxySetting {
  if (typeof setting !== 'string') return setting;
  const trusts = proxyaddr.compile(trustedAddresses(setting));
  const answers = new Map<string, boolean>();
  return (address, hop) => {
    const key = hop === 0 ? address : `${address}|${hop}`;
    let trusted = answers.get(key);
    if (trusted === undefined) {
      if (answers.size >= MAX_REMEMBERED) answers.clear();
      trusted = trusts(address, hop);
      answers.set(key, trusted);
    }
    return trusted;
  };
}
