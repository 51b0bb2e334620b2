/**
 * Issue 15, item 3: no user-facing string of the panel escapes localization. The page is rendered in
 * jsdom in the pseudo-locale (test/support/pseudoLocale.ts: every string of l10n/bundle.l10n.json
 * accented and wrapped in ⟦ ⟧) through every state the host can put it in; every text node and every
 * label-like attribute must then be marked text, or one of the data values below.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import * as l10n from '../../src/core/l10n';
import type { HostMessage } from '../../src/core/protocol';
import { PanelView } from '../../src/webview/render';
import { CLOSE, OPEN, pseudoLocalize, withoutMarkedText } from '../support/pseudoLocale';

const ROOT = resolve(__dirname, '..', '..', '..');
const ENGLISH: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8'));

/** Text the host sends already localized (check names, messages, reasons, summaries): marked here as the host's bundle would. */
const hostText = (english: string): string => `${OPEN}${english}${CLOSE}`;

/**
 * The allow-list: values that are data, shown as they are in every language. Exactly these strings
 * (server, account, mailbox and URL values, the product and build Exchange reports, error codes
 * Exchange returns, a line of the pasted list, a timestamp, the EWS host and its nodes' names and
 * addresses), plus numbers (counts, durations, line numbers).
 */
const DATA = {
  ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
  upn: 'svc@contoso.com',
  testMailbox: 'alice@contoso.com',
  mailboxes: ['bob@contoso.com', 'carol@contoso.com'],
  product: 'Exchange Server 2019 CU14',
  build: '15.2.1544.4',
  codes: ['ErrorNonExistentMailbox', 'ErrorImpersonateUserDenied'],
  pastedLine: 'not-an-address',
  linkedAt: '2026-11-29T10:00:00.000Z',
  nodeHost: 'mail.contoso.com',
  nodes: ['10.0.0.11', 'exch02.contoso.com'],
} as const;
const DATA_VALUES: readonly string[] = [DATA.ewsUrl, DATA.upn, DATA.testMailbox, ...DATA.mailboxes, DATA.product, DATA.build, ...DATA.codes, DATA.pastedLine, DATA.linkedAt, DATA.nodeHost, ...DATA.nodes];
/** What may stand between marked parts and data: spaces, digits and punctuation, and the status glyphs (aria-hidden). */
const FILLER = /[\s\d.,:;()\u2014\u2013\-\u2714\u26A0\u2716\u2212]/g;

/** Every text of the page that is neither marked nor data: text nodes, and the attributes people read or hear. */
function unmarkedTexts(doc: Document): string[] {
  const found: string[] = [];
  const check = (where: string, text: string): void => {
    let rest = withoutMarkedText(text);
    for (const value of DATA_VALUES) rest = rest.split(value).join(' ');
    if (rest.replace(FILLER, '') !== '') found.push(`${where}: ${JSON.stringify(text)}`);
  };
  const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    check(`<${node.parentElement?.tagName.toLowerCase()}> text`, node.textContent ?? '');
  }
  for (const element of doc.body.querySelectorAll('*')) {
    for (const attribute of ['aria-label', 'placeholder', 'title', 'alt']) {
      const value = element.getAttribute(attribute);
      if (value !== null) check(`<${element.tagName.toLowerCase()} ${attribute}>`, value);
    }
  }
  return found;
}

