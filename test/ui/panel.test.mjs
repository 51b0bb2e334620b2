// @ts-check
/* global describe, it, before, after */
// Browser-level test of the Probe & Link panel: real VS Code (code-server) in headless Debian
// chromium, the extension loaded as a development extension, and the fake Exchange server in this
// process. It opens the panel from the command palette, clicks "Run probes" inside the webview's
// nested iframes, answers the real password prompt, reads the rendered rows and saves a screenshot
// to test-results/probe-panel.png.
//
//   node scripts/build.mjs && npx mocha test/ui/panel.test.mjs --timeout 180000
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  assertHarnessPresent, loadFakeExchange, openProbePanel, openWorkbench, probePanel, readCheckRows, repoRoot, resultsRoot as resultsDir, runCommand,
} from './support.mjs';

const require = createRequire(import.meta.url);

describe('probe & link panel in the browser', function () {
  this.timeout(180_000);
  let fake;
  /** @type {import('./support.mjs').WorkbenchSession} */
  let session;
  /** @type {import('playwright-core').Page} */
  let page;

  before(async function () {
    assertHarnessPresent();
    const fakeModule = loadFakeExchange();
    fake = await fakeModule.startFakeExchange({ scenario: 'healthy', validateSchemas: false });
    this.password = fakeModule.FAKE_PASSWORD;
    this.testMailbox = fakeModule.FAKE_TEST_MAILBOX;
    session = await openWorkbench({
      label: 'ui-run',
      userSettings: {
        'exchangeSetup.ewsUrl': fake.url,
        'exchangeSetup.serviceAccount.upn': fakeModule.FAKE_SERVICE_ACCOUNT,
        'exchangeSetup.testMailbox': fakeModule.FAKE_TEST_MAILBOX,
        'exchangeSetup.accessMethod': 'impersonation',
        'exchangeSetup.tls.extraCaFile': fake.caFile,
      },
    });
    page = session.page;
  });

  after(async () => {
    await session?.close();
    await fake?.stop();
  });

  it('runs the probes from the panel and shows one row per check', async function () {
    // Open the panel from the command palette, as an admin would.
    const webview = await openProbePanel(page).catch(async (error) => {
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, 'probe-panel-open-failure.png') });
      throw error;
    });
    const run = webview.getByRole('button', { name: 'Run probes' });
    // The form was filled from the settings through the ready handshake.
    await assert.doesNotReject(() => webview.locator('#ews-url').evaluate((input, expected) => {
      if (input.value !== expected) throw new Error(`EWS URL field holds ${input.value}`);
    }, fake.url));
    await run.click();

    // No password is stored yet: the real VS Code password box asks for it.
    const passwordBox = page.locator('.quick-input-widget input[type="password"]');
    await passwordBox.waitFor({ timeout: 15_000 });
    await passwordBox.fill(this.password);
    await page.keyboard.press('Enter');

    const summary = webview.locator('.summary');
    await webview.locator('.summary[class*="outcome-"]').waitFor({ timeout: 60_000 }).catch(async (error) => {
      await page.screenshot({ path: join(resultsDir, 'probe-panel-run-failure.png') });
      throw error;
    });
    assert.match(await summary.getAttribute('class'), /outcome-(passed|failed)/, await summary.textContent());
    const rows = webview.locator('#checks > li');
    const texts = await readCheckRows(webview);
    mkdirSync(resultsDir, { recursive: true });
    await rows.nth(Math.min(6, texts.length - 1)).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(resultsDir, 'probe-panel.png') });

    const byId = Object.fromEntries(texts.map((t) => [t.id, t]));
    assert.ok(texts.length >= 12, `rows: ${JSON.stringify(texts)}`);
    assert.equal(byId['auth.login']?.status, 'pass', JSON.stringify(byId['auth.login']));
    assert.equal(byId['auth.login']?.name, 'Service account logs on');
    assert.equal(byId['access.impersonation']?.status, 'pass');
    assert.equal(byId['calendar.read']?.status, 'pass');
    assert.match(await summary.textContent(), /passed|failed/i);
    const pageText = await webview.locator('body').textContent();
    assert.ok(!pageText.includes(this.password), 'the password is never shown in the panel');
  });

  it('verifies a pasted list of enrolled users with counts and reasons', async () => {
    const webview = probePanel(page);
    await webview.locator('#mailbox-list').fill('user0001@contoso.com\nuser0002@contoso.com\nnobody@contoso.com\nnot an address');
    await webview.getByRole('button', { name: 'Verify pasted list' }).click();
    const counts = webview.locator('.progress-text', { hasText: 'verified' });
    await counts.waitFor({ timeout: 30_000 });
    assert.equal(await counts.textContent(), '2 verified, 0 denied, 1 not found, 0 not checked (of 3).');
    const failures = await webview.locator('.failures li').allTextContents();
    assert.equal(failures.length, 2, JSON.stringify(failures));
    assert.match(failures[0], /Line 4: not an address/);
    assert.match(failures[1], /^nobody@contoso\.com: not found \(ErrorNonExistentMailbox\): .+/);

    // Hidden behind another editor, the page is discarded; shown again, it gets the last results back.
    await runCommand(page, 'File: New Untitled Text File');
    await runCommand(page, 'Exchange Setup: Open Probe & Link Panel');
    const shownAgain = probePanel(page).locator('.progress-text', { hasText: 'verified' });
    await shownAgain.waitFor({ timeout: 30_000 });
    assert.equal(await shownAgain.textContent(), '2 verified, 0 denied, 1 not found, 0 not checked (of 3).');
    assert.equal((await probePanel(page).locator('.failures li').allTextContents()).length, 2);
  });

  it('says a run refused for a bad setting did not start, naming the setting, and runs again once it is fixed', async function () {
    // Opened (or brought forward) here, so that the test also runs alone (--grep).
    const webview = await openProbePanel(page);
    const summary = webview.locator('.summary');
    await webview.locator('#test-mailbox').fill('alice at contoso');
    await webview.getByRole('button', { name: 'Run probes' }).click();
    await webview.locator('.summary.outcome-error').waitFor({ timeout: 30_000 });
    assert.match(await summary.textContent(), /^The run did not start: exchangeSetup\.testMailbox: "alice at contoso" is not an e-mail address/);
    // Fixed in the form, the same button runs the probes (asking for the password when this test runs alone).
    await webview.locator('#test-mailbox').fill(this.testMailbox);
    await webview.getByRole('button', { name: 'Run probes' }).click();
    const finished = webview.locator('.summary.outcome-passed, .summary.outcome-failed');
    const passwordBox = page.locator('.quick-input-widget input[type="password"]');
    const first = await Promise.race([
      finished.waitFor({ timeout: 60_000 }).then(() => 'finished'),
      passwordBox.waitFor({ timeout: 60_000 }).then(() => 'password'),
    ]);
    if (first === 'password') {
      await passwordBox.fill(this.password);
      await page.keyboard.press('Enter');
      await finished.waitFor({ timeout: 60_000 });
    }
  });

  it('is restored after the window reloads, filled from the settings', async () => {
    // Reload the way an admin does, so the workbench saves its editors first (a bare page reload may not).
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 30_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    const webview = probePanel(page);
    await webview.getByRole('button', { name: 'Run probes' }).waitFor({ timeout: 30_000 }).catch(async (error) => {
      await page.screenshot({ path: join(resultsDir, 'probe-panel-restore-failure.png') });
      throw error;
    });
    const url = await webview.locator('#ews-url').inputValue();
    assert.equal(url, fake.url);
    assert.match(await webview.locator('#password-status').textContent(), /stored/);
  });
});

