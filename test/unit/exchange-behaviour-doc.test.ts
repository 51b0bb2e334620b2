import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VERIFICATION_RULE_IDS } from '../../src/core/verification';
import { FAKE_BEHAVIOURS } from '../fake-exchange/behaviours';
import { SCENARIO_NAMES } from '../fake-exchange/scenarios';
import { NODE_SCENARIO_NAMES } from '../fake-exchange/nodes';
import { BEHAVIOUR_HEADER, BEHAVIOUR_SECTIONS, checkBehaviourDoc, type BehaviourDocInputs } from '../support/behaviourDoc';

const ROOT = resolve(__dirname, '..', '..', '..');
const DOC = join(ROOT, 'docs', 'exchange-behaviour.md');

function readRepoFile(path: string): string | undefined {
  const full = join(ROOT, path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

// The multi-node scenarios (issue 16) need rows too.
const REAL: BehaviourDocInputs = { scenarios: [...SCENARIO_NAMES, ...NODE_SCENARIO_NAMES], rules: VERIFICATION_RULE_IDS, behaviours: FAKE_BEHAVIOURS, readFile: readRepoFile };

// A small world for the failure modes: one scenario, one rule, one behaviour, one test file.
const TEST_FILE = "it('pins the healthy scenario', () => {});\nit(`${name}: exit ${code}`, () => {});\n";
const SMALL: BehaviourDocInputs = {
  scenarios: ['healthy'],
  rules: ['basicAuth.verify.everyServer'],
  behaviours: ['server-version-info'],
  readFile: (path) => (path === 'test/unit/small.test.ts' ? TEST_FILE : undefined),
};
const SOURCE = '"ServerVersionInfo" (learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/serverversioninfo)';
const PIN = 'test/unit/small.test.ts: "pins the healthy scenario"';
const row = (id: string, source = SOURCE, pin = PIN) => `| \`${id}\` | what it does | ${source} | — | ${pin} |`;
const GOOD_ROWS: Record<string, string[]> = {
  'Fake Exchange scenarios': [row('scenario:healthy', SOURCE, 'test/unit/small.test.ts: "healthy: exit 0"')],
  'Fake Exchange wire behaviour': [row('fake:server-version-info')],
  'Verification rules': [row('rule:basicAuth.verify.everyServer', 'ASSUMPTION: nothing documents it')],
};

function doc(rows: Record<string, string[]> = GOOD_ROWS): string {
  return BEHAVIOUR_SECTIONS.map((name) => [`## ${name}`, '', BEHAVIOUR_HEADER, '|---|---|---|---|---|', ...(rows[name] ?? []), ''].join('\n')).join('\n');
}

function withRows(section: string, rows: string[]): Record<string, string[]> {
  return { ...GOOD_ROWS, [section]: rows };
}

describe('docs/exchange-behaviour.md', () => {
  it('has a sourced, pinned row for every fake scenario, fake wire behaviour and verification rule', () => {
    assert.deepEqual(checkBehaviourDoc(readFileSync(DOC, 'utf8'), REAL), []);
  });

  it('the checker accepts a small complete document (so each failure below is the one named)', () => {
    assert.deepEqual(checkBehaviourDoc(doc(), SMALL), []);
  });

  it('fails when a fake scenario has no row', () => {
    assert.deepEqual(checkBehaviourDoc(doc(withRows('Fake Exchange scenarios', [])), SMALL), ['SCENARIO_NAMES has healthy but the document has no row `scenario:healthy`']);
  });

  it('fails when a verification rule has no row', () => {
    assert.deepEqual(checkBehaviourDoc(doc(withRows('Verification rules', [])), SMALL), ['VERIFICATION_RULE_IDS has basicAuth.verify.everyServer but the document has no row `rule:basicAuth.verify.everyServer`']);
  });

  it('fails when a fake wire behaviour has no row', () => {
    assert.deepEqual(checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [])), SMALL), ['FAKE_BEHAVIOURS has server-version-info but the document has no row `fake:server-version-info`']);
  });

  it('fails when a source is empty, or names no Microsoft page and is not an ASSUMPTION', () => {
    const empty = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info', '')])), SMALL);
    assert.equal(empty.length, 1);
    assert.match(empty[0], /fake:server-version-info has no Microsoft source/);
    const blog = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info', 'a blog post (example.com/ews)')])), SMALL);
    assert.equal(blog.length, 1);
    assert.match(blog[0], /names no Microsoft page .* and does not start with ASSUMPTION:/);
    assert.deepEqual(checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info', '[MS-OXWSCORE] section 3.1')])), SMALL), []);
  });

  it('fails when "pinned by" names a test file that does not exist or a title not in it', () => {
    const noFile = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info', SOURCE, 'test/unit/gone.test.ts: "pins the healthy scenario"')])), SMALL);
    assert.equal(noFile.length, 1);
    assert.match(noFile[0], /pinned by test\/unit\/gone\.test\.ts, which does not exist/);
    const noTitle = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info', SOURCE, 'test/unit/small.test.ts: "pins the sick scenario"')])), SMALL);
    assert.equal(noTitle.length, 1);
    assert.match(noTitle[0], /pinned by "pins the sick scenario", which is not an it\(\) title in test\/unit\/small\.test\.ts/);
    const badForm = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info', SOURCE, 'the healthy test')])), SMALL);
    assert.match(badForm.join('\n'), /"pinned by" is not test\/unit\/<file>\.test\.ts: "<it\(\) title>"/);
  });

  it('fails when an id is used twice', () => {
    const twice = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info'), row('fake:server-version-info')])), SMALL);
    assert.equal(twice.length, 1);
    assert.match(twice[0], /the id fake:server-version-info is already used on line \d+/);
  });

  it('fails when a row has the wrong number of columns (an escaped \\| stays inside its cell)', () => {
    const short = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', ['| `fake:server-version-info` | what it does | ' + SOURCE + ' | ' + PIN + ' |'])), SMALL);
    assert.ok(short.some((p) => /a row has 4 cells, not 5/.test(p)), short.join('\n'));
    const escaped = checkBehaviourDoc(doc(withRows('Fake Exchange wire behaviour', [row('fake:server-version-info').replace('what it does', 'A \\| B')])), SMALL);
    assert.deepEqual(escaped, []);
  });

  it('fails when a section is missing or has more than one table', () => {
    const missing = checkBehaviourDoc(doc().replace('## Throttling', '## Throttles'), SMALL);
    assert.deepEqual(missing, ['the section "## Throttling" is missing']);
    const two = checkBehaviourDoc(doc().replace('## EWS answers\n', `## EWS answers\n\n${BEHAVIOUR_HEADER}\n|---|---|---|---|---|\n`), SMALL);
    assert.deepEqual(two, ['the section "## EWS answers" has 2 tables with the standard header, not one']);
  });
});