/** Every state the host can put the page in, one message at a time. */
function hostMessages(trusted: boolean): HostMessage[] {
  const form = { ewsUrl: DATA.ewsUrl, upn: DATA.upn, testMailbox: DATA.testMailbox, accessMethod: 'impersonation', write: false } as const;
  const remedy = { step: 'access.impersonation', stepTitle: hostText('Method 1: impersonation'), text: hostText('Run the Method 1 snippet.'), hasSnippet: true } as const;
  return [
    { type: 'init', form, secret: { kind: 'stored' }, link: { target: 'http', description: hostText('Send the values to your service.') }, workspaceTrusted: trusted },
    { type: 'secret', secret: { kind: 'missing' } },
    { type: 'runStarted', runId: 1, purpose: 'probes' },
    { type: 'check', runId: 1, check: { id: 'net.dns', name: hostText('DNS resolves the EWS host'), status: 'pass', message: hostText('resolves'), ms: 3 } },
    { type: 'check', runId: 1, check: { id: 'access.impersonation', name: hostText('Impersonation'), status: 'fail', message: hostText('denied'), ms: 42, remedy } },
    { type: 'check', runId: 1, check: { id: 'tls.trust', name: hostText('Certificate'), status: 'warn', message: hostText('extra CA'), ms: 5, remedy: { ...remedy, hasSnippet: false } } },
    { type: 'check', runId: 1, check: { id: 'calendar.write', name: hostText('Write'), status: 'skip', message: hostText('not asked'), ms: 0 } },
    { type: 'runFinished', runId: 1, outcome: 'failed', summary: hostText('1 failed.'), server: { product: DATA.product, build: DATA.build, supported: false }, events: [], roomEvents: [{ subject: 'x', start: '', end: '', spoken: hostText('On Monday at 9:00: x.') }] },
    // Per-node mode: a node that resolved and one that did not, the stage's end with a fix for one node.
    { type: 'runStarted', runId: 3, purpose: 'probes' },
    { type: 'nodesStarted', runId: 3, host: DATA.nodeHost, nodes: [DATA.nodes[0], DATA.nodes[1]] },
    { type: 'nodesStarted', runId: 3, host: DATA.nodeHost, nodes: [DATA.nodes[0]] },
    {
      type: 'node', runId: 3,
      node: { node: DATA.nodes[0], address: DATA.nodes[0], label: DATA.nodes[0], ok: false, server: { build: DATA.build, product: DATA.product }, checks: [
        { id: 'net.dns', name: hostText('DNS'), status: 'pass', message: hostText('resolves'), ms: 1 },
        { id: 'auth.schemes', name: hostText('Basic'), status: 'fail', message: hostText('Basic off'), ms: 2 },
      ] },
    },
    { type: 'node', runId: 3, node: { node: DATA.nodes[1], label: DATA.nodes[1], ok: false, checks: [] } },
    { type: 'runFinished', runId: 3, outcome: 'failed', summary: hostText('1 failed.'), nodes: { host: DATA.nodeHost, total: 2, passing: 0, summary: hostText('Two nodes fail.'), remedies: [remedy] } },
    { type: 'runStarted', runId: 4, purpose: 'probes' },
    { type: 'runFinished', runId: 4, outcome: 'error', summary: '', nodesError: hostText('no addresses') },
    { type: 'runStarted', runId: 2, purpose: 'link' },
    { type: 'runFinished', runId: 2, outcome: 'passed', summary: '', server: { product: DATA.product, build: DATA.build, supported: true } },
    { type: 'verifyStarted', total: 3, problems: [{ line: 4, text: DATA.pastedLine, reason: hostText('not an SMTP address') }] },
    { type: 'verifyProgress', checked: 1, total: 3 },
    {
      type: 'verifyFinished', counts: { total: 3, verified: 1, denied: 0, notFound: 1, notChecked: 1 }, outcome: 'cancelled',
      unverified: [
        { mailbox: DATA.mailboxes[0], status: 'not-found', code: DATA.codes[0], reason: hostText('no mailbox') },
        { mailbox: DATA.mailboxes[1], status: 'not-checked', reason: hostText('cancelled') },
      ],
    },
    { type: 'autodiscover', requestId: 1, ok: false, message: hostText('No answer.') },
    { type: 'linkOutcome', ok: true, message: hostText('Validated.'), values: { upn: DATA.upn, ewsUrl: DATA.ewsUrl, accessMethod: 'delegate' } },
    { type: 'link', link: { target: 'a4b-console', description: hostText('Enter the values.'), linkedAt: DATA.linkedAt } },
    { type: 'notice', level: 'warning', text: hostText('Saved.') },
    { type: 'secret', secret: { kind: 'unavailable', message: hostText('No keyring.') } },
  ];
}

/** The unmarked texts seen while the page goes through every state, in the bundle `bundle`. */
function renderAllStates(bundle: l10n.L10nBundle): string[] {
  l10n.useL10nBundle(bundle);
  try {
    const found = new Set<string>();
    for (const trusted of [true, false]) {
      const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
      const doc = dom.window.document;
      const view = new PanelView(doc, { post: () => undefined, saveState: () => undefined });
      doc.body.append(view.root);
      // The Autodiscover answer must match the page's request to be shown.
      (doc.querySelector('details.autodiscover button') as HTMLButtonElement).click();
      for (const text of unmarkedTexts(doc)) found.add(text);
      for (const message of hostMessages(trusted)) {
        view.handle(message);
        for (const text of unmarkedTexts(doc)) found.add(text);
      }
    }
    return [...found];
  } finally {
    l10n.useL10nBundle(undefined);
  }
}

