import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { psQuote, UnsafeValueError } from '../../src/core/quote';
import { renderRunbook } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, type SetupSettings, type SettingField } from '../../src/core/settings';
import { fieldsUsedBy, renderScript, snippetForStep, toPromptLine } from '../../src/core/snippets';
import { SNIPPET_STEPS, type StepId } from '../../src/core/steps';
import { loadPowerShellParser, verbatimStringValue, type PowerShellParser } from '../support/powershellParser';

/** Pieces an attacker (or a careless paste) would try, and characters from other scripts. */
const NASTY_PIECES = [
  "'", '\u2018', '\u2019', '\u201A', '\u201B', "''", '"', '`', '`n', '$(', '$(Remove-Mailbox x)', '${', '${env:USERPROFILE}', '@(', '@{', '$_', '$true',
  ';', '|', '||', '&', '&&', '>', '>>', '<', '2>&1', '*>', '#', '<#', '#>', '--%', '\n', '\r', '\r\n', '\0', '\u0085', '\u2028', '\u2029',
  '\u202E', '\u2066', '\u2069', '\u061C', '\u200E', '\t', '\u001b[31m', '\u009b', ' ', '-', '.', '..', '@', 'a', 'Z', '0', '9',
  '\u00e9', '\u0416', '\u4e2d', '\u05d0', '\u0627', '\ud83d\ude00', '\ud800', '\\', '{', '}', '(', ')', '[', ']', ',', '%', '!', '=', '~', '^', '*', '+', '/', '?', '_',
];
const ATOM_PIECES = ["'", '`', '$', '{', '}', '|', '&', '#', '%', '!', '=', '~', '^', '*', '+', '/', '?', '_', '-', 'a', 'b', '7', '.'];

const nastyString = fc.array(fc.constantFrom(...NASTY_PIECES), { minLength: 0, maxLength: 24 }).map((parts) => parts.join(''));
/** Values that pass the address/alias rules while carrying shell metacharacters. */
const atomString = fc.array(fc.constantFrom(...ATOM_PIECES), { minLength: 1, maxLength: 20 }).map((parts) => parts.join(''));
const veryLong = fc.tuple(fc.constantFrom("'", 'a', '\u2019', '$('), fc.integer({ min: 1000, max: 1100 })).map(([piece, n]) => piece.repeat(n).slice(0, n));

function adversarial(field: SettingField): fc.Arbitrary<string> {
  const shaped: fc.Arbitrary<string>[] = [];
  if (field === 'serviceAccount.upn' || field === 'testMailbox') shaped.push(atomString.map((local) => `${local}@contoso.com`), fc.tuple(atomString, nastyString).map(([a, b]) => `${a}${b}@contoso.com`));
  if (field === 'serviceAccount.alias') shaped.push(atomString);
  if (field === 'ewsUrl') shaped.push(fc.tuple(nastyString, atomString).map(([a, b]) => `https://mail.contoso.com/EWS/${b}${a}`));
  if (field === 'exchangeServer') shaped.push(fc.stringMatching(/^[A-Za-z0-9-]{1,16}(\.[a-z0-9-]{1,5}){0,2}$/));
  return fc.oneof(
    { arbitrary: nastyString, weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 1 },
    { arbitrary: veryLong, weight: 1 },
    ...shaped.map((arbitrary) => ({ arbitrary, weight: 4 })),
  );
}

const BASELINE: SetupSettings = {
  ...DEFAULT_SETTINGS,
  exchangeServer: 'EXCH01',
  serviceAccount: { upn: 'svc@contoso.com', alias: 'svc', displayName: 'Service', organizationalUnit: 'contoso.com/Accounts' },
  impersonation: { scopeName: 'Scope', assignmentName: 'Assignment', organizationWide: true },
  testMailbox: 'alice@contoso.com',
};

