import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseBehaviourDoc } from '../support/behaviourDoc';

// The brief's rule: a behaviour or verdict no Microsoft page documents is marked as an assumption in
// the code and in the README. docs/exchange-behaviour.md marks its row `ASSUMPTION:`; the README's
// "Assumptions" list must name exactly those rows, so an admin reading the README sees every place
// where a real server could prove the product wrong.

const ROOT = resolve(__dirname, '..', '..', '..');
const HEADING = '### Assumptions: what no Microsoft page says';

/** The ids of the ledger's rows whose source cell holds an ASSUMPTION. */
export function assumptionRows(doc: string): string[] {
  return parseBehaviourDoc(doc).rows.filter((row) => row.cells[2].includes('ASSUMPTION')).map((row) => row.id);
}

/** The ids the README's Assumptions section lists (`- \`id\`: ...`), or undefined without the section. */
export function readmeAssumptions(readme: string): string[] | undefined {
  const start = readme.indexOf(`\n${HEADING}\n`);
  if (start < 0) return undefined;
  const rest = readme.slice(start + HEADING.length + 2);
  const end = rest.search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^- `([a-z]+:[^`\s]+)`:/gm)].map((m) => m[1]);
}

/** What differs, in words; [] when the README lists exactly the ledger's assumptions. */
export function assumptionDifferences(doc: string, readme: string): string[] {
  const listed = readmeAssumptions(readme);
  if (listed === undefined) return [`README has no "${HEADING}" section`];
  const ledger = assumptionRows(doc);
  return [
    ...ledger.filter((id) => !listed.includes(id)).map((id) => `${id} is an ASSUMPTION in docs/exchange-behaviour.md but not listed in the README`),
    ...listed.filter((id) => !ledger.includes(id)).map((id) => `${id} is listed in the README but is not an ASSUMPTION row of docs/exchange-behaviour.md`),
    ...listed.filter((id, i) => listed.indexOf(id) !== i).map((id) => `${id} is listed twice in the README`),
  ];
}

describe('README: every assumption of the ledger is named', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'exchange-behaviour.md'), 'utf8');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('lists exactly the rows of docs/exchange-behaviour.md whose source is an ASSUMPTION', () => {
    assert.ok(assumptionRows(doc).length > 0, 'the ledger has assumption rows to list');
    assert.deepEqual(assumptionDifferences(doc, readme), []);
  });

  it('notices a missing, an extra and a repeated entry, and a missing section', () => {
    const first = assumptionRows(doc)[0];
    const without = readme.replace(new RegExp(`^- \`${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`:.*\\n`, 'm'), '');
    assert.deepEqual(assumptionDifferences(doc, without), [`${first} is an ASSUMPTION in docs/exchange-behaviour.md but not listed in the README`]);
    const extra = readme.replace(`\n${HEADING}\n\n`, `\n${HEADING}\n\n- \`ews:not-a-row\`: invented\n`);
    assert.match(assumptionDifferences(doc, extra).join('\n'), /ews:not-a-row is listed in the README but is not an ASSUMPTION row/);
    const twice = readme.replace(`\n${HEADING}\n\n`, `\n${HEADING}\n\n- \`${first}\`: again\n`);
    assert.match(assumptionDifferences(doc, twice).join('\n'), /is listed twice/);
    assert.deepEqual(assumptionDifferences(doc, readme.replace(HEADING, '### Something else')), [`README has no "${HEADING}" section`]);
  });
});
