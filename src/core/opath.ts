/**
 * Compares OPATH filters by meaning, not by text: Exchange stores a management scope's
 * RecipientRestrictionFilter in its own form (it wraps comparisons and groups in parentheses), so
 * the filter read back from Get-ManagementScope never equals the text we generated. Both are parsed
 * and written out again in one canonical form; anything that changes what the filter selects (an
 * operator, a property, a value, the nesting of -and/-or/-not) keeps them apart.
 *
 * Sources: Microsoft, "Filterable properties for the RecipientFilter parameter" and "Additional
 * OPATH syntax information" (learn.microsoft.com/powershell/exchange/recipientfilter-properties and
 * .../filter-properties): comparison operators and -and/-or/-not are case-insensitive, values are
 * in single or double quotes, parentheses group. Exchange adding parentheses to the stored filter:
 * ASSUMPTION from field reports (Get-ManagementScope output in public admin write-ups), see
 * docs/exchange-behaviour.md.
 */

import * as l10n from './l10n';

type Token = { kind: 'open' } | { kind: 'close' } | { kind: 'operator'; name: string } | { kind: 'word'; text: string } | { kind: 'quoted'; text: string };

export type OpathParse = { ok: true; canonical: string } | { ok: false; reason: string };

function tokenize(filter: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const char = filter[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close' });
      i++;
    } else if (char === "'" || char === '"') {
      // A quote inside a value is written twice, as in PowerShell.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= filter.length) return l10n.t('a value starting at character {0} has no closing quote', i + 1);
        if (filter[j] === char) {
          if (filter[j + 1] !== char) break;
          j++;
        }
        value += filter[j];
        j++;
      }
      tokens.push({ kind: 'quoted', text: value });
      i = j + 1;
    } else {
      const word = /^[^\s()'"]+/.exec(filter.slice(i))?.[0] ?? char;
      tokens.push(word.startsWith('-') ? { kind: 'operator', name: word.toLowerCase() } : { kind: 'word', text: word });
      i += word.length;
    }
  }
  return tokens;
}

const COMPARISONS = new Set(['-eq', '-ne', '-like', '-notlike', '-lt', '-gt', '-le', '-ge']);

/**
 * Parses with PowerShell's rule for -and and -or (equal precedence, left to right); the canonical
 * form puts every comparison and every group in parentheses, so filters that differ only in
 * redundant parentheses, spacing, or the case of property names and operators come out the same.
 * Values keep their case except that comparisons of text in Active Directory ignore it (ASSUMPTION:
 * recipient properties are case-insensitive directory strings); they are lower-cased too.
 */
export function canonicalOpath(filter: string): OpathParse {
  const tokens = tokenize(filter);
  if (typeof tokens === 'string') return { ok: false, reason: tokens };
  let position = 0;
  const peek = (): Token | undefined => tokens[position];

  const primary = (): string => {
    const token = peek();
    if (!token) throw new Error(l10n.t('the filter ends where a comparison was expected'));
    if (token.kind === 'open') {
      position++;
      const inner = expression();
      if (peek()?.kind !== 'close') throw new Error(l10n.t('a parenthesis is not closed'));
      position++;
      return inner;
    }
    if (token.kind === 'operator' && token.name === '-not') {
      position++;
      return `(-not ${primary()})`;
    }
    if (token.kind !== 'word') throw new Error(l10n.t('a property name was expected, not {0}', describe(token)));
    position++;
    const operator = peek();
    if (operator?.kind !== 'operator' || !COMPARISONS.has(operator.name)) throw new Error(l10n.t('a comparison operator (-eq, -ne, ...) was expected after {0}', token.text));
    position++;
    const value = peek();
    if (value?.kind !== 'quoted' && value?.kind !== 'word') throw new Error(l10n.t('a value was expected after {0} {1}', token.text, operator.name));
    position++;
    const text = value.kind === 'quoted' ? `'${value.text.toLowerCase()}'` : value.text.toLowerCase();
    return `(${token.text.toLowerCase()} ${operator.name} ${text})`;
  };

  const expression = (): string => {
    let left = primary();
    for (let next = peek(); next?.kind === 'operator' && (next.name === '-and' || next.name === '-or'); next = peek()) {
      position++;
      left = `(${left} ${next.name} ${primary()})`;
    }
    return left;
  };

  try {
    const canonical = expression();
    const rest = peek();
    if (rest) throw new Error(l10n.t('{0} follows a complete filter', describe(rest)));
    return { ok: true, canonical };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'open':
      return '"("';
    case 'close':
      return '")"';
    case 'operator':
      return `"${token.name}"`;
    case 'word':
      return `"${token.text}"`;
    case 'quoted':
      return l10n.t("the value '{0}'", token.text);
  }
}

/** True when both filters parse and select the same recipients by the rules above. */
export function sameOpathFilter(a: string, b: string): boolean {
  const left = canonicalOpath(a);
  const right = canonicalOpath(b);
  return left.ok && right.ok && left.canonical === right.canonical;
}
