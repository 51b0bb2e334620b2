/**
 * A small, strict command-line parser shared by the subcommands: known flags only, `--flag value`
 * or `--flag=value`, `--` ends the flags. Errors are values, so callers decide the exit code. A
 * `list` flag may be repeated (each use adds one value); any other flag may be given once.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorText } from '../core/errors';
import type { SetupSettings } from '../core/settings';
import { readSettingsObject } from '../core/validate';

export interface FlagSpec {
  readonly kind: 'boolean' | 'string' | 'list';
  /** Shown in help, e.g. "FILE". */
  readonly valueName?: string;
  readonly description: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  /** String flags by name (without dashes); boolean flags are true when present; list flags hold every value given. */
  readonly values: Readonly<Record<string, string | boolean | readonly string[]>>;
  readonly positionals: readonly string[];
}

export type ParseResult = ({ ok: true } & ParsedArgs) | { ok: false; error: string };

export function parseArgs(argv: readonly string[], specs: FlagSpecs, options: { allowPositionals?: boolean } = {}): ParseResult {
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const match = /^--([A-Za-z][A-Za-z0-9-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) return { ok: false, error: `unknown option ${arg} (options start with --)` };
    const [, name, inlineValue] = match;
    const spec = Object.prototype.hasOwnProperty.call(specs, name) ? specs[name] : undefined;
    if (!spec) return { ok: false, error: `unknown option --${name}` };
    if (spec.kind !== 'list' && Object.prototype.hasOwnProperty.call(values, name)) return { ok: false, error: `--${name} is given more than once` };
    if (spec.kind === 'boolean') {
      if (inlineValue !== undefined) return { ok: false, error: `--${name} takes no value` };
      values[name] = true;
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) return { ok: false, error: `--${name} needs a value (${spec.valueName ?? 'VALUE'})` };
      value = next;
      i++;
    }
    if (spec.kind === 'list') {
      const list = values[name];
      values[name] = Array.isArray(list) ? [...list, value] : [value];
    } else {
      values[name] = value;
    }
  }
  if (!options.allowPositionals && positionals.length > 0) return { ok: false, error: `unexpected argument ${positionals[0]}` };
  return { ok: true, values, positionals };
}

/** The option lines of a help text, aligned. */
export function formatFlagHelp(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => [`--${name}${spec.kind === 'boolean' ? '' : ` ${spec.valueName ?? 'VALUE'}`}`, spec.description]);
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable flag, in the order given. */
export function listFlag(args: ParsedArgs, name: string): readonly string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value : [];
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

// ---------------------------------------------------------------------------------------------
// The contract between main.ts and each subcommand.

/** What a subcommand may touch: output streams, the environment and (optionally) stdin. */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin?: AsyncIterable<string | Uint8Array>;
}

export interface Subcommand {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Returns the exit code: 0 success, 2 invalid input, 1 anything else. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Reads a file named on the command line, with the reason in words when it cannot. */
export async function readTextFile(path: string): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    return { ok: true, text: await readFile(resolve(path), 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied'
      : errorText(error);
    return { ok: false, reason };
  }
}

/**
 * Everything a stream (stdin) carries, as text: UTF-8, or UTF-16 when it starts with a byte-order mark,
 * because Windows PowerShell 5.1 writes `>` redirections and Out-File as UTF-16LE with a BOM
 * (Microsoft, "about_Character_Encoding", Windows PowerShell 5.1 defaults:
 * learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_character_encoding).
 */
export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  let text = '';
  const bytes: Uint8Array[] = [];
  for await (const chunk of stream) {
    if (typeof chunk === 'string') text += chunk;
    else bytes.push(chunk);
  }
  if (bytes.length === 0) return text;
  const all = Buffer.concat(bytes);
  const encoding = all[0] === 0xff && all[1] === 0xfe ? 'utf-16le' : all[0] === 0xfe && all[1] === 0xff ? 'utf-16be' : 'utf-8';
  return text + new TextDecoder(encoding).decode(all);
}

async function readConfigText(path: string, io: CliIo): Promise<{ ok: true; text: string; label: string } | { ok: false; error: string }> {
  if (path === '-') {
    if (!io.stdin) return { ok: false, error: 'no standard input to read the configuration from' };
    return { ok: true, text: await readAll(io.stdin), label: 'standard input' };
  }
  const read = await readTextFile(path);
  return read.ok ? { ok: true, text: read.text, label: path } : { ok: false, error: `cannot read the configuration file ${path}: ${read.reason}` };
}

/** The settings in a `--config FILE` (`-` is stdin), validated as the extension validates its settings. */
export async function readSettingsFile(path: string, io: CliIo): Promise<{ ok: true; settings: SetupSettings } | { ok: false; problems: string[] }> {
  const source = await readConfigText(path, io);
  if (!source.ok) return { ok: false, problems: [source.error] };
  let raw: unknown;
  try {
    raw = JSON.parse(source.text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    return { ok: false, problems: [`${source.label} is not valid JSON: ${errorText(error)}`] };
  }
  const reading = readSettingsObject(raw, source.label);
  const problems = [...reading.unknownKeys.map((k) => k.message), ...reading.issues.map((i) => i.message)];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings: reading.settings };
}
