// The probe panel's Content-Security-Policy, read from the HTML the real webview was given (through
// the extension API's probePanel inspector), and the webview options in force.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activatedApi } from '../support';


interface PageFacts {
  csp: Map<string, string[]>;
  nonces: string[];
  scripts: { nonce?: string; src?: string }[];
  inlineScripts: number;
  styleElements: number;
  styleAttributes: number;
  eventHandlerAttributes: number;
  urls: string[];
}

/** What the page holds, read with plain patterns: the HTML is ours and small. */
function readPage(html: string): PageFacts {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*>/i.exec(html);
  assert.ok(meta, 'a Content-Security-Policy meta element');
  const csp = new Map<string, string[]>();
  for (const directive of meta[1].split(';').map((d) => d.trim()).filter(Boolean)) {
    const [name, ...sources] = directive.split(/\s+/);
    assert.ok(!csp.has(name), `${name} given once`);
    csp.set(name, sources);
  }
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({
    nonce: /\bnonce="([^"]*)"/.exec(m[1])?.[1],
    src: /\bsrc="([^"]*)"/.exec(m[1])?.[1],
    inline: m[2].trim() !== '',
  }));
  return {
    csp,
    nonces: (csp.get('script-src') ?? []).map((s) => /^'nonce-([^']+)'$/.exec(s)?.[1] ?? '').filter(Boolean),
    scripts,
    inlineScripts: scripts.filter((s) => s.inline || !s.src).length,
    styleElements: (html.match(/<style\b/gi) ?? []).length,
    styleAttributes: (html.match(/\sstyle\s*=/gi) ?? []).length,
    eventHandlerAttributes: (html.match(/\son[a-z]+\s*=/gi) ?? []).length,
    urls: [...html.matchAll(/\b(?:src|href)="([^"]*)"/gi)].map((m) => m[1]),
  };
}

describe('probe panel CSP (the real webview\'s HTML)', function () {
  this.timeout(60_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('default-src none, a fresh nonce on every script, nothing inline, nothing remote, roots limited to dist and media', async () => {
    const api = await activatedApi();
    const extensionUri = vscode.extensions.getExtension('exchange-calendar-setup.exchange-calendar-setup')?.extensionUri;
    assert.ok(extensionUri);
    const seenNonces: string[] = [];
    for (let load = 0; load < 2; load++) {
      await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
      const page = api.probePanel.current();
      assert.ok(page, 'the panel is open');
      const facts = readPage(page.html);
      assert.deepEqual(facts.csp.get('default-src'), ["'none'"]);
      assert.equal(facts.nonces.length, 1, `script-src: ${facts.csp.get('script-src')?.join(' ')}`);
      assert.deepEqual(facts.csp.get('script-src'), [`'nonce-${facts.nonces[0]}'`], 'script-src allows only the nonce');
      assert.ok(facts.nonces[0].length >= 16, 'the nonce is long enough to be unguessable');
      assert.ok(facts.scripts.length > 0, 'the page has its script');
      for (const script of facts.scripts) assert.equal(script.nonce, facts.nonces[0], 'every script tag carries the nonce');
      assert.equal(facts.inlineScripts, 0, 'no inline script');
      assert.equal(facts.styleElements + facts.styleAttributes, 0, 'no inline style');
      assert.equal(facts.eventHandlerAttributes, 0, 'no inline event handler');
      for (const [name, sources] of facts.csp) {
        for (const source of sources) {
          assert.doesNotMatch(source, /'unsafe-inline'|'unsafe-eval'|^\*$|^https?:$|^data:$|^blob:$/, `${name} ${source}`);
          if (/^https?:\/\//.test(source)) assert.ok(/vscode-cdn\.net|vscode-resource|127\.0\.0\.1|localhost/.test(source), `${name} allows only the webview's own source, not ${source}`);
        }
      }
      assert.deepEqual([...facts.csp.keys()].sort(), ['default-src', 'img-src', 'script-src', 'style-src']);
      // webview.cspSource (several tokens in code-server: 'self' and the resource CDN) for styles and images alike.
      assert.deepEqual(facts.csp.get('img-src'), facts.csp.get('style-src'), 'style and images come from the webview\'s own cspSource');
      const cspSources = new Set(facts.csp.get('style-src') ?? []);
      for (const source of cspSources) assert.match(source, /^'self'$|^https:\/\/\*?\.?[a-z0-9.-]*vscode-cdn\.net$|^vscode-resource:|^https?:\/\/(127\.0\.0\.1|localhost)/, `cspSource token ${source}`);
      for (const url of facts.urls) {
        assert.ok(!/^(https?:)?\/\//.test(url) || [...cspSources].some((s) => url.startsWith(s.replace(/\*/, ''))) || /vscode-cdn\.net|vscode-resource/.test(url), `no remote source: ${url}`);
        assert.match(url, /\/(dist\/webview\.js|media\/panel\.css)$/, `only our bundle and stylesheet: ${url}`);
      }
      const rootUris: readonly vscode.Uri[] = page.options.localResourceRoots ?? [];
      const roots: string[] = rootUris.map((u: vscode.Uri): string => path.posix.relative(extensionUri.path, u.path)).sort();
      assert.deepEqual(roots, ['dist', 'media'], 'localResourceRoots are dist and media only');
      assert.equal(page.options.enableCommandUris, false, 'no command URIs');
      seenNonces.push(facts.nonces[0]);
      // Close it, so the next open loads the page anew.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    assert.notEqual(seenNonces[0], seenNonces[1], 'a fresh nonce per load');
  });

  it('every message from the page goes through the validator: a malformed one is dropped, never acted on', async () => {
    const api = await activatedApi();
    await vscode.commands.executeCommand('exchangeSetup.openProbePanel');
    const before = vscode.workspace.getConfiguration('exchangeSetup').get<string>('ewsUrl');
    for (const raw of [
      null, 42, 'runProbes', { type: 'saveForm' }, { type: 'saveForm', form: { ewsUrl: 'https://evil.example/EWS/Exchange.asmx', upn: 'a@b.c', testMailbox: 'x@b.c', accessMethod: 'impersonation', write: false }, extra: 1 },
      { type: 'remedy', action: 'run', step: 'access.impersonation' }, { type: 'verifyMailboxes', source: 'file', path: '/etc/passwd' }, { type: '__proto__' },
    ]) {
      await api.probePanel.receive(raw);
    }
    assert.equal(vscode.workspace.getConfiguration('exchangeSetup').get<string>('ewsUrl'), before, 'no malformed message changed a setting');
  });

  it('acts on no form-carrying message before a page has been filled from the settings', async () => {
    const api = await activatedApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const deadline = Date.now() + 10_000; api.probePanel.current() !== undefined && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    assert.equal(api.probePanel.current(), undefined, 'no panel is open');
    const before = vscode.workspace.getConfiguration('exchangeSetup').get<string>('ewsUrl');
    const form = { ewsUrl: 'https://evil.example/EWS/Exchange.asmx', upn: 'a@b.c', testMailbox: 'x@b.c', accessMethod: 'impersonation', write: false };
    await api.probePanel.receive({ type: 'saveForm', form });
    await api.probePanel.receive({ type: 'runLink', form });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(vscode.workspace.getConfiguration('exchangeSetup').get<string>('ewsUrl'), before, 'a well-formed form from no filled page saved nothing');
  });
});
