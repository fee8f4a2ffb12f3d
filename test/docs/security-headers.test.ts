import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestServer } from '../helpers/server.js';

const PUBLIC_URL = 'https://api.example.test';

const directives = (csp: string | undefined) =>
  new Map((csp ?? '').split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)] as const));

describe('security headers of the API and /docs', () => {
  // TRUST_PROXY loopback (the default): X-Forwarded-Proto from the test client counts, as from a TLS-terminating proxy.
  const ctx = useTestServer({ PUBLIC_URL, TRUST_PROXY: 'loopback' });

  it('when a request arrives over plain HTTP, then neither the API nor /docs sends upgrade-insecure-requests', async () => {
    for (const path of ['/health', '/docs/']) {
      const res = await ctx.api.get(path);
      assert.equal(res.status, 200, path);
      const csp = directives(res.headers['content-security-policy'] as string | undefined);
      assert.ok(csp.has('default-src'), `${path} still has a CSP`);
      assert.equal(csp.has('upgrade-insecure-requests'), false, `${path}: ${res.headers['content-security-policy']}`);
    }
  });

  it('when a request arrived over TLS at the proxy (X-Forwarded-Proto: https), then the API and /docs send upgrade-insecure-requests', async () => {
    for (const path of ['/health', '/docs/']) {
      const res = await ctx.api.get(path).set('X-Forwarded-Proto', 'https');
      assert.equal(res.status, 200, path);
      const csp = directives(res.headers['content-security-policy'] as string | undefined);
      assert.ok(csp.has('upgrade-insecure-requests'), `${path}: ${res.headers['content-security-policy']}`);
    }
  });

  it("when /docs is served, then its CSP lets Try it out call the page's own origin and PUBLIC_URL, and nothing else", async () => {
    const res = await ctx.api.get('/docs/');
    const csp = directives(res.headers['content-security-policy'] as string | undefined);
    assert.deepEqual(csp.get('connect-src'), ["'self'", PUBLIC_URL]);
  });

  it('when any other path is served, then the CSP stays strict (no inline script, no connect-src beyond self) and the other helmet headers stay', async () => {
    const res = await ctx.api.get('/health');
    const csp = directives(res.headers['content-security-policy'] as string | undefined);
    assert.deepEqual(csp.get('default-src'), ["'self'"]);
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.equal(csp.has('connect-src'), false);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['strict-transport-security']);
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  });

  it('when /openapi.json is read, then its first server is "/" (the origin it was loaded from) and PUBLIC_URL follows', async () => {
    const res = await ctx.api.get('/openapi.json');
    assert.deepEqual(
      (res.body.servers as Array<{ url: string }>).map((s) => s.url),
      ['/', PUBLIC_URL],
    );
  });
});
