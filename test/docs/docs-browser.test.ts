import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';

const CHROMIUM = '/usr/bin/chromium';
const PUBLIC_URL = 'https://api.example.test';
const UI_TIMEOUT = 60_000;

/** Under CI a missing Chromium fails the file; on a workstation the browser tests skip with the reason. */
const chromiumMissing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (chromiumMissing && process.env.CI) throw new Error(`${chromiumMissing}: the /docs browser tests cannot run under CI`);

/** The machine's first non-loopback IPv4 address, i.e. how a LAN neighbour would reach it. */
function lanAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** The operation block Swagger UI renders for `method path`. */
function operation(page: Page, method: string, apiPath: string) {
  return page.locator(`.opblock.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${apiPath}"]`) });
}

/** Expands an operation, presses "Try it out", optionally types the JSON body, presses Execute and waits for the answer. */
async function tryItOut(page: Page, method: string, apiPath: string, body?: unknown) {
  const block = operation(page, method, apiPath);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
  await block.locator('button.execute').click();
  const live = block.locator('.live-responses-table');
  await live.locator('tr.response .response-col_status').first().waitFor({ timeout: UI_TIMEOUT });
  return {
    status: (await live.locator('tr.response .response-col_status').first().innerText()).trim(),
    body: (await live.locator('tr.response .response-col_description').first().innerText()).trim(),
    requestUrl: (await block.locator('.request-url pre').first().innerText()).trim(),
  };
}

describe('the /docs page in headless Chromium', () => {
  // 0.0.0.0 so the page can also be loaded through the machine's LAN address.
  const ctx = useTestServer({ PUBLIC_URL }, { host: '0.0.0.0' });
  let browser: BrowserContext | undefined;
  let profileDir: string | undefined;

  before(async () => {
    if (chromiumMissing) return;
    profileDir = await mkdtemp(path.join(os.tmpdir(), 'userstate-docs-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: UI_TIMEOUT,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

  /** Loads /docs from `origin`, logs in by POST /auth, authorizes with the token, and calls GET /user/profile. */
  async function loginAndReadProfileThroughTheUi(origin: string) {
    assert.ok(browser);
    const user = await createUser(ctx);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    try {
      await page.goto(`${origin}/docs/`, { timeout: UI_TIMEOUT });
      await operation(page, 'post', '/auth').waitFor({ timeout: UI_TIMEOUT });

      const login = await tryItOut(page, 'post', '/auth', { username: user.username, password: user.password });
      assert.equal(login.status, '200', `POST /auth in the UI: ${login.status} ${login.body}\n${problems.join('\n')}`);
      assert.ok(login.requestUrl.startsWith(`${origin}/auth`), `the UI called ${login.requestUrl}, not the page's origin`);
      const token = /"token":\s*"([^"]+)"/.exec(login.body)?.[1];
      assert.ok(token, `POST /auth answered a token: ${login.body}`);

      await page.locator('button.btn.authorize').first().click();
      const bearer = page.locator('.auth-container').filter({ hasText: 'bearerAuth' });
      await bearer.locator('input').first().fill(token);
      await bearer.locator('button.authorize').click();
      await page.locator('.modal-ux button.btn-done, .modal-ux button.close-modal').first().click();

      const profile = await tryItOut(page, 'get', '/user/profile');
      assert.equal(profile.status, '200', `GET /user/profile in the UI: ${profile.status} ${profile.body}\n${problems.join('\n')}`);
      assert.ok(profile.requestUrl.startsWith(`${origin}/user/profile`), `the UI called ${profile.requestUrl}`);
      assert.match(profile.body, new RegExp(user.username));
    } finally {
      await page.close();
    }
  }

  it('when /docs is opened on http://127.0.0.1 while PUBLIC_URL is another host, then POST /auth and GET /user/profile answer 200 in the UI', async (t) => {
    if (chromiumMissing) return t.skip(chromiumMissing);
    await loginAndReadProfileThroughTheUi(`http://127.0.0.1:${ctx.server.port}`);
  });

  it('when /docs is opened on http://localhost (an origin other than PUBLIC_URL), then POST /auth and GET /user/profile answer 200 in the UI', async (t) => {
    if (chromiumMissing) return t.skip(chromiumMissing);
    await loginAndReadProfileThroughTheUi(`http://localhost:${ctx.server.port}`);
  });

  it('when /docs is opened over plain HTTP on a LAN address, then the page renders and POST /auth and GET /user/profile answer 200 in the UI', async (t) => {
    if (chromiumMissing) return t.skip(chromiumMissing);
    const lan = lanAddress();
    if (!lan) return t.skip('this machine has no non-loopback IPv4 address to load /docs from');
    await loginAndReadProfileThroughTheUi(`http://${lan}:${ctx.server.port}`);
  });
});
