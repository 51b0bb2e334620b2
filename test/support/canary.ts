/**
 * Canary secrets and the scanner that looks for them. A canary is a random secret pushed through a
 * path; afterwards every output, file and stored value of the run is searched, as raw bytes, for the
 * canary in each form a careless path could write it: plain, base64 (alone, or anywhere inside a
 * longer base64 value such as `Basic base64(user:password)`), URL-encoded, JSON-escaped and
 * HTML-escaped, each as UTF-8 and as UTF-16LE (how browsers and SQLite may store text). The random
 * core alone is also searched for, so a partly escaped or cut secret is still found.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Canary {
  /** The secret itself. */
  readonly value: string;
  /** Its random part: found on its own, it is a leak whatever surrounds it. */
  readonly core: string;
}

/**
 * A canary that every encoding changes: `"` and `\` change under JSON, `&`, `<` and `"` under
 * HTML, space, `%`, `+` and `/` under URL encoding.
 */
export function makeCanary(label: string): Canary {
  const core = randomBytes(12).toString('hex');
  return { value: `Canary-${label}-${core}-"q\\&<+/ %`, core };
}

export interface CanaryPattern {
  /** Which form this is, for the failure message. */
  readonly form: string;
  readonly bytes: Buffer;
}

/** The base64 of `text` as it appears inside a longer value, at each of the three byte alignments. */
function embeddedBase64(text: string): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x20), Buffer.from(text, 'utf8')]).toString('base64');
    // The first characters mix in the padding bytes and the last ones the bytes after: drop both.
    const start = Math.ceil((pad * 4) / 3) + 1;
    const end = encoded.replace(/=+$/, '').length - 2;
    if (end - start >= 12) out.push(encoded.slice(start, end));
  }
  return out;
}

function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Every form of the canary searched for; `users` adds the exact `Basic` credentials for them. */
export function canaryPatterns(canary: Canary, users: readonly string[] = []): CanaryPattern[] {
  const texts: [string, string][] = [
    ['plain', canary.value],
    ['random core', canary.core],
    ['JSON-escaped', JSON.stringify(canary.value).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(canary.value)],
    ['form-encoded', new URLSearchParams({ v: canary.value }).toString().slice(2)],
    ['HTML-escaped', htmlEscape(canary.value)],
    ['base64', Buffer.from(canary.value, 'utf8').toString('base64')],
    ['base64url', Buffer.from(canary.value, 'utf8').toString('base64url')],
    ...embeddedBase64(canary.value).map((b64, i): [string, string] => [`base64 inside a longer value (alignment ${i})`, b64]),
    ...embeddedBase64(canary.core).map((b64, i): [string, string] => [`base64 of the core (alignment ${i})`, b64]),
    ...users.map((user): [string, string] => [`Basic credential of ${user}`, Buffer.from(`${user}:${canary.value}`, 'utf8').toString('base64')]),
  ];
  const unique = new Map<string, string>();
  for (const [form, text] of texts) if (!unique.has(text)) unique.set(text, form);
  const patterns: CanaryPattern[] = [];
  for (const [text, form] of unique) {
    patterns.push({ form, bytes: Buffer.from(text, 'utf8') });
    patterns.push({ form: `${form}, UTF-16LE`, bytes: Buffer.from(text, 'utf16le') });
  }
  return patterns;
}

export interface CanaryHit {
  /** Where: a file path, or the name of an output. */
  readonly where: string;
  readonly form: string;
  readonly offset: number;
}

export function scanBytes(where: string, bytes: Buffer, patterns: readonly CanaryPattern[]): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const pattern of patterns) {
    const offset = bytes.indexOf(pattern.bytes);
    if (offset >= 0) hits.push({ where, form: pattern.form, offset });
  }
  return hits;
}

export function scanText(where: string, text: string, patterns: readonly CanaryPattern[]): CanaryHit[] {
  return scanBytes(where, Buffer.from(text, 'utf8'), patterns);
}

export interface TreeScanOptions {
  /** Paths not read (the secret store itself). Matched as exact paths or folders. */
  readonly exclude?: readonly string[];
  /** Only files changed at or after this time (ms since the epoch). */
  readonly changedSince?: number;
  /** Files larger than this are read in chunks up to this many bytes each (default 8 MiB). */
  readonly chunkBytes?: number;
}

export interface TreeScan {
  readonly hits: CanaryHit[];
  readonly files: string[];
  readonly bytes: number;
}

function isExcluded(path: string, exclude: readonly string[]): boolean {
  return exclude.some((e) => path === e || path.startsWith(`${e}/`));
}

/**
 * Reads every regular file under `root` (symbolic links are not followed) and scans its raw bytes.
 * Big files are read in overlapping chunks so a canary across a chunk edge is still found.
 */
export function scanTree(root: string, patterns: readonly CanaryPattern[], options: TreeScanOptions = {}): TreeScan {
  const exclude = options.exclude ?? [];
  const chunkBytes = options.chunkBytes ?? 8 * 1024 * 1024;
  const overlap = Math.max(...patterns.map((p) => p.bytes.length));
  const hits: CanaryHit[] = [];
  const files: string[] = [];
  let total = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // removed while walking, or not readable: nothing of ours
    }
    for (const name of names) {
      const path = join(dir, name);
      if (isExcluded(path, exclude)) continue;
      let stat;
      try {
        stat = lstatSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        walk(path);
        continue;
      }
      if (!stat.isFile()) continue;
      if (options.changedSince !== undefined && stat.mtimeMs < options.changedSince && stat.ctimeMs < options.changedSince) continue;
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        continue;
      }
      try {
        files.push(path);
        const buffer = Buffer.alloc(Math.min(stat.size, chunkBytes) + overlap);
        let position = 0;
        for (;;) {
          const read = readSync(fd, buffer, 0, buffer.length, position);
          if (read <= 0) break;
          total += read;
          for (const hit of scanBytes(path, buffer.subarray(0, read), patterns)) hits.push({ ...hit, offset: hit.offset + position });
          if (read < buffer.length) break;
          position += read - overlap;
        }
      } finally {
        closeSync(fd);
      }
    }
  };
  walk(root);
  return { hits: dedupe(hits), files, bytes: total };
}

function dedupe(hits: CanaryHit[]): CanaryHit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = `${h.where}\u0000${h.form}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function describeHits(hits: readonly CanaryHit[]): string {
  return hits.map((h) => `${h.where}: ${h.form} at byte ${h.offset}`).join('\n');
}
