// The Redactor (src/core/redact.ts) on its own: every encoding it decodes, every place it masks
// whatever it holds, short passwords, overlapping secrets, structured values, and what it must leave
// alone. The property tests generate passwords and chains of encodings and check, with the canary
// scanner's independent list of forms, that nothing decodable survives.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { MIN_FREE_TEXT_SECRET_LENGTH, REDACTED, createRedactor, redact } from '../../src/core/redact';
import { canaryPatterns, describeHits, scanText } from '../support/canary';

const PASSWORD = 'Pa55-w0rd.for_EWS~';
const UPN = 'alexaforbusiness@contoso.com';
const R = REDACTED;

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
const b64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url');
/** Every byte as a percent code, lower-case hex: also the characters that need no encoding. */
const percentAll = (text: string, upper = false): string => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')[upper ? 'toUpperCase' : 'toString']();
const unicodeEscapes = (text: string): string => [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

describe('redaction: a password in any encoding', () => {
  const redactor = createRedactor([PASSWORD], UPN);
  const cases: [string, string][] = [
    ['as it is', PASSWORD],
    ['percent-encoded by encodeURIComponent', encodeURIComponent('p=' + PASSWORD).slice(4)],
    ['every character percent-encoded, lower-case hex (%2d for "-")', percentAll(PASSWORD)],
    ['every character percent-encoded, upper-case hex', percentAll(PASSWORD, true)],
    ['percent-encoded twice', percentAll(PASSWORD).replace(/%/g, '%25')],
    ['JSON-escaped with \\u for every character', unicodeEscapes(PASSWORD)],
    ['\\x escapes', [...PASSWORD].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')],
    ['decimal character references', [...PASSWORD].map((c) => `&#${c.charCodeAt(0)};`).join('')],
    ['hex character references, upper-case X', [...PASSWORD].map((c) => `&#X${c.charCodeAt(0).toString(16).toUpperCase()};`).join('')],
    ['base64, padded', b64(PASSWORD)],
    ['base64, unpadded', b64(PASSWORD).replace(/=+$/, '')],
    ['base64url', b64url(PASSWORD)],
    ['base64 of user:password (a Basic token) with no scheme', b64(`${UPN}:${PASSWORD}`)],
    ['base64 at alignment 1 inside a longer run', b64(`x${PASSWORD}yz`)],
    ['base64 at alignment 2 inside a longer run', b64(`xy${PASSWORD}z`)],
    ['base64url of UTF-16LE', b64url(Buffer.from(PASSWORD, 'utf16le'))],
    ['hex, lower case', Buffer.from(PASSWORD).toString('hex')],
    ['hex, upper case, at an odd offset', `A${Buffer.from(PASSWORD).toString('hex').toUpperCase()}`],
    ['base64 of the percent-encoded password', b64(percentAll(PASSWORD))],
    ['base64 inside base64', b64(`token:${b64(PASSWORD)}`)],
    ['percent-encoded base64', encodeURIComponent(b64(`${UPN}:${PASSWORD}`))],
  ];
  for (const [what, form] of cases) {
    it(`${what}: masked whole, the text around it kept`, () => {
      assert.equal(redactor.text(`before ${form} after`), `before ${R} after`, form);
    });
  }

  it('form encoding: + is a space only where the text is form-encoded', () => {
    const spaced = 'open sesame 42';
    const formRedactor = createRedactor([spaced]);
    assert.equal(formRedactor.text(`a=${new URLSearchParams({ v: spaced }).toString().slice(2)}&b=1`), `a=${R}&b=1`);
    const plus = createRedactor(['a+b+c+d']);
    assert.equal(plus.text('got a+b+c+d.'), `got ${R}.`);
    assert.equal(plus.text('got a%2Bb%2Bc%2Bd.'), `got ${R}.`);
  });

  it('JSON-escaped one, two and three times (an echo of an echo)', () => {
    const quote = createRedactor(['q"u\\o/te']);
    let escaped = 'q"u\\o/te';
    for (let level = 1; level <= 3; level++) {
      escaped = JSON.stringify(escaped).slice(1, -1);
      assert.equal(quote.text(`{"m":"${escaped}"}`), `{"m":"${R}"}`, escaped);
    }
    assert.equal(quote.text('q\\"u\\\\o\\/te'), R);
  });

  it('XML- and HTML-escaped, named entities included', () => {
    const markup = createRedactor([`a<b>&"c'd`]);
    assert.equal(markup.text('<p>a&lt;b&gt;&amp;&quot;c&apos;d</p>'), `<p>${R}</p>`);
    assert.equal(markup.text('<p>a&lt;b&gt;&amp;&quot;c&#39;d</p>'), `<p>${R}</p>`);
    assert.equal(markup.text('<p>a&#x3c;b&#x3E;&#38;"c\'d</p>'), `<p>${R}</p>`);
  });

  it('a backslash followed by an entity is read either way (one family per layer)', () => {
    const mixed = createRedactor(['x\\&y-long']);
    assert.equal(mixed.text('[x\\&amp;y-long]'), `[${R}]`);
    assert.equal(mixed.text('[x\\\\&y-long]'), `[${R}]`);
  });

  it('non-ASCII passwords, percent-encoded as UTF-8 and escaped as \\u', () => {
    const accented = createRedactor(['mötley-crüe-€']);
    assert.equal(accented.text(`x=${encodeURIComponent('mötley-crüe-€')}`), `x=${R}`);
    assert.equal(accented.text(percentAll('mötley-crüe-€')), R);
    assert.equal(accented.text(JSON.stringify({ p: 'mötley-crüe-€' }, null, 0).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)), `{"p":"${R}"}`);
    assert.equal(accented.text(b64('mötley-crüe-€')), R);
    const astral = createRedactor(['emoji-😀-pass']);
    assert.equal(astral.text('emoji-&#x1F600;-pass'), R);
    assert.equal(astral.text('emoji-&#128512;-pass'), R);
  });

  it('every JSON backslash escape, and a four-byte UTF-8 sequence in percent codes', () => {
    const controls = createRedactor(['tab\there\nnew\rret\bback\fform/slash']);
    assert.equal(controls.text(`x${JSON.stringify('tab\there\nnew\rret\bback\fform/slash').slice(1, -1).replace('/', '\\/')}x`), `x${R}x`);
    const emoji = createRedactor(['😀-four-bytes']);
    assert.equal(emoji.text(`p=${encodeURIComponent('😀-four-bytes')}&`), `p=${R}&`);
    assert.equal(emoji.text(`p=${encodeURIComponent('😀-four-bytes').slice(3)}&`), `p=${encodeURIComponent('😀-four-bytes').slice(3)}&`);
  });

  it('reads UTF-8 in percent codes at every sequence-length boundary, and a byte that starts none as itself', () => {
    for (const ch of ['\u0080', '\u07ff', '\u0800', '\uffff', '\u{10000}', '\u{10ffff}']) {
      const secret = `x${ch}-long-enough`;
      assert.equal(createRedactor([secret]).text(`[${encodeURIComponent(secret)}]`), `[${R}]`, encodeURIComponent(ch));
      assert.equal(createRedactor([secret]).text(`[x&#x${(ch.codePointAt(0) ?? 0).toString(16)};-long-enough]`), `[${R}]`, ch);
    }
    for (const lead of ['%80', '%bf', '%c1', '%f5', '%ff']) {
      assert.equal(createRedactor(['ABCD-long']).text(`${lead}${percentAll('ABCD-long')}`), `${lead}${R}`, lead);
    }
  });

  it('keeps each family of escapes to itself in a layer', () => {
    // A literal %41 inside a JSON-escaped secret, and a literal backslash-n inside an HTML-escaped one.
    assert.equal(createRedactor(['x"%41-long']).text('{"m":"x\\"%41-long"}'), `{"m":"${R}"}`);
    assert.equal(createRedactor(['a\\n&b-long']).text('<p>a\\n&amp;b-long</p>'), `<p>${R}</p>`);
    assert.equal(createRedactor(['a+b%41-long']).text('a+b%41-long'), R);
  });

  it('undoes at most four layers of escaping', () => {
    let encoded = 'four%2Dlayers%2Ddeep';
    for (let layer = 1; layer < 4; layer++) encoded = encodeURIComponent(encoded);
    const redactor4 = createRedactor(['four-layers-deep']);
    assert.ok(redactor4.text(encoded).startsWith(R), encoded);
    const five = encodeURIComponent(encoded);
    assert.equal(redactor4.text(five), five);
  });

  it('a form-encoded secret ending in a space is masked to its last +', () => {
    assert.equal(createRedactor(['open sesame ']).text('a=open+sesame+&b=1'), `a=${R}&b=1`);
  });

  it('masks only the codes of the secret, not a whole run of percent codes around it', () => {
    const text = `${percentAll('before-')}${percentAll(PASSWORD)}${percentAll('-after')}`;
    assert.equal(redactor.text(text), `${percentAll('before-')}${R}${percentAll('-after')}`);
    // A percent code that is not UTF-8 is read as one replacement character, still mapped to its code.
    assert.equal(redactor.text(`%ff%fe${percentAll(PASSWORD)}%c3`), `%ff%fe${R}%c3`);
  });

  it('leaves a malformed escape as it is and still finds the secret after it', () => {
    for (const junk of ['%zz', '%4', '\\u12', '&#xZZ;', '&#1114112;', '&#x110000;', '&bogus;', '\\ ']) {
      assert.equal(redactor.text(`${junk}${PASSWORD}`), `${junk}${R}`, junk);
    }
    // A backslash right before it may be an escape of its first character: masked with it.
    assert.equal(redactor.text(`\\${PASSWORD}`), R);
  });

  it('finds every occurrence, and each masks its own span', () => {
    assert.equal(redactor.text(`${PASSWORD}|${PASSWORD}|${b64(PASSWORD)}`), `${R}|${R}|${R}`);
    assert.equal(redactor.text(`${PASSWORD}${PASSWORD}`), R);
  });
});

describe('redaction: overlapping and related secrets', () => {
  it('two overlapping secrets leave no suffix behind', () => {
    const overlap = createRedactor(['abcdef-1', 'def-1-ghijk']);
    assert.equal(overlap.text('x abcdef-1-ghijk y'), `x ${R} y`);
    assert.equal(overlap.text('x def-1-ghijk abcdef-1 y'), `x ${R} ${R} y`);
  });

  it('a secret inside another is masked with it', () => {
    const nested = createRedactor(['inner-secret', 'outer-inner-secret-x']);
    assert.equal(nested.text('outer-inner-secret-x'), R);
    assert.equal(nested.text('an inner-secret alone'), `an ${R} alone`);
  });

  it('an Authorization value as a secret: the whole value and its token alone', () => {
    const bearer = createRedactor(['Bearer tok-1234']);
    assert.equal(bearer.text('echo: tok-1234.'), `echo: ${R}.`);
    assert.equal(createRedactor(['Bearer abc']).text('the abc token'), 'the abc token');
    assert.equal(createRedactor(['Bearer abcd']).text('the abcd token'), `the ${R} token`);
    assert.equal(createRedactor(['Bearer  two-spaces']).text('the two-spaces token'), `the ${R} token`);
    assert.equal(createRedactor([' Bearer lead-space']).text('the lead-space token'), 'the lead-space token');
    assert.equal(createRedactor(['Bearer tok-5678\nnext']).text('the tok-5678 token'), 'the tok-5678 token');
  });

  it('ignores undefined and empty secrets', () => {
    assert.equal(createRedactor([undefined, '']).text('plain text stays'), 'plain text stays');
    assert.equal(createRedactor([undefined, ''], UPN).text(`${UPN}: text stays`), `${UPN}: text stays`);
  });
});

describe('redaction: short passwords (shorter than 4 characters)', () => {
  const short = createRedactor(['ab7'], UPN);

  it('are not masked in free text, which they would destroy', () => {
    assert.equal(MIN_FREE_TEXT_SECRET_LENGTH, 4);
    assert.equal(short.text('tab7 and ab7 stay readable'), 'tab7 and ab7 stay readable');
    assert.equal(createRedactor(['abcd']).text('xabcdx'), `x${R}x`);
  });

  it('are masked as user:password, in every encoding', () => {
    assert.equal(short.text(`sent ${UPN}:ab7 in clear`), `sent ${R} in clear`);
    assert.equal(short.text(`token ${b64(`${UPN}:ab7`)} seen`), `token ${R} seen`);
    assert.equal(short.text(`token ${encodeURIComponent(b64(`${UPN}:ab7`))} seen`), `token ${R} seen`);
  });

  it('are masked where a secret is expected', () => {
    const places: [string, string][] = [
      ['Authorization: ab7', `Authorization: ${R}`],
      ['https://svc:ab7@mail.contoso.com/EWS', `https://svc:${R}@mail.contoso.com/EWS`],
      ['https://h/x?user=svc&password=ab7&next=1', `https://h/x?user=svc&password=${R}&next=1`],
      ['pwd=ab7; path=/', `pwd=${R}; path=/`],
      ['{"password":"ab7","upn":"svc"}', `{"password":"${R}","upn":"svc"}`],
      ['{"newPassword" : "ab7"}', `{"newPassword" : "${R}"}`],
      ["<input name=x password='ab7'>", `<input name=x password='${R}'>`],
      ['<t:Password>ab7</t:Password>', `<t:Password>${R}</t:Password>`],
      ['<ClientSecret kind="x">ab7</ClientSecret>', `<ClientSecret kind="x">${R}</ClientSecret>`],
      ['password: "ab7"', `password: "${R}"`],
      ['%7B%22password%22%3A%22ab7%22%7D', `%7B%22password%22%3A%22${R}%22%7D`],
    ];
    for (const [text, expected] of places) assert.equal(short.text(text), expected, text);
  });
});

describe('redaction: places that hold a secret whatever it is', () => {
  const none = createRedactor([]);
  it('Authorization and Proxy-Authorization values, with or without a scheme, to the end of the line', () => {
    assert.equal(none.text('Authorization: NTLM TlRMTVNTUAABAAAAB4IIog==\r\nHost: x'), `Authorization: ${R}\r\nHost: x`);
    assert.equal(none.text('authorization:dXNlcjpwYXNz'), `authorization:${R}`);
    assert.equal(none.text('Proxy-Authorization: opaque value, more'), `Proxy-Authorization: ${R}`);
    assert.equal(none.text('?authorization=abc123&x=1'), `?authorization=${R}&x=1`);
    assert.equal(none.text('"Authorization": "Basic dXNlcjpwYXNz", "x": 1'), `"Authorization": "${R}", "x": 1`);
    assert.equal(none.text("{'authorization':'v\\'al'}"), `{'authorization':'${R}'}`);
  });

  it('leaves prose about authorization alone', () => {
    for (const text of ['No authorization was needed.', 'authorization header kept in SecretStorage', 'myauthorization: x', 'pre-authorization: x', 'X-Authorization: not ours', 'Authorizations: 3 pending', 'BasicXdXNlcjpwYXNz1', 'the Basic-dXNlcjpwYXNz1 token']) {
      assert.equal(none.text(text), text);
    }
  });

  it('Basic, NTLM, Negotiate and Bearer credentials outside a header', () => {
    assert.equal(none.text('sent Basic dXNlcjpwYXNzd29yZA== to the server'), `sent Basic ${R} to the server`);
    assert.equal(none.text('log: NTLM TlRMTVNTUAADAAAAGAAYAEgAAAA='), `log: NTLM ${R}`);
    assert.equal(none.text('negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag'), `negotiate ${R}`);
    assert.equal(none.text('Bearer abcdefghijkl'), `Bearer ${R}`);
    assert.equal(none.text('basic\tAbCdEfGhIj'), `basic\t${R}`);
    assert.equal(none.text('Bearer abcdefgh!'), `Bearer ${R}!`);
    for (const token of ['abcdefg+', 'abcdefg/', 'abcdefg=', 'abcdefg1']) assert.equal(none.text(`NTLM ${token}`), `NTLM ${R}`, token);
  });

  it('leaves scheme names followed by words alone', () => {
    for (const text of ['Basic authentication is offered', 'NTLM authentication only', 'Negotiate, NTLM, Basic realm="mail"', 'Basic abc12', 'Bearer short', 'Bearer abcdefg', 'NTLM lowercaseonly', 'Basic UPPERCASEONLY']) {
      assert.equal(none.text(text), text);
    }
  });

  it('an NTLMSSP message anywhere', () => {
    assert.equal(none.text('blob=TlRMTVNTUAABAAAAB4IIog== end'), `blob=${R} end`);
    assert.equal(none.text('TlRMTVNTUA'), R);
  });

  it('the password of URL userinfo, not the user or the host', () => {
    assert.equal(none.text('see ftp://u:p@h and http://h/a:b@c'), `see ftp://u:${R}@h and http://h/a:b@c`);
    assert.equal(none.text('mailto:alice@contoso.com https://alice@contoso.com'), 'mailto:alice@contoso.com https://alice@contoso.com');
  });

  it('values named as secrets, and not values merely near such a word', () => {
    assert.equal(none.text('client_secret=s3cr3t&scope=x'), `client_secret=${R}&scope=x`);
    assert.equal(none.text('passwd=x1,y'), `passwd=${R},y`);
    assert.equal(none.text('<passphrase>two words</passphrase>'), `<passphrase>${R}</passphrase>`);
    for (const text of ['the password is not part of this report', 'wrong password: check the UPN', '-Password (Read-Host \'x\' -AsSecureString)', 'password=', '"password": ""', '{"hasPassword": true}', 'x-password=1']) {
      assert.equal(none.text(text), text);
    }
  });
});

describe('redaction: what it leaves alone', () => {
  const redactor = createRedactor([PASSWORD], UPN);
  it('real messages, URLs and identifiers pass unchanged', () => {
    for (const text of [
      'https://mail.contoso.com/EWS/Exchange.asmx', 'ErrorImpersonateUserDenied: The account does not have permission to impersonate the requested user.',
      'HTTP 302 redirect to /owa/auth/errorfe.aspx?httpCode=500: EWS should answer directly', `Logged on as ${UPN} (Exchange Server Subscription Edition 15.2.2562.17)`,
      'Certificate SHA-256 3A:5F:00:11 valid until 2027-01-01', 'QmFzaWMgYXV0aA== is base64 of something else', 'deadbeefcafebabe0123',
    ]) assert.equal(redactor.text(text), text);
  });

  it('is idempotent', () => {
    const once = redactor.text(`a ${PASSWORD} Authorization: Basic ${b64(`${UPN}:${PASSWORD}`)}`);
    assert.equal(redactor.text(once), once);
  });

  it('deep(): every string at any depth, keys and other values kept', () => {
    const trail = [
      { kind: 'pox', url: `https://svc:${PASSWORD}@contoso.com/autodiscover/autodiscover.xml`, outcome: `HTTP 401 ${b64(`${UPN}:${PASSWORD}`)}`, status: 401, ms: 3, credentialsSent: true },
      { kind: 'srv', url: '_autodiscover._tcp.contoso.com', outcome: 'no record', ms: 1, credentialsSent: false, extra: null, nested: { [PASSWORD]: [PASSWORD] } },
    ];
    assert.deepEqual(redactor.deep(trail), [
      { kind: 'pox', url: `https://svc:${R}@contoso.com/autodiscover/autodiscover.xml`, outcome: `HTTP 401 ${R}`, status: 401, ms: 3, credentialsSent: true },
      { kind: 'srv', url: '_autodiscover._tcp.contoso.com', outcome: 'no record', ms: 1, credentialsSent: false, extra: null, nested: { [PASSWORD]: [R] } },
    ]);
    assert.equal(redactor.deep(undefined), undefined);
    assert.equal(redactor.deep(42), 42);
  });

  it('redact() is createRedactor(...).text() for one text', () => {
    assert.equal(redact(`u ${b64(`${UPN}:ab`)}`, ['ab'], UPN), `u ${R}`);
    assert.equal(redact(`u ${b64(`${UPN}:ab`)}`, ['ab']), `u ${b64(`${UPN}:ab`)}`);
  });
});

// ------------------------------------------------------------------------------------------------
// Properties: generated passwords through generated chains of encodings.

type Encoder = { name: string; encode: (text: string) => string };

const anyHexCase = (text: string, upper: boolean): string => (upper ? text.toUpperCase() : text.toLowerCase());

/** One encoding step; arbitrary choices (case, alignment, padding) are part of the generated value. */
const encoder: fc.Arbitrary<Encoder> = fc.oneof(
  fc.constant<Encoder>({ name: 'encodeURIComponent', encode: encodeURIComponent }),
  fc.boolean().map<Encoder>((upper) => ({ name: `percent every byte (${upper ? 'upper' : 'lower'})`, encode: (t) => percentAll(t, upper) })),
  fc.constant<Encoder>({ name: 'form', encode: (t) => new URLSearchParams({ v: t }).toString().slice(2) }),
  fc.constant<Encoder>({ name: 'JSON string', encode: (t) => JSON.stringify(t).slice(1, -1) }),
  fc.boolean().map<Encoder>((upper) => ({ name: '\\u every character', encode: (t) => Array.from({ length: t.length }, (_, i) => `\\u${anyHexCase(t.charCodeAt(i).toString(16).padStart(4, '0'), upper)}`).join('') })),
  fc.constant<Encoder>({ name: 'HTML named', encode: (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;') }),
  fc.boolean().map<Encoder>((hex) => ({ name: `character references (${hex ? 'hex' : 'decimal'})`, encode: (t) => [...t].map((c) => (hex ? `&#x${(c.codePointAt(0) ?? 0).toString(16)};` : `&#${c.codePointAt(0) ?? 0};`)).join('') })),
  fc.record({ url: fc.boolean(), pad: fc.boolean(), before: fc.uint8Array({ maxLength: 5 }), after: fc.uint8Array({ maxLength: 5 }) }).map<Encoder>(({ url, pad, before, after }) => ({
    name: `base64${url ? 'url' : ''}${pad ? '' : ' unpadded'} at alignment ${before.length % 3}`,
    encode: (t) => {
      const bytes = Buffer.concat([Buffer.from(before), Buffer.from(t, 'utf8'), Buffer.from(after)]);
      const text = bytes.toString(url ? 'base64url' : 'base64');
      return pad ? text.padEnd(Math.ceil(text.length / 4) * 4, '=') : text.replace(/=+$/, '');
    },
  })),
  fc.boolean().map<Encoder>((upper) => ({ name: `hex (${upper ? 'upper' : 'lower'})`, encode: (t) => anyHexCase(Buffer.from(t, 'utf8').toString('hex'), upper) })),
);

/** Passwords: a random core the scanner can find on its own, among characters every encoding changes. */
const password = fc.record({
  core: fc.stringMatching(/^[A-Za-z0-9]{8,16}$/),
  decoration: fc.string({ unit: fc.constantFrom(...Array.from('"\\&<>+/ %=?#:;\'é€😀')), maxLength: 6 }),
}).map(({ core, decoration }) => ({ value: `${decoration}${core}${[...decoration].reverse().join('')}`, core }));

/** Text around the echo: words, punctuation and base64-like noise, never a secret place. */
const noise = fc.string({ unit: fc.constantFrom(...'abcXYZ019 .,()-_/'.split('')), maxLength: 30 });

describe('redaction properties (fast-check)', function () {
  this.timeout(120_000);

  it('no form of a generated password survives a chain of one to three generated encodings', () => {
    let runs = 0;
    fc.assert(
      fc.property(password, fc.array(encoder, { minLength: 1, maxLength: 3 }), noise, noise, (pw, chain, left, right) => {
        let encoded = pw.value;
        for (const step of chain) encoded = step.encode(encoded);
        const out = createRedactor([pw.value], UPN).text(`${left} ${encoded} ${right}`);
        const how = `${chain.map((s) => s.name).join(' then ')}: ${JSON.stringify(encoded).slice(0, 200)} -> ${JSON.stringify(out).slice(0, 200)}`;
        assert.ok(!out.includes(encoded), how);
        assert.ok(!out.includes(pw.core), how);
        const hits = scanText('output', out, canaryPatterns(pw, [UPN]));
        assert.deepEqual(hits, [], `${how}\n${describeHits(hits)}`);
        runs++;
      }),
      { numRuns: 400, seed: 20261207 },
    );
    assert.equal(runs, 400);
  });

  it('a Basic credential of a generated user and password is masked wherever it appears', () => {
    fc.assert(
      fc.property(password, fc.stringMatching(/^[a-z]{1,10}@[a-z]{1,8}\.com$/), fc.constantFrom('', 'Basic ', 'Authorization: Basic ', 'token='), noise, (pw, user, prefix, left) => {
        const token = b64(`${user}:${pw.value}`);
        const out = createRedactor([pw.value], user).text(`${left} ${prefix}${token}\nend`);
        assert.ok(!out.includes(token.replace(/=+$/, '').slice(0, -2)), out);
        assert.ok(out.endsWith(`${R}\nend`), out);
      }),
      { numRuns: 300, seed: 20261208 },
    );
  });

  it('text that holds no secret and no secret place comes back unchanged', () => {
    fc.assert(
      fc.property(password, fc.array(noise, { maxLength: 5 }), (pw, words) => {
        const text = words.join(' ');
        fc.pre(!text.includes(pw.core));
        assert.equal(createRedactor([pw.value], UPN).text(text), text);
      }),
      { numRuns: 300, seed: 20261209 },
    );
  });
});
