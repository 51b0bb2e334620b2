import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { HostMessage, ProbeForm, WebviewMessage } from '../../src/core/protocol';
import { EMPTY_STATE, SetupModel } from '../../src/core/model';
import { checklistLabel, recordProbeEvidence } from '../../src/core/probeEvidence';
import { PanelView, type ViewState } from '../../src/webview/render';

const form: ProbeForm = { ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: 'svc@contoso.com', testMailbox: 'alice@contoso.com', accessMethod: 'impersonation', write: false };
const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';

function setup(saved?: ViewState) {
  const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>', { runScripts: 'outside-only' });
  const doc = dom.window.document;
  const posted: WebviewMessage[] = [];
  const states: ViewState[] = [];
  const view = new PanelView(doc, { post: (m) => posted.push(m), saveState: (s) => states.push(s) }, saved);
  doc.body.append(view.root);
  const $ = <T extends Element = HTMLElement>(selector: string): T => {
    const found = doc.querySelector<T>(selector);
    assert.ok(found, `no element matches ${selector}`);
    return found;
  };
  const buttonByText = (text: string): HTMLButtonElement => {
    const found = [...doc.querySelectorAll('button')].find((b) => b.textContent === text);
    assert.ok(found, `no button "${text}"`);
    return found;
  };
  const init = (trusted = true): void => view.handle({ type: 'init', form, secret: { kind: 'stored' }, link: { target: 'a4b-console', description: 'Alexa for Business is retired.' }, workspaceTrusted: trusted });
  return { dom, doc, view, posted, states, $, buttonByText, init };
}

const failingAccess: HostMessage = {
  type: 'check', runId: 1,
  check: {
    id: 'access.impersonation', name: 'Impersonation of the test mailbox', status: 'fail', ms: 42,
    message: 'svc@contoso.com cannot impersonate alice@contoso.com: ErrorImpersonateUserDenied',
    remedy: { step: 'access.impersonation', stepTitle: 'Method 1: impersonation', text: 'Run the Method 1 snippet.', hasSnippet: true },
  },
};

/** A node's checks as the host sends them (only the statuses and messages matter to the table). */
function nodeChecks(overrides: Record<string, { status: 'pass' | 'warn' | 'fail' | 'skip'; message: string }> = {}): import('../../src/core/protocol').CheckView[] {
  const ids = ['net.dns', 'net.tcp', 'tls.handshake', 'tls.name', 'tls.trust', 'tls.expiry', 'auth.schemes', 'auth.login', 'server.version', 'access.impersonation'];
  return ids.map((id) => ({ id, name: id, ms: 1, status: overrides[id]?.status ?? 'pass', message: overrides[id]?.message ?? `${id} ok` }));
}

