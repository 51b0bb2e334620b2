/**
 * The one place that turns a value into PowerShell source text. Every snippet, the runbook and the
 * CLI go through `psQuote`, so a value can never become code: it is always one single-quoted
 * (verbatim) literal, and values a terminal or PowerShell could reinterpret are refused outright.
 */
import * as l10n from './l10n';
import { SETTING_FIELDS, settingKey, type SettingField } from './settings';

/** Longest value we put in a command; longer ones are almost certainly pasted by mistake. */
export const MAX_QUOTED_LENGTH = 1024;

/**
 * PowerShell's tokenizer ends a verbatim string at any of these, not only at the ASCII apostrophe,
 * so each must be doubled inside the literal.
 */
const SINGLE_QUOTE_CHARACTERS = new Set(['\u0027', '\u2018', '\u2019', '\u201A', '\u201B']);

/** Bidirectional formatting controls: they make the text shown differ from the text run. */
const BIDI_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

export interface UnsafeCharacter {
  /** UTF-16 index in the value. */
  readonly index: number;
  readonly codePoint: number;
  /** e.g. "a line feed (U+000A)". */
  readonly description: string;
}

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeCodePoint(codePoint: number): string | undefined {
  if (codePoint === 0x00) return l10n.t('a NUL character ({0})', hex(codePoint));
  if (codePoint === 0x0a) return l10n.t('a line feed ({0})', hex(codePoint));
  if (codePoint === 0x0d) return l10n.t('a carriage return ({0})', hex(codePoint));
  if (codePoint === 0x09) return l10n.t('a tab ({0})', hex(codePoint));
  if (codePoint === 0x1b) return l10n.t('an escape character ({0})', hex(codePoint));
  if (codePoint === 0x85) return l10n.t('a next-line character ({0})', hex(codePoint));
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return l10n.t('a control character ({0})', hex(codePoint));
  if (codePoint === 0x2028) return l10n.t('a line separator ({0})', hex(codePoint));
  if (codePoint === 0x2029) return l10n.t('a paragraph separator ({0})', hex(codePoint));
  if (BIDI_CONTROLS.has(codePoint)) return l10n.t('a bidirectional control character ({0})', hex(codePoint));
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return l10n.t('an unpaired surrogate ({0}), which is not valid Unicode', hex(codePoint));
  return undefined;
}

/** True for characters psQuote refuses (controls, line breaks, bidi controls, lone surrogates). */
export function isUnsafeCodePoint(codePoint: number): boolean {
  return describeCodePoint(codePoint) !== undefined;
}

/** The first character that cannot be placed in a command line safely, if any. */
export function findUnsafeCharacter(value: string): UnsafeCharacter | undefined {
  let index = 0;
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    const description = describeCodePoint(codePoint);
    if (description) return { index, codePoint, description };
    index += char.length;
  }
  return undefined;
}

/** A display name for a field in messages: settings get their full key, other labels stay as given. */
export function fieldLabel(field: SettingField | string): string {
  return (SETTING_FIELDS as readonly string[]).includes(field) ? settingKey(field as SettingField) : field;
}

export class UnsafeValueError extends Error {
  override readonly name = 'UnsafeValueError';
  constructor(
    readonly field: SettingField | string,
    readonly problem: string,
  ) {
    super(l10n.t('{0}: the value {1}, so it cannot be put into a PowerShell command safely. Change the value and try again.', fieldLabel(field), problem));
  }
}

/** Why `value` cannot be quoted, or undefined when it can. Validation uses this too, so both agree. */
export function unquotableReason(value: string): string | undefined {
  if (value.length > MAX_QUOTED_LENGTH) return l10n.t('is {0} characters long (the limit is {1})', value.length, MAX_QUOTED_LENGTH);
  const unsafe = findUnsafeCharacter(value);
  if (unsafe) return l10n.t('has {0} at position {1}', unsafe.description, unsafe.index + 1);
  return undefined;
}

/**
 * A PowerShell verbatim string literal whose value is exactly `value`.
 * Throws UnsafeValueError (naming `field`) for values that cannot be made safe.
 */
export function psQuote(value: string, field: SettingField | string): string {
  const reason = unquotableReason(value);
  if (reason) throw new UnsafeValueError(field, reason);
  let body = '';
  for (const char of value) body += SINGLE_QUOTE_CHARACTERS.has(char) ? char + char : char;
  return `'${body}'`;
}