function withField(field: SettingField, value: string): SetupSettings {
  const copy: SetupSettings = { ...BASELINE, serviceAccount: { ...BASELINE.serviceAccount }, impersonation: { ...BASELINE.impersonation }, tls: { ...BASELINE.tls } };
  const [section, key] = field.split('.');
  if (key === undefined) (copy as unknown as Record<string, unknown>)[section] = value;
  else ((copy as unknown as Record<string, Record<string, unknown>>)[section])[key] = value;
  return copy;
}

/** Fields a snippet puts in a statement; ewsUrl only appears in the link step's comments. */
const QUOTED_FIELDS: SettingField[] = [
  'exchangeServer', 'serviceAccount.upn', 'serviceAccount.alias', 'serviceAccount.displayName',
  'serviceAccount.organizationalUnit', 'impersonation.scopeName', 'impersonation.assignmentName', 'testMailbox',
];
const COMMENT_FIELDS: SettingField[] = ['ewsUrl'];

function stepsUsing(field: SettingField): StepId[] {
  return SNIPPET_STEPS.filter((id) => fieldsUsedBy(id).includes(field));
}

type Outcome = { kind: 'rejected' } | { kind: 'document'; lines: string[] };

/** Every part of every step that reads `field`, rendered, plus the action's prompt line, in one document. */
function documentFor(field: SettingField, value: string): Outcome {
  const settings = withField(field, value);
  const parts: string[] = [];
  for (const id of stepsUsing(field)) {
    let result;
    try {
      result = snippetForStep(id, settings);
    } catch (error) {
      assert.ok(error instanceof UnsafeValueError, `unexpected ${String(error)}`);
      assert.equal(error.field, field);
      return { kind: 'rejected' };
    }
    if (!result.ok) {
      assert.ok(result.issues.length > 0);
      for (const issue of result.issues) {
        assert.equal(issue.field, field);
        assert.ok(issue.message.startsWith(`exchangeSetup.${field}`), issue.message);
      }
      return { kind: 'rejected' };
    }
    // Prompt lines are the same statements joined by '; ' (syntax-checked in snippets.test.ts);
    // the action's is included so that joining is covered here too.
    for (const part of ['action', 'verify', 'rollback'] as const) parts.push(renderScript(result.snippet[part]));
    const line = toPromptLine(result.snippet.action);
    if (line !== '') parts.push(line);
  }
  return { kind: 'document', lines: parts.join('\n').split('\n') };
}

