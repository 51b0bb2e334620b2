import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { HostMessage, ProbeForm, WebviewMessage } from '../../src/core/protocol';
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

describe('webview renderer (jsdom)', () => {
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
    assert.deepEqual(posted.at(-1), { type: 'cancel' });
    view.handle({ type: 'runFinished', runId: 1, outcome: 'failed', summary: '1 of 2 checks failed.', server: { build: '15.2.2562.17', product: 'Exchange Server Subscription Edition', supported: true }, events: [] });
    assert.equal($<HTMLButtonElement>('#run-probes').disabled, false);
    assert.match(doc.querySelector('.summary')?.textContent ?? '', /1 of 2 checks failed/);
    assert.match(doc.querySelector('.server')?.textContent ?? '', /15\.2\.2562\.17/);
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
    assert.deepEqual(posted.at(-1), { type: 'cancel' });
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
    assert.deepEqual(posted.at(-1), { type: 'cancel' });
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

  it('says when the keyring is unavailable and offers no way to store the password', () => {
    const { view, $, buttonByText } = setup();
    view.handle({ type: 'secret', secret: { kind: 'unavailable', message: 'The OS keyring is not available.' } });
    assert.equal($('#password-status').textContent, 'The OS keyring is not available.');
    assert.equal(buttonByText('Set password\u2026').disabled, true);
  });

  it('password requests carry an id; only the answer to the latest one is applied', () => {
    const { view, posted, $, buttonByText } = setup();
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
