import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../src/cli/args';
import { main } from '../../src/cli/main';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], stdinText?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const stdin = stdinText === undefined ? undefined : (async function* () {
    yield stdinText;
  })();
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, stdin });
  return { code, stdout, stderr };
}

const GOOD = {
  ewsUrl: 'https://mail.contoso.com/EWS/Exchange.asmx',
  exchangeServer: 'EXCH01',
  serviceAccount: { upn: 'alexaforbusiness@contoso.com' },
  accessMethod: 'delegate',
};

describe('CLI: snippets', () => {
  let dir: string;
  const file = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ecs-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the runbook and exits 0', async () => {
    const result = await run(['snippets', '--config', file('good.json', JSON.stringify(GOOD))]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^# Exchange Calendar Setup: runbook/);
    assert.ok(result.stdout.includes("$ServiceAccountUpn = 'alexaforbusiness@contoso.com'"));
    assert.ok(result.stdout.includes('(access.delegate)'));
  });

  it('--json prints {"steps": [{id, title, action, verify, rollback, dryRun?}]}', async () => {
    const result = await run(['snippets', `--config=${file('good.json', JSON.stringify(GOOD))}`, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { steps: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(parsed), ['steps']);
    assert.equal(parsed.steps[0].id, 'prerequisites.adminRights');
    for (const step of parsed.steps) {
      assert.deepEqual(Object.keys(step), step.id === 'access.delegate' ? ['id', 'title', 'action', 'verify', 'rollback', 'dryRun'] : ['id', 'title', 'action', 'verify', 'rollback']);
      for (const value of Object.values(step)) assert.equal(typeof value, 'string');
    }
  });

  it('reads the configuration from stdin with --config -', async () => {
    const result = await run(['snippets', '--config', '-', '--json'], JSON.stringify(GOOD));
    assert.equal(result.code, 0, result.stderr);
  });

  it('exits 2 naming the field for an invalid value', async () => {
    const result = await run(['snippets', '--config', file('bad.json', JSON.stringify({ ...GOOD, serviceAccount: { upn: 'alexa for business' } }))]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /exchangeSetup\.serviceAccount\.upn: "alexa for business" is not a user principal name: it has a space/);
  });

  it('exits 2 for a field the runbook needs but the file leaves empty', async () => {
    const { exchangeServer: _omitted, ...withoutServer } = GOOD;
    const result = await run(['snippets', '--config', file('noserver.json', JSON.stringify(withoutServer))]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /exchangeSetup\.exchangeServer is empty/);
  });

  it('exits 2 for bad JSON, a missing file, unknown keys and wrong types', async () => {
    const badJson = await run(['snippets', '--config', file('broken.json', '{"ewsUrl": ')]);
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /broken\.json is not valid JSON/);
    const missing = await run(['snippets', '--config', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the configuration file .*nope\.json: no such file/);
    const unknown = await run(['snippets', '--config', file('unknown.json', JSON.stringify({ ...GOOD, acessMethod: 'delegate' }))]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /"acessMethod" is not a setting/);
    const wrongType = await run(['snippets', '--config', file('type.json', JSON.stringify({ ...GOOD, impersonation: { organizationWide: 'yes' } }))]);
    assert.equal(wrongType.code, 2);
    assert.match(wrongType.stderr, /exchangeSetup\.impersonation\.organizationWide: "yes" is a string but must be true or false/);
  });

  it('exits 2 for an unknown option or a missing --config', async () => {
    const unknown = await run(['snippets', '--config', 'x.json', '--jsn']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option --jsn/);
    const noConfig = await run(['snippets']);
    assert.equal(noConfig.code, 2);
    assert.match(noConfig.stderr, /--config FILE is required/);
  });

  it('documents itself with --help', async () => {
    const top = await run(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /snippets +print the Exchange Management Shell runbook/);
    const sub = await run(['snippets', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /Usage: exchange-setup snippets --config FILE \[--json\]/);
    assert.match(sub.stdout, /--json +print/);
  });

  it('exits 2 for no command or an unknown command', async () => {
    assert.equal((await run([])).code, 2);
    const unknown = await run(['probe-all']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "probe-all"/);
  });
});

describe('CLI: parseArgs', () => {
  const specs = { config: { kind: 'string', description: '' }, json: { kind: 'boolean', description: '' } } as const;
  it('reads --flag value, --flag=value and booleans', () => {
    const parsed = parseArgs(['--config', 'a.json', '--json'], specs);
    assert.ok(parsed.ok);
    if (parsed.ok) assert.deepEqual(parsed.values, { config: 'a.json', json: true });
    const inline = parseArgs(['--config=a=b.json'], specs);
    assert.ok(inline.ok && inline.values.config === 'a=b.json');
  });
  it('rejects unknown, repeated, value-less and positional arguments', () => {
    assert.deepEqual(parseArgs(['--nope'], specs), { ok: false, error: 'unknown option --nope' });
    assert.deepEqual(parseArgs(['--json', '--json'], specs), { ok: false, error: '--json is given more than once' });
    assert.deepEqual(parseArgs(['--config'], specs), { ok: false, error: '--config needs a value (VALUE)' });
    assert.deepEqual(parseArgs(['--json=1'], specs), { ok: false, error: '--json takes no value' });
    assert.deepEqual(parseArgs(['extra'], specs), { ok: false, error: 'unexpected argument extra' });
    assert.deepEqual(parseArgs(['-x'], specs), { ok: false, error: 'unknown option -x (options start with --)' });
    const allowed = parseArgs(['a', '--', '--json'], specs, { allowPositionals: true });
    assert.ok(allowed.ok && allowed.positionals.join(' ') === 'a --json');
  });
});
