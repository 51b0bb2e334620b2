import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { findChallenge, parseChallenges, type AuthChallenge } from '../../src/core/ews/authChallenge';

const schemes = (lines: string[]): string[] => parseChallenges(lines).challenges.map((c) => c.scheme);

describe('WWW-Authenticate challenges (RFC 7235 section 4.1)', () => {
  it('reads one header line per scheme, as Exchange sends them', () => {
    const parsed = parseChallenges(['Negotiate', 'NTLM', 'Basic realm="mail.contoso.com"']);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.challenges, [
      { scheme: 'Negotiate', params: {} },
      { scheme: 'NTLM', params: {} },
      { scheme: 'Basic', params: { realm: 'mail.contoso.com' } },
    ]);
  });

  it('reads the same challenges folded into one line, with a comma inside the quoted realm', () => {
    const parsed = parseChallenges(['Negotiate, NTLM, Basic realm="mail, contoso"']);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(schemes(['Negotiate, NTLM, Basic realm="mail, contoso"']), ['Negotiate', 'NTLM', 'Basic']);
    assert.equal(findChallenge(parsed, 'basic')?.params.realm, 'mail, contoso');
  });

  it('reads several auth-params, token values, BWS around "=", escapes and a following challenge', () => {
    const parsed = parseChallenges(['Basic realm = "a \\"b\\" \\\\ c" , charset=UTF-8, Negotiate']);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.challenges, [
      { scheme: 'Basic', params: { realm: 'a "b" \\ c', charset: 'UTF-8' } },
      { scheme: 'Negotiate', params: {} },
    ]);
  });

  it('reads a token68 (a Negotiate blob with padding) and then the next challenge', () => {
    const parsed = parseChallenges(['Negotiate oYG3MIG0oAMKAQChCwYJKoZIgvcSAQIC+/==, Basic realm="x"']);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.challenges[0].token68, 'oYG3MIG0oAMKAQChCwYJKoZIgvcSAQIC+/==');
    assert.equal(parsed.challenges[1].params.realm, 'x');
  });

  it("reads Exchange Online's Bearer challenge with quoted commas and its Basic Realm=\"\"", () => {
    const line = 'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", token_types="app_asserted_user_v1 service_asserted_app_v1", '
      + 'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token",Basic Realm=""';
    const parsed = parseChallenges([line]);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.challenges.map((c) => c.scheme), ['Bearer', 'Basic']);
    assert.equal(parsed.challenges[0].params.token_types, 'app_asserted_user_v1 service_asserted_app_v1');
    assert.deepEqual(parsed.challenges[1].params, { realm: '' });
  });

  it('accepts empty list elements and keeps the first of a repeated parameter', () => {
    const parsed = parseChallenges([' , NTLM ,, Basic realm="a", REALM="b" ,']);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.challenges, [{ scheme: 'NTLM', params: {} }, { scheme: 'Basic', params: { realm: 'a' } }]);
  });

  it('compares scheme names case-insensitively and finds nothing when the scheme is absent', () => {
    const parsed = parseChallenges(['BASIC realm="x"', 'ntlm']);
    assert.equal(findChallenge(parsed, 'Basic')?.scheme, 'BASIC');
    assert.equal(findChallenge(parsed, 'NTLM')?.scheme, 'ntlm');
    assert.equal(findChallenge(parsed, 'Negotiate'), undefined);
  });

  const broken: [string, RegExp][] = [
    ['Basic realm="unterminated', /quoted string is not closed/],
    ['Basic realm=', /token68|no value/],
    ['Basic realm=x Negotiate', /comma after the parameter realm/],
    ['Basic "x"', /name=value after the scheme Basic/],
    ['="x"', /expected an authentication scheme/],
    ['Basic\u0001', /space or a comma after the scheme Basic/],
    ['Basic a=1, realm=, b=2', /parameter realm of Basic has no value/],
  ];
  for (const [line, problem] of broken) {
    it(`reports what it cannot read in ${JSON.stringify(line)} and keeps the challenges before it`, () => {
      const parsed = parseChallenges(['NTLM', line]);
      if (line === 'Basic realm=') {
        // By the grammar `realm=` alone is a token68, not a broken parameter.
        assert.deepEqual(parsed.problems, []);
        assert.equal(parsed.challenges[1].token68, 'realm=');
        return;
      }
      assert.equal(parsed.problems.length, 1, JSON.stringify(parsed));
      assert.match(parsed.problems[0], problem);
      assert.equal(parsed.challenges[0].scheme, 'NTLM');
    });
  }

  it('rethrows what is not a syntax problem', () => {
    assert.throws(() => parseChallenges([42 as unknown as string]), TypeError);
  });

  it('takes tabs as whitespace around commas and "="', () => {
    const parsed = parseChallenges(['NTLM\t,\tBasic realm\t=\t"x"']);
    assert.deepEqual(parsed, { challenges: [{ scheme: 'NTLM', params: {} }, { scheme: 'Basic', params: { realm: 'x' } }], problems: [] });
  });

  const moreBroken: [string, string][] = [
    ['Basic =', 'expected name=value after the scheme Basic'],
    ['Basic a=1, =2', 'expected an authentication scheme at "=2"'],
    [`NTLM, =${'y'.repeat(30)}`, `expected an authentication scheme at "=${'y'.repeat(19)}"`],
  ];
  for (const [line, problem] of moreBroken) {
    it(`names the place where ${JSON.stringify(line.slice(0, 16))} breaks the grammar`, () => {
      assert.deepEqual(parseChallenges([line]).problems, [problem]);
    });
  }

  describe('property: any challenge list survives folding', () => {
    const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
    // Printable ASCII (what a quoted-string holds in practice), commas, quotes and backslashes included.
    const quotedText = fc.string({ maxLength: 16, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
    const paramValue = fc.oneof(token.map((v) => ({ v, quoted: false })), quotedText.map((v) => ({ v, quoted: true })));
    const token68 = fc.tuple(fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,20}$/), fc.stringMatching(/^={0,2}$/)).map(([a, b]) => a + b);
    const challenge = fc.oneof(
      fc.record({ scheme: token, params: fc.constant([] as [string, { v: string; quoted: boolean }][]), token68: fc.constant(undefined) }),
      fc.record({ scheme: token, params: fc.constant([] as [string, { v: string; quoted: boolean }][]), token68 }),
      fc.record({
        scheme: token,
        params: fc.uniqueArray(fc.tuple(token, paramValue), { minLength: 1, maxLength: 4, selector: ([name]) => name.toLowerCase() }),
        token68: fc.constant(undefined),
      }),
    );
    const quote = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    const render = (c: { scheme: string; params: [string, { v: string; quoted: boolean }][]; token68?: string }): string => {
      if (c.token68 !== undefined) return `${c.scheme} ${c.token68}`;
      if (c.params.length === 0) return c.scheme;
      return `${c.scheme} ${c.params.map(([n, { v, quoted }]) => `${n}=${quoted ? quote(v) : v}`).join(', ')}`;
    };
    const expected = (c: { scheme: string; params: [string, { v: string; quoted: boolean }][]; token68?: string }): AuthChallenge => {
      const out: AuthChallenge = { scheme: c.scheme, params: Object.fromEntries(c.params.map(([n, { v }]) => [n.toLowerCase(), v])) };
      if (c.token68 !== undefined) out.token68 = c.token68;
      return out;
    };

    it('one line per challenge and one folded line give the same challenges, equal to what was written', () => {
      fc.assert(
        fc.property(fc.array(challenge, { minLength: 1, maxLength: 5 }), fc.constantFrom(', ', ',', ' ,  ', ' , , '), (list, separator) => {
          const want = list.map(expected);
          const separate = parseChallenges(list.map(render));
          const folded = parseChallenges([list.map(render).join(separator)]);
          assert.deepEqual(separate, { challenges: want, problems: [] });
          assert.deepEqual(folded, { challenges: want, problems: [] });
        }),
        { numRuns: 2000, seed: 20261207 },
      );
    });

    it('never throws on arbitrary text: it returns challenges and problems', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }), (lines) => {
          const parsed = parseChallenges(lines);
          for (const c of parsed.challenges) assert.match(c.scheme, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
        }),
        { numRuns: 2000, seed: 7235 },
      );
    });
  });
});
