import * as assert from 'node:assert/strict';
import { MAX_QUOTED_LENGTH, UnsafeValueError, findUnsafeCharacter, psQuote } from '../../src/core/quote';

describe('psQuote', () => {
  it('wraps a value in single quotes', () => {
    assert.equal(psQuote('Alexa for Business', 'serviceAccount.displayName'), "'Alexa for Business'");
    assert.equal(psQuote('', 'serviceAccount.organizationalUnit'), "''");
  });

  it('doubles every character PowerShell treats as a single quote', () => {
    assert.equal(psQuote("o'brien", 'serviceAccount.alias'), "'o''brien'");
    for (const quote of ['\u2018', '\u2019', '\u201A', '\u201B']) {
      assert.equal(psQuote(`a${quote}b`, 'serviceAccount.displayName'), `'a${quote}${quote}b'`);
    }
  });

  it('leaves everything else verbatim: nothing expands inside single quotes', () => {
    for (const value of ['$(Remove-Mailbox x)', '${env:PATH}', '`n', '"', 'a;b|c&d>e', '@(1)', '#', '\u4e2d\u6587', '\ud83d\ude00']) {
      assert.equal(psQuote(value, 'serviceAccount.displayName'), `'${value}'`);
    }
  });

  const refused: [string, string][] = [
    ['NUL', 'a\u0000b'], ['line feed', 'a\nb'], ['carriage return', 'a\rb'], ['tab', 'a\tb'], ['escape', '\u001b[31m'],
    ['DEL', '\u007f'], ['C1 control', '\u009b'], ['next line', 'a\u0085b'], ['line separator', 'a\u2028b'],
    ['paragraph separator', 'a\u2029b'], ['arabic letter mark', '\u061c'], ['LRM', '\u200e'], ['RLM', '\u200f'],
    ['LRE', '\u202a'], ['RLO', '\u202e'], ['LRI', '\u2066'], ['PDI', '\u2069'], ['lone surrogate', 'a\ud800b'],
  ];
  for (const [name, value] of refused) {
    it(`refuses a value with a ${name}`, () => {
      assert.throws(() => psQuote(value, 'serviceAccount.upn'), (error: unknown) => {
        assert.ok(error instanceof UnsafeValueError);
        assert.equal(error.field, 'serviceAccount.upn');
        assert.match(error.message, /^exchangeSetup\.serviceAccount\.upn: the value has .+ at position \d+, so it cannot be put into a PowerShell command safely\. Change the value/);
        return true;
      });
    });
  }

  it('accepts 1024 characters and refuses 1025', () => {
    assert.equal(psQuote('a'.repeat(MAX_QUOTED_LENGTH), 'serviceAccount.displayName').length, MAX_QUOTED_LENGTH + 2);
    assert.throws(() => psQuote('a'.repeat(MAX_QUOTED_LENGTH + 1), 'serviceAccount.displayName'), /is 1025 characters long \(the limit is 1024\)/);
  });

  it('names fields that are not settings as given', () => {
    assert.throws(() => psQuote('x\ny', 'basicAuthPrior.identity'), /^UnsafeValueError: basicAuthPrior\.identity: /);
  });

  it('reports the position of the first unsafe character', () => {
    assert.deepEqual(findUnsafeCharacter('ab\u202ec'), { index: 2, codePoint: 0x202e, description: 'a bidirectional control character (U+202E)' });
    assert.equal(findUnsafeCharacter('\ud83d\ude00 ok'), undefined);
  });
});