describe('ready for translation (issue 15, item 3)', () => {
  const pseudo = pseudoLocalize(ENGLISH);

  it('the pseudo-locale marks and accents every string, and keeps placeholders working', () => {
    l10n.useL10nBundle(pseudo);
    try {
      const shown = l10n.t('{0} of {1} mailboxes checked', 2, 7);
      assert.ok(shown.startsWith(OPEN) && shown.endsWith(CLOSE), shown);
      assert.match(shown, /^⟦2 .* 7 .*⟧$/u);
      assert.notEqual(shown, '⟦2 of 7 mailboxes checked⟧', 'letters are accented');
    } finally {
      l10n.useL10nBundle(undefined);
    }
    assert.equal(l10n.t('{0} of {1} mailboxes checked', 2, 7), '2 of 7 mailboxes checked', 'English without a bundle');
  });

  it('the panel, rendered in the pseudo-locale through every state, shows no text that escaped localization', () => {
    assert.deepEqual(renderAllStates(pseudo), []);
  });

  it('would notice a string that does not go through the bundle (one left out of it shows in English)', () => {
    const { 'Run probes': _left, 'Checklist step: {0}': _alsoLeft, 'not resolved': _node, ...fewer } = pseudo;
    const found = renderAllStates(fewer);
    assert.ok(found.some((text) => text.includes('"Run probes"')), found.join('\n'));
    assert.ok(found.some((text) => text.includes('Checklist step: ')), found.join('\n'));
    assert.ok(found.some((text) => text.includes('"not resolved"')), `the per-node table was rendered: ${found.join('\n')}`);
  });

  it('the check itself: allows data values and numbers, and nothing else', () => {
    const doc = new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
    doc.body.innerHTML = `<p>${OPEN}Ŝḗřṽḗř: ${DATA.product}${CLOSE}</p><p>${DATA.upn}</p><p>42 ms</p><p title="Copy">${OPEN}x${CLOSE}</p>`;
    assert.deepEqual(unmarkedTexts(doc), ['<p> text: "42 ms"', '<p title>: "Copy"']);
  });

  it('l10n/bundle.l10n.json holds exactly the strings of the source (npm run l10n:export)', function () {
    this.timeout(30_000);
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'l10n-export.mjs'), '--check'], { encoding: 'utf8', stdio: 'pipe' });
  });
});