describe('webview renderer (jsdom)', () => {
  it('per-node mode: the control asks for every node, the table shows each node\'s checks and build, the summary names the odd node with its fix', () => {
    const { doc, view, posted, $, buttonByText, init } = setup();
    init();
    $<HTMLInputElement>('#all-nodes').click();
    buttonByText('Run probes').click();
    assert.deepEqual(posted.at(-1), { type: 'runProbes', form, allNodes: true });
    view.handle({ type: 'runStarted', runId: 1, purpose: 'probes' });
    assert.equal($('#nodes').hidden, true, 'no table before the nodes stage');
    view.handle({ type: 'nodesStarted', runId: 1, host: 'mail.contoso.com', nodes: ['10.0.0.11', 'exch02.contoso.com'] });
    assert.equal($('#nodes').hidden, false);
    assert.match($('#nodes-heading').textContent ?? '', /Servers behind mail\.contoso\.com \(2\)/);
    const server = { build: '15.2.1544.4', product: 'Exchange Server 2019' };
    // The odd node finishes first; the rows still follow the run's order of the nodes.
    view.handle({
      type: 'node', runId: 1,
      node: {
        node: 'exch02.contoso.com', address: '10.0.0.12', label: 'exch02.contoso.com (10.0.0.12)', ok: false, server: { build: HOSTILE, product: 'Exchange Server 2019' },
        checks: nodeChecks({ 'auth.schemes': { status: 'fail', message: 'Basic is not offered' }, 'auth.login': { status: 'skip', message: 'no Basic' }, 'access.impersonation': { status: 'skip', message: 'no logon' } }),
      },
    });
    view.handle({ type: 'node', runId: 1, node: { node: '10.0.0.11', address: '10.0.0.11', label: '10.0.0.11', ok: true, server, checks: nodeChecks() } });
    // A late node of an earlier run is not shown.
    view.handle({ type: 'node', runId: 0, node: { node: 'stale', label: 'stale', ok: true, checks: [] } });
    const rows = [...doc.querySelectorAll('#nodes tbody tr')];
    assert.deepEqual(rows.map((r) => r.getAttribute('data-node')), ['10.0.0.11', 'exch02.contoso.com']);
    const headings = [...doc.querySelectorAll('#nodes thead th')].map((th) => th.textContent);
    assert.deepEqual(headings, ['Node', 'Address', 'DNS', 'TCP', 'TLS', 'Name', 'Trust', 'Expiry', 'Basic', 'Logon', 'Version', 'Access', 'Server build']);
    const odd = rows[1];
    const cell = (id: string): Element => { const c = odd.querySelector(`[data-check="${id}"]`); assert.ok(c, id); return c; };
    assert.equal(cell('auth.schemes').className, 'status-fail');
    assert.equal(cell('auth.schemes').getAttribute('title'), 'Basic is not offered');
    assert.match(cell('auth.schemes').textContent ?? '', /Failed: Basic is not offered/);
    assert.equal(cell('access.impersonation').className, 'status-skip');
    assert.equal(odd.querySelector('td')?.textContent, '10.0.0.12');
    assert.equal(odd.querySelector('.build span')?.textContent, HOSTILE, 'the build as text');
    assert.equal(odd.querySelector('.build')?.getAttribute('title'), 'Exchange Server 2019', 'the product on hover');
    assert.equal(doc.querySelector('#nodes img, #nodes script'), null, 'no element from the server\'s text');
    assert.match(rows[0].className, /\bok\b/);
    assert.match(odd.className, /\bfailed\b/);
    view.handle({
      type: 'runFinished', runId: 1, outcome: 'failed', summary: '10 passed.',
      nodes: {
        host: 'mail.contoso.com', total: 2, passing: 1, summary: '1 of 2 nodes pass; exch02.contoso.com (10.0.0.12) does not offer Basic: the service will fail on about one request in two.',
        remedies: [{ step: 'basicAuth.enable', stepTitle: 'Turn on Basic authentication for EWS', text: 'On exch02.contoso.com (10.0.0.12): Turn on Basic.', hasSnippet: true }],
      },
    });
    assert.match($('#nodes-heading').textContent ?? '', /\(1 of 2 pass\)/);
    assert.match($('.nodes-summary').textContent ?? '', /exch02\.contoso\.com \(10\.0\.0\.12\) does not offer Basic/);
    assert.match($('.nodes-remedies').textContent ?? '', /On exch02\.contoso\.com \(10\.0\.0\.12\): Turn on Basic/);
    const insert = $<HTMLButtonElement>('.nodes-remedies button[data-action="insert"]');
    insert.click();
    assert.deepEqual(posted.at(-1), { type: 'remedy', action: 'insert', step: 'basicAuth.enable' });
    // The next run starts with an empty table.
    view.handle({ type: 'runStarted', runId: 2, purpose: 'probes' });
    assert.equal($('#nodes').hidden, true);
    assert.equal(doc.querySelectorAll('#nodes tbody tr').length, 0);
  });

  it('per-node mode: says why the nodes were not probed, and mailbox results name their node with per-node counts', () => {
    const { doc, view, $, init } = setup();
    init();
    view.handle({ type: 'runStarted', runId: 1, purpose: 'probes' });
    view.handle({ type: 'runFinished', runId: 1, outcome: 'failed', summary: '', nodesError: 'The EWS host mail.contoso.com does not resolve, so its nodes are unknown (ENOTFOUND)' });
    assert.equal($('#nodes').hidden, false);
    assert.match($('.nodes-summary').textContent ?? '', /not probed: The EWS host mail\.contoso\.com does not resolve/);
    view.handle({ type: 'verifyStarted', total: 4, problems: [] });
    view.handle({
      type: 'verifyFinished', outcome: 'failed', counts: { total: 4, verified: 2, denied: 2, notFound: 0, notChecked: 0 },
      unverified: [{ mailbox: 'bob@contoso.com', status: 'denied', code: 'ErrorImpersonateUserDenied', reason: 'denied', node: 'exch02.contoso.com (10.0.0.12)' }],
      byNode: [{ node: '10.0.0.11', total: 2, verified: 2, denied: 0, notFound: 0, notChecked: 0 }, { node: 'exch02.contoso.com (10.0.0.12)', total: 2, verified: 0, denied: 2, notFound: 0, notChecked: 0 }],
    });
    const items = [...doc.querySelectorAll('.failures li')].map((li) => li.textContent ?? '');
    assert.ok(items.some((t) => /^bob@contoso\.com: denied \(ErrorImpersonateUserDenied\): denied \[answered by exch02\.contoso\.com \(10\.0\.0\.12\)\]$/.test(t)), items.join('\n'));
    assert.ok(items.includes('exch02.contoso.com (10.0.0.12): 0 verified, 2 denied, 0 not found, 0 not checked (of 2)'), items.join('\n'));
    assert.ok(items.includes('10.0.0.11: 2 verified, 0 denied, 0 not found, 0 not checked (of 2)'), items.join('\n'));
  });

  it('says a run refused before it started did not start, and keeps "unexpected error" for a run that broke', () => {
    const { doc, view, init } = setup();
    init();
    const summary = (): string => doc.querySelector('p.summary')?.textContent ?? '';
    view.handle({ type: 'runStarted', runId: 1, purpose: 'probes' });
    view.handle({ type: 'runFinished', runId: 1, outcome: 'error', summary: 'exchangeSetup.testMailbox: "x" is not an e-mail address.', refused: true });
    assert.equal(summary(), 'The run did not start: exchangeSetup.testMailbox: "x" is not an e-mail address.');
    view.handle({ type: 'runStarted', runId: 2, purpose: 'probes' });
    view.handle({ type: 'runFinished', runId: 2, outcome: 'error', summary: 'socket hang up' });
    assert.equal(summary(), 'The run stopped on an unexpected error. socket hang up');
  });

  it('fills the form from init, labels every control and shows the password state', () => {
    const { doc, $, init } = setup();
    init();
    assert.equal($<HTMLInputElement>('#ews-url').value, form.ewsUrl);
    assert.equal($<HTMLInputElement>('#upn').value, form.upn);
    assert.equal($<HTMLSelectElement>('#access-method').value, 'impersonation');
    for (const control of doc.querySelectorAll('input, select, textarea')) {
      assert.ok(doc.querySelector(`label[for="${control.id}"]`) || control.getAttribute('aria-label'), `control #${control.id} has a label`);
    }
    assert.match($('#password-status').textContent ?? '', /stored/);
  });

  it('brings the section a step opened it for into view and gives its heading the focus', () => {
    const { doc, view, init } = setup();
    init();
    view.handle({ type: 'reveal', section: 'link' });
    assert.equal(doc.activeElement?.id, 'link-heading');
    view.handle({ type: 'reveal', section: 'probes' });
    assert.equal(doc.activeElement?.id, 'probes-heading');
  });

  it('streams check rows with status, name, message and duration, and remedy buttons that post the step', () => {
    const { doc, view, posted, $, buttonByText, init } = setup();
    init();
    buttonByText('Run probes').click();
    assert.equal(posted.at(-1)?.type, 'runProbes');
    view.handle({ type: 'runStarted', runId: 1, purpose: 'probes' });
    assert.equal($<HTMLButtonElement>('#run-probes').disabled, true);
    assert.equal($<HTMLButtonElement>('#cancel').disabled, false);
    view.handle({ type: 'check', runId: 1, check: { id: 'net.dns', name: 'DNS resolves the EWS host', status: 'pass', message: 'mail.contoso.com resolves to 10.0.0.5', ms: 3 } });
    view.handle(failingAccess);
    view.handle({ type: 'check', runId: 0, check: { id: 'stale', name: 'from an old run', status: 'pass', message: '', ms: 1 } });
    const rows = doc.querySelectorAll('#checks > li');
    assert.equal(rows.length, 2, 'a stale run\'s row is ignored');
    assert.equal(rows[0].querySelector('.name')?.textContent, 'DNS resolves the EWS host');
    assert.equal(rows[0].querySelector('.duration')?.textContent, '3 ms');
    assert.equal(rows[0].querySelector('.visually-hidden')?.textContent, 'Passed: ');
    assert.ok(rows[1].classList.contains('status-fail'));
    assert.match(rows[1].querySelector('.message')?.textContent ?? '', /ErrorImpersonateUserDenied/);
    const actions = [...rows[1].querySelectorAll<HTMLButtonElement>('.remedy button')];
    assert.deepEqual(actions.map((b) => b.dataset.action), ['insert', 'copy', 'reveal']);
    for (const b of actions) b.click();
    assert.deepEqual(posted.slice(-3), [
      { type: 'remedy', action: 'insert', step: 'access.impersonation' },
      { type: 'remedy', action: 'copy', step: 'access.impersonation' },
      { type: 'remedy', action: 'reveal', step: 'access.impersonation' },
    ]);
    $<HTMLButtonElement>('#cancel').click();
    assert.deepEqual(posted.at(-1), { type: 'cancel', run: 'run' });
    view.handle({ type: 'runFinished', runId: 1, outcome: 'failed', summary: '1 of 2 checks failed.', server: { build: '15.2.2562.17', product: 'Exchange Server Subscription Edition', supported: true }, events: [] });
    assert.equal($<HTMLButtonElement>('#run-probes').disabled, false);
    assert.match(doc.querySelector('.summary')?.textContent ?? '', /1 of 2 checks failed/);
    assert.match(doc.querySelector('.server')?.textContent ?? '', /15\.2\.2562\.17/);
  });

  it('lists under the summary each step the run leaves to do, in the checklist\'s own words', () => {
    const { doc, view, init } = setup();
    init();
    const trustReason = 'Trusted only through the extra CA file, not by a public root: the calendar service needs a publicly trusted certificate';
    view.handle({ type: 'runStarted', runId: 3, purpose: 'probes' });
    const check = (id: string, status: 'pass' | 'warn', message = `${id} ok`): HostMessage => ({ type: 'check', runId: 3, check: { id, name: id, status, message, ms: 1 } });
    for (const id of ['tls.handshake', 'tls.name', 'tls.expiry', 'auth.login']) view.handle(check(id, 'pass'));
    view.handle(check('tls.trust', 'warn', trustReason));
    const verdicts = doc.querySelector<HTMLElement>('.step-verdicts')!;
    assert.equal(verdicts.hidden, true, 'nothing is listed while the run goes on');
    view.handle({ type: 'runFinished', runId: 3, outcome: 'passed', summary: '5 checks, 1 with a warning, in 9 ms.' });
    assert.equal(verdicts.hidden, false);
    const model = new SetupModel(EMPTY_STATE, 'impersonation');
    recordProbeEvidence(model, [{ id: 'tls.trust', status: 'warn', message: trustReason }, ...['tls.handshake', 'tls.name', 'tls.expiry'].map((id) => ({ id, status: 'pass' as const, message: `${id} ok` }))], 'impersonation');
    const row = model.view().flatMap((v) => [v, ...v.children]).find((v) => v.id === 'prerequisites.certificate')!;
    const items = [...verdicts.querySelectorAll('li')].map((li) => li.textContent);
    assert.deepEqual(items, [`Publicly trusted certificate on EWS: warning \u2014 ${trustReason}`]);
    assert.equal(checklistLabel(row, row.definition.title), `${items[0]} (from a probe)`, 'the checklist row says the same');
    // A new run clears the list until it has finished.
    view.handle({ type: 'runStarted', runId: 4, purpose: 'probes' });
    assert.equal(verdicts.hidden, true);
  });

  it('disables inserting into the terminal in an untrusted workspace, and offers only "reveal" for a step without a snippet', () => {
    const { doc, view, init } = setup();
    init(false);
    view.handle({ type: 'runStarted', runId: 1, purpose: 'probes' });
    view.handle(failingAccess);
    view.handle({ type: 'check', runId: 1, check: { id: 'calendar.read', name: 'Calendar readable', status: 'fail', message: 'no such mailbox', ms: 5, remedy: { step: 'access', stepTitle: 'Grant calendar access', text: 'Check the test mailbox.', hasSnippet: false } } });
    const [first, second] = doc.querySelectorAll('#checks > li');
    assert.equal(first.querySelector<HTMLButtonElement>('button[data-action="insert"]')?.disabled, true);
    assert.deepEqual([...second.querySelectorAll<HTMLButtonElement>('.remedy button')].map((b) => b.dataset.action), ['reveal']);
  });

  it('renders hostile subjects, messages and mailbox names as text, never as HTML', () => {
    const { dom, doc, view, init } = setup();
    init();
    view.handle({ type: 'runStarted', runId: 7, purpose: 'probes' });
    view.handle({ type: 'check', runId: 7, check: { id: 'calendar.read', name: HOSTILE, status: 'warn', message: HOSTILE, ms: 1 } });
    view.handle({ type: 'runFinished', runId: 7, outcome: 'passed', summary: HOSTILE, events: [{ subject: HOSTILE, start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z', spoken: `On Tuesday at 9:00 AM: ${HOSTILE}.` }] });
    view.handle({ type: 'verifyStarted', total: 1, problems: [{ line: 1, text: HOSTILE, reason: 'not an SMTP address' }] });
    view.handle({ type: 'verifyFinished', counts: { total: 1, verified: 0, denied: 1, notFound: 0, notChecked: 0 }, unverified: [{ mailbox: HOSTILE, status: 'denied', code: HOSTILE, reason: HOSTILE }], outcome: 'failed' });
    view.handle({ type: 'notice', level: 'error', text: HOSTILE });
    view.handle({ type: 'linkOutcome', ok: true, message: HOSTILE, values: { upn: HOSTILE, ewsUrl: HOSTILE, accessMethod: 'delegate' } });
    assert.equal(doc.querySelectorAll('img, script').length, 0, 'no element was created from data');
    assert.equal((dom.window as unknown as { pwned?: number }).pwned, undefined);
    assert.ok((doc.body.textContent ?? '').includes(HOSTILE), 'the text is shown as it is');
    assert.equal(doc.querySelector('.events li')?.textContent, `On Tuesday at 9:00 AM: ${HOSTILE}.`);
  });

  it('shows upcoming events as spoken sentences, mailbox progress with counts and each failure with its reason', () => {
    const { doc, view, posted, $, buttonByText, init } = setup();
    init();
    view.handle({ type: 'runStarted', runId: 2, purpose: 'probes' });
    view.handle({ type: 'runFinished', runId: 2, outcome: 'passed', summary: '', events: [{ subject: 'Standup', start: '', end: '', spoken: 'On Monday, December 1 at 9:00 AM: Standup.' }] });
    assert.deepEqual([...doc.querySelectorAll('.events li')].map((li) => li.textContent), ['On Monday, December 1 at 9:00 AM: Standup.']);
    $<HTMLTextAreaElement>('#mailbox-list').value = 'bob@contoso.com\ncarol@contoso.com';
    buttonByText('Verify pasted list').click();
    assert.deepEqual(posted.at(-1), { type: 'verifyMailboxes', source: 'pasted', text: 'bob@contoso.com\ncarol@contoso.com' });
    buttonByText('Verify from file\u2026').click();
    assert.deepEqual(posted.at(-1), { type: 'verifyMailboxes', source: 'file' });
    view.handle({ type: 'verifyStarted', total: 2, problems: [] });
    assert.equal(buttonByText('Cancel verification').hidden, false, 'a running verification can be cancelled');
    view.handle({ type: 'verifyProgress', checked: 1, total: 2, verified: 1, denied: 0, notFound: 0, notChecked: 0, timeLeftMs: 41_000 });
    const counts = '1 of 2 mailboxes checked (1 verified, 0 denied, 0 not found), about 40 s left';
    assert.equal($('.progress-text').textContent, counts);
    assert.equal($<HTMLProgressElement>('progress').value, 1);
    assert.equal($<HTMLProgressElement>('progress').max, 2);
    assert.equal($('progress').getAttribute('aria-valuetext'), counts, 'a screen reader hears the counts, not a bare percentage');
    assert.equal($('progress').getAttribute('aria-label'), 'Mailboxes checked');
    buttonByText('Cancel verification').click();
    assert.deepEqual(posted.at(-1), { type: 'cancel', run: 'verification' });
    assert.equal(buttonByText('Verify not-checked again').hidden, true, 'no rerun button before a run left some not checked');
    view.handle({ type: 'verifyFinished', counts: { total: 2, verified: 1, denied: 0, notFound: 1, notChecked: 0 }, unverified: [{ mailbox: 'carol@contoso.com', status: 'not-found', code: 'ErrorNonExistentMailbox', reason: 'no mailbox exists' }], outcome: 'failed' });
    assert.equal($('.progress-text').textContent, '1 verified, 0 denied, 1 not found, 0 not checked (of 2).');
    assert.equal($('.failures li').textContent, 'carol@contoso.com: not found (ErrorNonExistentMailbox): no mailbox exists');
    assert.equal(buttonByText('Cancel verification').hidden, true, 'no cancel once it ended');
    assert.equal($<HTMLProgressElement>('progress').hidden, true);
  });

  it('shows the write test step k of 4 in the run summary, and Autodiscover\'s candidate k of n with a Stop button', () => {
    const { view, posted, $, buttonByText, init } = setup();
    init();
    view.handle({ type: 'runStarted', runId: 3, purpose: 'probes' });
    view.handle({ type: 'writeStep', runId: 3, step: 'confirm', index: 2, of: 4 });
    assert.equal($('.summary').textContent, 'Running the probes\u2026 Write test: step 2 of 4 (confirm)');
    // A step of a replaced run is not shown.
    view.handle({ type: 'writeStep', runId: 2, step: 'delete', index: 3, of: 4 });
    assert.equal($('.summary').textContent, 'Running the probes\u2026 Write test: step 2 of 4 (confirm)');
    $<HTMLInputElement>('#autodiscover-email').value = 'alice@contoso.com';
    buttonByText('Find my EWS URL').click();
    const asked = posted.at(-1);
    assert.ok(asked?.type === 'findEwsUrl');
    assert.equal(buttonByText('Stop looking').hidden, false);
    view.handle({ type: 'autodiscoverProgress', requestId: asked.requestId, tried: 2, total: 4, url: 'https://autodiscover.contoso.com/autodiscover/autodiscover.xml' });
    assert.equal($('.autodiscover [role=status]').textContent, 'Autodiscover: candidate 2 of 4 (https://autodiscover.contoso.com/autodiscover/autodiscover.xml)\u2026');
    view.handle({ type: 'autodiscoverProgress', requestId: asked.requestId - 1, tried: 4, total: 4, url: 'https://old.example/' });
    assert.match($('.autodiscover [role=status]').textContent ?? '', /candidate 2 of 4/, 'a late lookup does not overwrite the latest');
    buttonByText('Stop looking').click();
    assert.deepEqual(posted.at(-1), { type: 'cancel', run: 'autodiscover' });
    view.handle({ type: 'autodiscover', requestId: asked.requestId, ok: false, message: 'Autodiscover found no EWS URL: Cancelled' });
    assert.equal(buttonByText('Stop looking').hidden, true);
  });

  it('offers one click to verify again only the mailboxes left not checked', () => {
    const { view, posted, $, init } = setup();
    init();
    view.handle({ type: 'verifyStarted', total: 3, problems: [] });
    view.handle({
      type: 'verifyFinished', counts: { total: 3, verified: 1, denied: 0, notFound: 0, notChecked: 2 }, outcome: 'passed',
      unverified: [{ mailbox: 'bob@contoso.com', status: 'not-checked', reason: 'throttled, retry after 300 s' }, { mailbox: 'carol@contoso.com', status: 'not-checked', reason: 'timed out' }],
    });
    const rerun = [...$('#users').querySelectorAll('button')].find((b) => b.textContent === 'Verify 2 not checked again') as HTMLButtonElement;
    assert.ok(rerun, 'the button names how many');
    assert.equal(rerun.hidden, false);
    assert.equal($('.failures li').textContent, 'bob@contoso.com: not checked: throttled, retry after 300 s');
    rerun.click();
    assert.deepEqual(posted.at(-1), { type: 'verifyMailboxes', source: 'notChecked' });
  });

  it('fills the EWS URL from Autodiscover and keeps only non-secret view state', () => {
    const { view, states, posted, $, buttonByText, init } = setup();
    init();
    $<HTMLInputElement>('#autodiscover-email').value = 'alice@contoso.com';
    buttonByText('Find my EWS URL').click();
    const first = posted.at(-1) as { type: string; email: string; requestId: number };
    assert.deepEqual(first, { type: 'findEwsUrl', email: 'alice@contoso.com', requestId: first.requestId });
    buttonByText('Find my EWS URL').click();
    const second = posted.at(-1) as { requestId: number };
    assert.ok(second.requestId > first.requestId, 'each request has a new id');
    // The answer to the first lookup comes late: it is not the answer to the latest request.
    view.handle({ type: 'autodiscover', requestId: first.requestId, ok: true, ewsUrl: 'https://stale.contoso.com/EWS/Exchange.asmx', message: 'Stale.' });
    assert.equal($<HTMLInputElement>('#ews-url').value, form.ewsUrl, 'a stale answer changes nothing');
    view.handle({ type: 'autodiscover', requestId: second.requestId, ok: true, ewsUrl: 'https://ex.contoso.com/EWS/Exchange.asmx', message: 'Found it.' });
    assert.equal($<HTMLInputElement>('#ews-url').value, 'https://ex.contoso.com/EWS/Exchange.asmx');
    const last = states.at(-1);
    assert.equal(last?.form?.ewsUrl, 'https://ex.contoso.com/EWS/Exchange.asmx');
    assert.deepEqual(Object.keys(last ?? {}).sort(), ['email', 'form', 'mailboxText']);
    assert.ok(!JSON.stringify(states).toLowerCase().includes('password'));
  });

  it('restores the saved view state before the host answers', () => {
    const { $ } = setup({ form: { ...form, testMailbox: 'bob@contoso.com', write: true }, email: 'x@contoso.com' });
    assert.equal($<HTMLInputElement>('#test-mailbox').value, 'bob@contoso.com');
    assert.equal($<HTMLInputElement>('#write-test').checked, true);
    assert.equal($<HTMLInputElement>('#autodiscover-email').value, 'x@contoso.com');
  });

  it('shows the link values with a copy-password button and a confirmation, never the password', () => {
    const { doc, view, posted, buttonByText, init } = setup();
    init();
    view.handle({ type: 'linkOutcome', ok: true, message: 'Validated.', values: { upn: 'svc@contoso.com', ewsUrl: form.ewsUrl, accessMethod: 'impersonation' } });
    const terms = [...doc.querySelectorAll('.link-values dt')].map((d) => d.textContent);
    assert.deepEqual(terms, ['Service account (UPN)', 'Password', 'EWS URL', 'Access method']);
    buttonByText('Copy password').click();
    buttonByText('Mark as linked').click();
    assert.deepEqual(posted.slice(-2), [{ type: 'copyLinkPassword' }, { type: 'markLinked' }]);
    view.handle({ type: 'link', link: { target: 'a4b-console', description: 'd', linkedAt: '2026-11-29T10:00:00.000Z' } });
    assert.match(doc.querySelector('#link')?.textContent ?? '', /Marked as linked on 2026-11-29T10:00:00.000Z/);
  });

  it('sends no form before the host has filled it: Run, Link, Save and the password buttons wait for init', () => {
    // Each of them writes the form to the settings first: an empty form sent early would clear them.
    const { view, posted, $, buttonByText, init } = setup();
    for (const button of [buttonByText('Run probes'), buttonByText('Validate and link'), buttonByText('Save to settings'), buttonByText('Set password\u2026')]) {
      assert.equal(button.disabled, true, `${button.textContent} is disabled before init`);
      button.click();
    }
    assert.deepEqual(posted.filter((m) => 'form' in (m as object)), [], 'no form was sent');
    view.handle({ type: 'secret', secret: { kind: 'missing' } });
    assert.equal(buttonByText('Set password\u2026').disabled, true, 'a password state alone does not enable it');
    init();
    assert.equal($<HTMLInputElement>('#ews-url').value, form.ewsUrl);
    // (init names the A4B console as the link target, which renames the link button.)
    for (const button of [buttonByText('Run probes'), buttonByText('Validate and show the values to enter'), buttonByText('Save to settings'), buttonByText('Change password\u2026'), buttonByText('Forget password')]) {
      assert.equal(button.disabled, false, `${button.textContent} is enabled after init`);
    }
    buttonByText('Run probes').click();
    assert.deepEqual(posted.at(-1), { type: 'runProbes', form: { ...form } });
  });

  it('says when the keyring is unavailable and offers no way to store the password', () => {
    const { view, $, buttonByText } = setup();
    view.handle({ type: 'secret', secret: { kind: 'unavailable', message: 'The OS keyring is not available.' } });
    assert.equal($('#password-status').textContent, 'The OS keyring is not available.');
    assert.equal(buttonByText('Set password\u2026').disabled, true);
  });

  it('password requests carry an id; only the answer to the latest one is applied', () => {
    const { view, posted, $, buttonByText } = setup();
    view.handle({ type: 'form', form });
    buttonByText('Set password\u2026').click();
    const first = posted.at(-1) as { type: string; requestId: number };
    assert.equal(first.type, 'changePassword');
    buttonByText('Set password\u2026').click();
    const second = posted.at(-1) as { requestId: number };
    assert.ok(second.requestId > first.requestId);
    view.handle({ type: 'secret', requestId: first.requestId, secret: { kind: 'stored' } });
    assert.match($('#password-status').textContent ?? '', /No password stored/, 'the stale answer is ignored');
    view.handle({ type: 'secret', requestId: second.requestId, secret: { kind: 'stored' } });
    assert.match($('#password-status').textContent ?? '', /A password is stored/);
  });
});
