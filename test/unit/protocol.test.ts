import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_FIELD_LENGTH,
  ReadyGate,
  isHostMessage,
  parseWebviewMessage,
  receiveWebviewMessage,
  type ProbeForm,
  type WebviewMessage,
} from '../../src/core/protocol';
import { STEP_IDS } from '../../src/core/steps';

const form: ProbeForm = { ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx', upn: 'svc@contoso.com', testMailbox: 'alice@contoso.com', accessMethod: 'impersonation', write: false };

const formArb: fc.Arbitrary<ProbeForm> = fc.record({
  ewsUrl: fc.string({ maxLength: 200 }),
  upn: fc.string({ maxLength: 100 }),
  testMailbox: fc.string({ maxLength: 100 }),
  accessMethod: fc.constantFrom('impersonation' as const, 'delegate' as const),
  write: fc.boolean(),
});

/** Every well-formed message the webview can send. */
const validMessageArb: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constantFrom<WebviewMessage>(
    { type: 'ready' }, { type: 'cancel' }, { type: 'cancel', run: 'run' }, { type: 'cancel', run: 'verification' }, { type: 'cancel', run: 'autodiscover' },
    { type: 'exportReport' }, { type: 'copyDiagnostics' },
    { type: 'copyLinkPassword' }, { type: 'markLinked' }, { type: 'setLinkAuthorization' }, { type: 'verifyMailboxes', source: 'file' },
  ),
  fc.tuple(fc.constantFrom('saveForm' as const, 'runProbes' as const, 'runLink' as const), formArb)
    .map(([type, f]): WebviewMessage => ({ type, form: f })),
  fc.tuple(fc.constantFrom('changePassword' as const, 'forgetPassword' as const), formArb, fc.nat())
    .map(([type, f, requestId]): WebviewMessage => ({ type, form: f, requestId })),
  fc.tuple(fc.string({ maxLength: 320 }), fc.nat()).map(([email, requestId]): WebviewMessage => ({ type: 'findEwsUrl', email, requestId })),
  fc.tuple(fc.constantFrom('insert' as const, 'copy' as const, 'reveal' as const), fc.constantFrom(...STEP_IDS))
    .map(([action, step]): WebviewMessage => ({ type: 'remedy', action, step })),
  fc.string({ maxLength: 500 }).map((text): WebviewMessage => ({ type: 'verifyMailboxes', source: 'pasted', text })),
  fc.tuple(formArb, fc.boolean()).map(([f, allNodes]): WebviewMessage => ({ type: 'runProbes', form: f, allNodes })),
);

const hostileValue = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.constant(Number.NaN), fc.boolean(), fc.integer(), fc.double(),
  fc.string({ maxLength: 20 }), fc.constant('__proto__'), fc.constant('constructor'), fc.constant('<script>alert(1)</script>'),
  fc.constant('a'.repeat(MAX_FIELD_LENGTH + 1)), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }), fc.bigInt(),
);

/** A valid message with one thing wrong: a field retyped, removed, or one added. */
const corruptedArb: fc.Arbitrary<unknown> = fc.tuple(validMessageArb, fc.nat(), hostileValue, fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('retype', 'remove', 'add', 'formField'))
  .map(([message, pick, value, extraKey, how]) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(message));
    const keys = Object.keys(copy);
    const key = keys[pick % keys.length];
    if (how === 'retype') copy[key] = value;
    else if (how === 'remove') delete copy[key];
    else if (how === 'add') copy[keys.includes(extraKey) ? `${extraKey}_x` : extraKey] = value;
    else if (copy.form && typeof copy.form === 'object') {
      const f = copy.form as Record<string, unknown>;
      const fk = Object.keys(f)[pick % 5];
      f[fk] = value;
    } else copy.type = value;
    return copy;
  })
  // A retype can land on an equally valid value (e.g. one string for another); those are not malformed.
  .filter((candidate) => !matchesSchema(candidate));

/** An independent statement of the schema, used only to decide which corrupted samples are still valid. */
function matchesSchema(c: unknown): boolean {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const m = c as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  const isForm = (f: unknown): boolean => {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) return false;
    const x = f as Record<string, unknown>;
    return Object.keys(x).sort().join(',') === 'accessMethod,ewsUrl,testMailbox,upn,write'
      && [x.ewsUrl, x.upn, x.testMailbox].every((s) => typeof s === 'string' && s.length <= MAX_FIELD_LENGTH)
      && (x.accessMethod === 'impersonation' || x.accessMethod === 'delegate') && typeof x.write === 'boolean';
  };
  switch (m.type) {
    case 'ready': case 'cancel': case 'exportReport': case 'copyDiagnostics': case 'copyLinkPassword': case 'markLinked': case 'setLinkAuthorization':
      return keys === 'type';
    case 'saveForm': case 'runLink':
      return keys === 'form,type' && isForm(m.form);
    case 'runProbes':
      return (keys === 'form,type' || (keys === 'allNodes,form,type' && typeof m.allNodes === 'boolean')) && isForm(m.form);
    case 'changePassword': case 'forgetPassword':
      return keys === 'form,requestId,type' && isForm(m.form) && isRequestId(m.requestId);
    case 'findEwsUrl': return keys === 'email,requestId,type' && typeof m.email === 'string' && m.email.length <= 320 && isRequestId(m.requestId);
    case 'remedy': return keys === 'action,step,type' && ['insert', 'copy', 'reveal'].includes(m.action as string) && (STEP_IDS as readonly unknown[]).includes(m.step);
    case 'verifyMailboxes': return (keys === 'source,type' && m.source === 'file') || (keys === 'source,text,type' && m.source === 'pasted' && typeof m.text === 'string');
    default: return false;
  }
}