describe('the checklist in the pseudo-locale (issue 15, item 3)', () => {
  /**
   * The core modules build their tables (step titles, status words) when they load, in the bundle in
   * use then, as in the extension host (src/host/l10nSetup.ts). So they are loaded afresh here, after
   * the pseudo-locale is set, and again afterwards for the other tests.
   */
  const CORE = ['steps', 'pure/stepVerdict', 'model', 'checklistText', 'workspaceSettings', 'probeEvidence'].map((name) => require.resolve(`../../src/core/${name}`));
  function loadCoreIn(bundle: l10n.L10nBundle | undefined): {
    model: typeof import('../../src/core/model');
    text: typeof import('../../src/core/checklistText');
    workspace: typeof import('../../src/core/workspaceSettings');
    evidence: typeof import('../../src/core/probeEvidence');
  } {
    for (const file of CORE) delete require.cache[file];
    l10n.useL10nBundle(bundle);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load is the point
      return { model: require('../../src/core/model'), text: require('../../src/core/checklistText'), workspace: require('../../src/core/workspaceSettings'), evidence: require('../../src/core/probeEvidence') };
    } finally {
      l10n.useL10nBundle(bundle);
    }
  }
  afterEach(() => {
    l10n.useL10nBundle(undefined);
    for (const file of CORE) delete require.cache[file];
  });

  /** Data in the checklist: server names, the access method's setting value, setting names, and a timestamp as the tooltip formats it. */
  const SERVERS = ['EXCH01', 'EXCH02'];
  const CHECKLIST_DATA = [...SERVERS, 'impersonation', 'delegate', 'exchangeSetup.accessMethod', 'exchangeSetup.link.target', '2026-12-01 09:00'];

  /** Every text of every row (title, description, tooltip, screen-reader label) and the badge and checkbox tooltips. */
  function checklistTexts(bundle: l10n.L10nBundle | undefined): string[] {
    const { model: core, text, workspace, evidence } = loadCoreIn(bundle);
    const fixedNow = () => new Date('2026-12-01T09:00:00Z');
    const model = new core.SetupModel(core.EMPTY_STATE, 'impersonation', fixedNow);
    model.recordBasicAuthReading([{ server: 'EXCH01', basicAuthentication: true }, { server: 'EXCH02', basicAuthentication: false }], 'terminal');
    model.setConfirmed('link', true);
    model.record('serviceAccount.create', 'failed', 'probe', hostText('no mailbox'));
    // The view's message when the workspace sets a setting that shapes snippets.
    const overrides = workspace.workspaceOverrides((key) => (key === 'accessMethod' ? { workspaceValue: 'delegate' } : key === 'link.target' ? { workspaceFolderValue: 'http' } : undefined), true);
    assert.equal(overrides.length, 2);
    const texts: string[] = [text.manualCheckboxTooltip(), text.stepsLeftTooltip(1), text.stepsLeftTooltip(model.remaining()), workspace.workspaceOverrideWarning(overrides) ?? ''];
    const visit = (step: import('../../src/core/model').StepView): void => {
      texts.push(step.definition.title, step.description, text.stepTooltipMarkdown(step, () => '2026-12-01 09:00'), evidence.checklistLabel(step, step.definition.title), text.manualCheckboxLabel(step.definition.title));
      step.children.forEach(visit);
    };
    model.view().forEach(visit);
    return texts;
  }

  function unmarked(texts: readonly string[]): string[] {
    return texts.filter((text) => {
      let rest = withoutMarkedText(text);
      for (const value of CHECKLIST_DATA) rest = rest.split(value).join(' ');
      // Markdown punctuation and escapes of the tooltip, list dashes, the middle dot between words.
      return rest.replace(/[\s\d.,:;()\u2014\-*\\·`]/g, '') !== '';
    });
  }

  it('every step title, description and tooltip is marked, in every state the rows can show', () => {
    const texts = checklistTexts(pseudoLocalize(ENGLISH));
    assert.ok(texts.length > 50, `${texts.length} texts`);
    assert.deepEqual(unmarked(texts), []);
  });

  it('would notice a step title or status word that does not go through the bundle', () => {
    const { 'Grant calendar access': _title, 'not started': _status, ...fewer } = pseudoLocalize(ENGLISH);
    const found = unmarked(checklistTexts(fewer)).join('\n');
    assert.match(found, /Grant calendar access/);
    assert.match(found, /not started/);
  });

  it('is English again without a bundle (the CLI, and VS Code in English)', () => {
    const texts = checklistTexts(undefined);
    assert.ok(texts.includes('Grant calendar access'));
    assert.equal(unmarked(texts).length, texts.filter((t) => t.trim() !== '').length);
  });
});

describe('the host passes every user-facing text through vscode.l10n (issue 15, item 3)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiler is a devDependency, loaded only here
  const ts: typeof import('typescript') = require('typescript');
  /** Calls whose text arguments people read: notifications and the panel's notices go through these. */
  const TEXT_CALLS = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'UserFacingError', 'createWebviewPanel']);
  /** Properties of option objects and messages that people read (input boxes, pickers, dialogs, panel messages). */
  const TEXT_PROPERTIES = new Set(['title', 'prompt', 'placeHolder', 'detail', 'description', 'label', 'tooltip', 'saveLabel', 'openLabel', 'message', 'text']);
  const hasWords = (node: import('typescript').Node): boolean =>
    (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) && /[A-Za-z]{2,}\s+[A-Za-z]/.test(node.getText());

  /** `file:line: text` for each literal with words in a place people read, in `source`. */
  function literalTexts(fileName: string, source: string): string[] {
    const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
    const found: string[] = [];
    const flag = (node: import('typescript').Node): void => {
      if (hasWords(node)) found.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().slice(0, 70)}`);
    };
    const visit = (node: import('typescript').Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = node.expression;
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
        const args = node.arguments ?? [];
        if (TEXT_CALLS.has(name)) args.forEach(flag);
        if (name === 'registerSafeCommand' && args[2]) flag(args[2]);
        if (name === 'requireTrustedWorkspace' && args[0]) flag(args[0]);
      }
      if (ts.isPropertyAssignment(node) && TEXT_PROPERTIES.has(node.name.getText())) flag(node.initializer);
      ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
  }

  const hostFiles = readdirSync(join(ROOT, 'src', 'host'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join('src', 'host', file))
    .concat(join('src', 'extension.ts'));

  it('no notification, dialog, prompt, picker, command title or panel notice in src/host is a literal', () => {
    const found = hostFiles.flatMap((file) => literalTexts(file, readFileSync(join(ROOT, file), 'utf8')));
    assert.deepEqual(found, []);
  });

  it('would notice a literal message, prompt or command title', () => {
    const source = [
      "vscode.window.showWarningMessage('Run the probes first.');",
      "vscode.window.showInputBox({ prompt: `Password of ${upn}` });",
      "registerSafeCommand(log, 'exchangeSetup.showLog', 'Show the log', () => undefined);",
      "this.panel.post({ type: 'notice', level: 'info', text: 'Copied the diagnostics.' });",
      "vscode.window.showWarningMessage(vscode.l10n.t('Run the probes first.'));",
    ].join('\n');
    assert.deepEqual(literalTexts('x.ts', source).map((line) => line.split(':')[1]), ['1', '2', '3', '4']);
  });
});