describe('probe & link panel in the browser: per-node mode', function () {
  this.timeout(240_000);
  let fakes;
  /** @type {import('./support.mjs').WorkbenchSession} */
  let session;
  /** @type {import('playwright-core').Page} */
  let page;
  let password;

  before(async function () {
    assertHarnessPresent();
    const fakeModule = loadFakeExchange();
    const nodesModule = require(join(repoRoot, 'out', 'test', 'fake-exchange', 'nodes.js'));
    password = fakeModule.FAKE_PASSWORD;
    // Three servers behind "localhost" on 127.0.0.1-3; 127.0.0.2 does not offer Basic. From 127.0.0.1 so
    // that the run through the name reaches the first one.
    fakes = await nodesModule.startFakeExchangeNodes({ scenario: 'nodes-basic-off', firstHost: 1, validateSchemas: false });
    session = await openWorkbench({
      label: 'ui-nodes',
      viewport: { width: 1400, height: 1000 },
      userSettings: {
        'exchangeSetup.ewsUrl': fakes.url,
        'exchangeSetup.serviceAccount.upn': fakeModule.FAKE_SERVICE_ACCOUNT,
        'exchangeSetup.testMailbox': fakeModule.FAKE_TEST_MAILBOX,
        'exchangeSetup.accessMethod': 'impersonation',
        'exchangeSetup.tls.extraCaFile': fakes.caFile,
        'exchangeSetup.probes.nodes': fakes.nodes.map((n) => n.address),
      },
    });
    page = session.page;
  });

  after(async () => {
    await session?.close();
    await fakes?.stop();
  });

  it('nodes-basic-off: the per-node table and its summary name the node without Basic (screenshot docs/images/per-node.png)', async () => {
    const webview = await openProbePanel(page);
    await webview.getByRole('button', { name: 'Run probes' }).click();
    const passwordBox = page.locator('.quick-input-widget input[type="password"]');
    await passwordBox.waitFor({ timeout: 30_000 }).catch(async (error) => {
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, 'probe-panel-nodes-password-failure.png') });
      throw new Error(`${error.message}; the panel says: ${await webview.locator('.summary').textContent()}`);
    });
    await passwordBox.fill(password);
    await page.keyboard.press('Enter');
    await webview.locator('.summary[class*="outcome-"]').waitFor({ timeout: 90_000 }).catch(async (error) => {
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, 'probe-panel-nodes-failure.png') });
      throw error;
    });
    const odd = fakes.oddAddress;
    const rows = await webview.locator('#nodes tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      node: tr.getAttribute('data-node'),
      failed: tr.classList.contains('failed'),
      basic: tr.querySelector('[data-check="auth.schemes"]')?.className,
    })));
    assert.deepEqual(rows.map((r) => r.node), fakes.nodes.map((n) => n.address), JSON.stringify(rows));
    for (const row of rows) {
      assert.equal(row.failed, row.node === odd, `${row.node} ${row.failed ? 'failed' : 'passed'}`);
      assert.equal(row.basic, row.node === odd ? 'status-fail' : 'status-pass', `${row.node}'s Basic column`);
    }
    const summary = await webview.locator('.nodes-summary').textContent();
    assert.match(summary, new RegExp(`^2 of 3 nodes pass; ${odd.replace(/\./g, '\\.')} does not offer Basic: the service will fail on about one request in three\\.`));
    assert.match(await webview.locator('.nodes-remedies').textContent(), new RegExp(`On ${odd.replace(/\./g, '\\.')}: `));
    assert.match(await webview.locator('.summary').getAttribute('class'), /outcome-failed/);

    // The picture in the README: the webview area with the table, its summary and the fix.
    await webview.locator('#nodes').scrollIntoViewIfNeeded();
    // The README's picture is refreshed only when asked (ECS_UPDATE_SCREENSHOTS=1), so a test run
    // leaves the checkout as it found it; otherwise the screenshot goes to test-results/.
    const imageDir = process.env.ECS_UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs', 'images') : join(repoRoot, 'test-results');
    mkdirSync(imageDir, { recursive: true });
    await page.locator('iframe.webview.ready').screenshot({ path: join(imageDir, 'per-node.png') });
    const pageText = await webview.locator('body').textContent();
    assert.ok(!pageText.includes(password), 'the password is never shown in the panel');
  });
});
