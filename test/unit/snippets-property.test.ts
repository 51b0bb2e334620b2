import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { psQuote, UnsafeValueError } from '../../src/core/quote';
import { renderRunbook } from '../../src/core/runbook';
import { loadPowerShellParser, verbatimStringValue, type PowerShellParser } from '../support/powershellParser';
import { BASELINE, COMMENT_FIELDS, QUOTED_FIELDS, SnippetFuzzChecker, adversarial, nastyString, veryLong, withField } from '../support/snippetFuzz';

describe('snippets: adversarial values (fast-check, tree-sitter)', function () {
  this.timeout(120000);
  let parser: PowerShellParser;
  before(async () => {
    parser = await loadPowerShellParser();
  });

  // The same checker as the 10,000-value fuzzer (scripts/fuzz-snippets.mjs), on one variant.
  for (const field of [...QUOTED_FIELDS, ...COMMENT_FIELDS]) {
    it(`${field}: every value is one literal equal to the input, or is rejected naming the field`, () => {
      const checker = new SnippetFuzzChecker(parser, field, { variants: [BASELINE] });
      assert.deepEqual(checker.baselineProblems(), []);
      let accepted = 0;
      let rejected = 0;
      fc.assert(
        fc.property(adversarial(field), (value) => {
          const verdict = checker.check(value);
          assert.deepEqual(verdict.escapes, [], `value ${JSON.stringify(value).slice(0, 200)}`);
          if (verdict.accepted) accepted++;
          else rejected++;
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
        const runbook = renderRunbook(withField(BASELINE, field, value));
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