/** The oracle's own reading of a request id: a safe whole number, not negative. */
function isRequestId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER;
}

/** Values that are not messages at all, including ones built to make a validator throw. */
const throwingProxy = new Proxy({}, {
  get() { throw new Error('trap: get'); },
  ownKeys() { throw new Error('trap: ownKeys'); },
  getPrototypeOf() { throw new Error('trap: getPrototypeOf'); },
});
const getterBomb = Object.defineProperty({}, 'type', { enumerable: true, get() { throw new Error('getter'); } });
const cyclic: Record<string, unknown> = { type: 'runProbes' };
cyclic.form = cyclic;
const classInstance = new (class Message { type = 'ready'; })();
const withSymbol = { type: 'ready', [Symbol('x')]: 1 };
const nullProtoReady = Object.assign(Object.create(null) as Record<string, unknown>, { type: 'ready' });
const protoPolluting = JSON.parse('{"type":"remedy","action":"insert","step":"link","__proto__":{"admin":true}}') as unknown;

const hostileArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: corruptedArb },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.record({ type: fc.string({ maxLength: 30 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('remedy'), action: fc.string(), step: fc.string() }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(throwingProxy, getterBomb, cyclic, classInstance, withSymbol, protoPolluting, [], [{ type: 'ready' }], 'ready', 42) },
);

describe('protocol: webview message validation', () => {
  it('accepts every well-formed message unchanged', () => {
    fc.assert(fc.property(validMessageArb, (message) => {
      const sent: unknown = JSON.parse(JSON.stringify(message));
      const parsed = parseWebviewMessage(sent);
      assert.ok(parsed.ok, `rejected ${JSON.stringify(message)}`);
      assert.deepEqual(parsed.message, sent);
    }), { numRuns: 500 });
  });

  it('rejects 2,000 malformed or hostile messages without throwing, and none of them reaches the handler', async () => {
    let acted = 0;
    let rejected = 0;
    const samples = fc.sample(hostileArb, { numRuns: 2000, seed: 4242 });
    for (const raw of samples) {
      assert.doesNotThrow(() => parseWebviewMessage(raw));
      const parsed = parseWebviewMessage(raw);
      assert.equal(parsed.ok, false, `accepted ${String(parsed.ok && JSON.stringify(parsed.message))}`);
      await receiveWebviewMessage(raw, () => { acted++; }, () => { rejected++; }, (error) => assert.fail(String(error)));
    }
    assert.equal(samples.length, 2000);
    assert.equal(acted, 0);
    assert.equal(rejected, 2000);
  });

  it('rejects the hand-made hostile shapes: proxies, getters, cycles, class instances, symbols, unknown steps, oversize fields', () => {
    for (const raw of [throwingProxy, getterBomb, cyclic, classInstance, withSymbol, protoPolluting]) {
      assert.equal(parseWebviewMessage(raw).ok, false);
    }
    assert.equal(parseWebviewMessage({ type: 'remedy', action: 'insert', step: 'toString' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'remedy', action: 'run', step: 'link' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'runProbes', form: { ...form, ewsUrl: 'x'.repeat(MAX_FIELD_LENGTH + 1) } }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'runProbes', form: { ...form, password: 'leak' } }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'runProbes', form: { ...form, accessMethod: 'orgWide' } }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'ready', extra: 1 }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'runProbes', form, allNodes: 'yes' }).ok, false, 'allNodes is a boolean');
    assert.equal(parseWebviewMessage({ type: 'runProbes', form, allNodes: true, nodes: ['10.0.0.1'] }).ok, false, 'the page cannot add nodes (the setting is machine-scoped)');
    assert.deepEqual(parseWebviewMessage({ type: 'runProbes', form, allNodes: true }), { ok: true, message: { type: 'runProbes', form, allNodes: true } });
    assert.deepEqual(parseWebviewMessage({ type: 'cancel', run: 'verification' }), { ok: true, message: { type: 'cancel', run: 'verification' } });
    assert.equal(parseWebviewMessage({ type: 'cancel', run: 'everything' }).ok, false, 'cancel names a known run');
    assert.equal(parseWebviewMessage({ type: 'cancel', run: 1 }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'cancel', run: 'run', also: 'autodiscover' }).ok, false);
  });

  it('accepts an object with a null prototype (structured clone may produce one)', () => {
    assert.deepEqual(parseWebviewMessage(nullProtoReady), { ok: true, message: { type: 'ready' } });
  });

  it('contains a handler that throws and reports it instead', async () => {
    const errors: unknown[] = [];
    await receiveWebviewMessage({ type: 'cancel' }, () => { throw new Error('boom'); }, () => assert.fail('not rejected'), (e) => errors.push(e));
    assert.equal(errors.length, 1);
  });
});

describe('protocol: ready handshake', () => {
  it('holds messages until ready, then sends them in order; reset drops the queue', () => {
    const sent: number[] = [];
    const gate = new ReadyGate<number>((n) => sent.push(n));
    gate.post(1);
    gate.post(2);
    assert.deepEqual(sent, []);
    gate.markReady();
    gate.post(3);
    assert.deepEqual(sent, [1, 2, 3]);
    gate.reset();
    gate.post(4);
    gate.reset();
    gate.markReady();
    assert.deepEqual(sent, [1, 2, 3]);
  });
});

describe('protocol: host message check in the webview', () => {
  it('recognises host messages and ignores anything else', () => {
    assert.equal(isHostMessage({ type: 'notice', level: 'info', text: 'x' }), true);
    for (const raw of [null, 'init', { type: 'ready' }, { type: 'eval' }, throwingProxy, getterBomb]) assert.equal(isHostMessage(raw), false);
  });
});