describe('snippets: adversarial values (fast-check, tree-sitter)', function () {
  this.timeout(120000);
  let parser: PowerShellParser;
  before(async () => {
    parser = await loadPowerShellParser();
  });

  for (const field of [...QUOTED_FIELDS, ...COMMENT_FIELDS]) {
    it(`${field}: every value is one literal equal to the input, or is rejected naming the field`, () => {
      // The same document with a harmless value. An empty optional value legitimately drops a
      // parameter, so it has its own baseline.
      const baselines = new Map<string, string[]>();
      const baselineLines = (value: string): string[] => {
        const key = value === '' ? '' : 'set';
        let lines = baselines.get(key);
        if (lines === undefined) {
          const baseline = documentFor(field, value === '' ? '' : baselineValue(field));
          assert.equal(baseline.kind, 'document');
          lines = baseline.kind === 'document' ? baseline.lines : [];
          baselines.set(key, lines);
        }
        return lines;
      };
      const shapeCache = new Map<string, string>();
      // A trailing statement: the grammar rejects a comment-only program, which PowerShell accepts.
      const asProgram = (lines: string[]): string => `${lines.join('\n')}\n$null`;
      let accepted = 0;
      let rejected = 0;
      fc.assert(
        fc.property(adversarial(field), (value) => {
          const outcome = documentFor(field, value);
          if (outcome.kind === 'rejected') {
            rejected++;
            return;
          }
          accepted++;
          // Only the lines that differ from the harmless baseline carry the value; each line is a
          // comment or a complete statement, so those lines alone form a program to check (the
          // rest is checked once, in snippets.test.ts). Parsing thousands of full documents is slow.
          const baseline = baselineLines(value);
          assert.equal(outcome.lines.length, baseline.length, 'the value changed the number of lines');
          const changed = outcome.lines.map((_, i) => i).filter((i) => outcome.lines[i] !== baseline[i]);
          const key = `${value === '' ? 'empty' : 'set'}:${changed.join(',')}`;
          let expectedShape = shapeCache.get(key);
          if (expectedShape === undefined) {
            expectedShape = parser.analyse(asProgram(changed.map((i) => baseline[i]))).shape;
            shapeCache.set(key, expectedShape);
          }
          const analysis = parser.analyse(asProgram(changed.map((i) => outcome.lines[i])));
          assert.deepEqual(analysis.problems, [], 'the snippet parses');
          // Same tree shape as with a harmless value: the value changed no token boundaries.
          assert.equal(analysis.shape, expectedShape, 'the value changed the structure of the script');
          // Every literal is also ONE literal to PowerShell itself (which knows more quote characters).
          for (const literal of analysis.verbatimStrings) assert.notEqual(verbatimStringValue(literal), undefined, `PowerShell would end ${literal} early`);
          if (value === '') return;
          if (QUOTED_FIELDS.includes(field)) {
            const values = analysis.verbatimStrings.map(verbatimStringValue);
            assert.ok(values.includes(value), `no literal has the value ${JSON.stringify(value)}`);
          } else {
            assert.ok(analysis.comments.some((c) => c.includes(value)), 'the value is shown in a comment');
          }
        }),
        { numRuns: 1000, seed: 20261129 + field.length },
      );
      // Both branches must have been exercised, or the property proved little.
      assert.ok(accepted >= 50, `${field}: only ${accepted} values were accepted`);
      assert.ok(rejected >= 50, `${field}: only ${rejected} values were rejected`);
    });
  }

  it('psQuote: any string becomes one literal with the same value, or is refused naming the field', () => {
    const anyString = fc.oneof(nastyString, fc.string({ unit: 'binary', maxLength: 40 }), veryLong, fc.string({ unit: 'grapheme', maxLength: 40 }));
    let quoted = 0;
    fc.assert(
      fc.property(anyString, (value) => {
        let literal: string;
        try {
          literal = psQuote(value, 'serviceAccount.displayName');
        } catch (error) {
          assert.ok(error instanceof UnsafeValueError);
          assert.equal(error.field, 'serviceAccount.displayName');
          assert.match(error.message, /^exchangeSetup\.serviceAccount\.displayName: /);
          return;
        }
        quoted++;
        const analysis = parser.analyse(`$v = ${literal}`);
        assert.deepEqual(analysis.problems, []);
        assert.deepEqual(analysis.verbatimStrings, [literal]);
        assert.equal(verbatimStringValue(literal), value);
      }),
      { numRuns: 2000, seed: 7 },
    );
    assert.ok(quoted >= 200, `only ${quoted} values were quoted`);
  });

  it('runbook parameter block: each value is one literal equal to the input', () => {
    const fields = fc.constantFrom(...QUOTED_FIELDS);
    fc.assert(
      fc.property(fields.chain((field) => fc.tuple(fc.constant(field), adversarial(field))), ([field, value]) => {
        const runbook = renderRunbook(withField(field, value));
        if (!runbook.ok) {
          assert.ok(runbook.issues.every((i) => i.field === field));
          return;
        }
        const block = runbook.text.split('\n').filter((line) => /^\$[A-Za-z]+ = '/.test(line)).join('\n');
        const analysis = parser.analyse(block);
        assert.deepEqual(analysis.problems, []);
        if (value !== '') assert.ok(analysis.verbatimStrings.map(verbatimStringValue).includes(value));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

function baselineValue(field: SettingField): string {
  const value = BASELINE as unknown as Record<string, unknown>;
  const [section, key] = field.split('.');
  const found = key === undefined ? value[section] : (value[section] as Record<string, unknown>)[key];
  return String(found);
}
