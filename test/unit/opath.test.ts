import * as assert from 'node:assert/strict';
import { canonicalOpath, sameOpathFilter } from '../../src/core/opath';

describe('OPATH filter comparison', () => {
  it('writes every comparison and group in parentheses, lower-cased', () => {
    assert.deepEqual(canonicalOpath("RecipientTypeDetails -eq 'UserMailbox'"), { ok: true, canonical: "(recipienttypedetails -eq 'usermailbox')" });
    assert.deepEqual(canonicalOpath("((A -EQ 'x') -and (B -ne $null))"), { ok: true, canonical: "((a -eq 'x') -and (b -ne $null))" });
    assert.deepEqual(canonicalOpath("-not(A -like 'x*')"), { ok: true, canonical: "(-not (a -like 'x*'))" });
  });

  it('knows every comparison operator of OPATH, and no other', () => {
    for (const operator of ['-eq', '-ne', '-like', '-notlike', '-lt', '-gt', '-le', '-ge']) {
      assert.deepEqual(canonicalOpath(`A ${operator.toUpperCase()} 1`), { ok: true, canonical: `(a ${operator} 1)` }, operator);
    }
    for (const operator of ['-and', '-or', '-not', '-match', '-']) assert.equal(canonicalOpath(`A ${operator} 1`).ok, false, operator);
  });

  it('reads single and double quotes, with a doubled quote inside a value', () => {
    assert.deepEqual(canonicalOpath("Name -eq 'O''Brien'"), { ok: true, canonical: "(name -eq 'o'brien')" });
    assert.deepEqual(canonicalOpath('Name -eq "say ""hi"""'), { ok: true, canonical: "(name -eq 'say \"hi\"')" });
    assert.ok(sameOpathFilter("Name -eq 'x'", 'Name -eq "x"'));
  });

  it('ignores redundant parentheses and spacing: Exchange stores the filter with added parentheses', () => {
    assert.ok(sameOpathFilter("RecipientTypeDetails -eq 'UserMailbox'", "(RecipientTypeDetails -eq 'UserMailbox')"));
    assert.ok(sameOpathFilter("A -eq 'x' -and B -eq 'y'", "((A -eq 'x') -and (B -eq 'y'))"));
    assert.ok(sameOpathFilter("A -eq 'x' -and B -eq 'y'", "  (  (A  -eq  'x' )-and(B -eq 'y'))  "));
  });

  it('keeps apart filters that select different recipients', () => {
    assert.ok(!sameOpathFilter("RecipientTypeDetails -eq 'UserMailbox'", "RecipientTypeDetails -ne 'UserMailbox'"));
    assert.ok(!sameOpathFilter("A -eq 'x' -and B -eq 'y'", "A -eq 'x' -or B -eq 'y'"));
    assert.ok(!sameOpathFilter("A -eq 'x' -and B -eq 'y'", "B -eq 'y' -and A -eq 'x'"));
    // Grouping changes meaning: (A or B) and C is not A or (B and C).
    assert.ok(!sameOpathFilter("(A -eq 'x' -or B -eq 'y') -and C -eq 'z'", "A -eq 'x' -or (B -eq 'y' -and C -eq 'z')"));
    assert.ok(sameOpathFilter("A -eq 'x' -or B -eq 'y' -and C -eq 'z'", "((A -eq 'x') -or (B -eq 'y')) -and (C -eq 'z')"));
    assert.ok(!sameOpathFilter("A -eq 'x'", "-not (A -eq 'x')"));
    assert.ok(!sameOpathFilter("A -eq 'x'", "A -eq 'xy'"));
    assert.ok(!sameOpathFilter("A -eq 'x'", "Ab -eq 'x'"));
  });

  it('names what is wrong with a filter it cannot read, and never calls it equal', () => {
    const reasons: [string, RegExp][] = [
      ['', /ends where a comparison was expected/],
      ["A -eq 'x", /character 7 has no closing quote/],
      ["(A -eq 'x'", /parenthesis is not closed/],
      ["A -eq 'x')", /"\)" follows a complete filter/],
      ["A 'x'", /comparison operator .* after A/],
      ["A -and 'x'", /comparison operator .* after A/],
      ['A -eq', /a value was expected after A -eq/],
      ["A -eq 'x' B", /"B" follows a complete filter/],
      ["A -eq 'x' (", /"\(" follows a complete filter/],
      ["-and A -eq 'x'", /a property name was expected, not "-and"/],
      ["'x' -eq A", /a property name was expected, not the value 'x'/],
      [") A", /a property name was expected, not "\)"/],
      ["A -eq (", /a value was expected after A -eq/],
      ["A -eq 'x' -and", /ends where a comparison was expected/],
    ];
    for (const [filter, reason] of reasons) {
      const parsed = canonicalOpath(filter);
      assert.equal(parsed.ok, false, filter);
      if (!parsed.ok) assert.match(parsed.reason, reason, filter);
      assert.equal(sameOpathFilter(filter, filter), false, filter);
    }
  });
});
