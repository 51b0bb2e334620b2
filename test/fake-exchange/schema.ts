// Validates whole SOAP requests against Microsoft's EWS schemas with the system `xmllint`.
//
// Compiling the EWS schemas is most of xmllint's cost (~180 ms on this machine; validating one more
// document is ~1 ms), so requests that arrive while a run is in progress are validated together in
// the next run: one compile per batch. Results are cached by body, since probes repeat requests.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The schema folder, if one exists where the project keeps it. */
export function findSchemaDir(): string | undefined {
  const candidates = [
    '/work/shared/ews-schemas',
    // out/test/fake-exchange -> repo root, and test/fake-exchange -> repo root (ts-node style runs).
    resolve(__dirname, '..', '..', '..', '..', 'shared', 'ews-schemas'),
    resolve(__dirname, '..', '..', '..', 'shared', 'ews-schemas'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'soap-envelope.xsd')));
}

interface PendingValidation {
  readonly file: string;
  readonly resolve: (errors: readonly string[]) => void;
}

export class SchemaValidator {
  private readonly workDir = mkdtempSync(join(tmpdir(), 'fake-exchange-xsd-'));
  private readonly cache = new Map<string, readonly string[]>();
  private pending: PendingValidation[] = [];
  private running = false;
  private fileCounter = 0;

  constructor(private readonly schemaDir: string) {}

  /** Schema errors for this request body; empty when it is valid. */
  validate(body: string): Promise<readonly string[]> {
    const key = createHash('sha256').update(body).digest('hex');
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    const file = join(this.workDir, `request-${++this.fileCounter}.xml`);
    writeFileSync(file, body);
    return new Promise<readonly string[]>((done) => {
      this.pending.push({ file, resolve: (errors) => { this.cache.set(key, errors); done(errors); } });
      this.runNextBatch();
    });
  }

  dispose(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private runNextBatch(): void {
    if (this.running || this.pending.length === 0) return;
    this.running = true;
    const batch = this.pending;
    this.pending = [];
    const args = ['--nonet', '--noout', '--schema', join(this.schemaDir, 'soap-envelope.xsd'), ...batch.map((p) => p.file)];
    execFile('xmllint', args, { maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      this.running = false;
      for (const item of batch) {
        rmSync(item.file, { force: true });
        item.resolve(errorsForFile(stderr, item.file, error));
      }
      this.runNextBatch();
    });
  }
}

/** xmllint prefixes each message with the file name; "FILE validates" marks success. */
function errorsForFile(stderr: string, file: string, runError: Error | null): readonly string[] {
  const lines = stderr.split('\n');
  if (lines.includes(`${file} validates`)) return [];
  const errors = lines
    .filter((line) => line.startsWith(`${file}:`))
    .map((line) => line.slice(file.length + 1).replace(/^\d+: /, 'line $&').trim());
  if (errors.length > 0) return errors;
  if (lines.includes(`${file} fails to validate`)) return ['fails to validate'];
  return [`xmllint gave no verdict${runError ? `: ${runError.message.split('\n')[0]}` : ''}`];
}
