// The tests module VS Code loads in the extension host (extensionTestsPath). It runs mocha over
// the suite and reports through files, because the host's stdout and exit code do not reliably
// reach the runner: ECS_TEST_RESULT names a JSON verdict file and its per-test lines also go to
// `<ECS_TEST_RESULT>.log` as they happen. Without that variable (plain @vscode/test-electron) the
// returned promise rejects on failure, which is what VS Code turns into the exit code.
import { appendFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** What the runners read back; keep in step with scripts/lib/vscode-test-env.mjs. */
export interface SuiteResult {
  passed: number;
  failed: number;
  failures: { title: string; message: string }[];
  lines: string[];
  durationMs: number;
}

// `restricted` is the suite that runs in a folder that is not trusted (see run-vscode-tests --restricted);
// `vsix` is the smoke suite against the installed package (run-vscode-tests --vsix).
const suiteDir = join(__dirname, process.env.ECS_SUITE === 'restricted' || process.env.ECS_SUITE === 'vsix' ? process.env.ECS_SUITE : 'suite');

function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => join(dir, name))
    .sort();
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Collects the per-test lines and failures; the spec reporter owns stdout. */
class SuiteReport {
  readonly failures: SuiteResult['failures'] = [];
  readonly lines: string[] = [];
  private readonly startedAt = Date.now();
  private readonly logFile: string | undefined;

  constructor(private readonly resultFile: string | undefined) {
    this.logFile = resultFile ? `${resultFile}.log` : undefined;
    if (this.logFile) writeFileSync(this.logFile, '');
  }

  line(text: string): void {
    this.lines.push(text);
    if (this.logFile) appendFileSync(this.logFile, `${text}\n`);
  }

  fail(title: string, error: unknown): void {
    const message = errorText(error);
    this.failures.push({ title, message });
    this.line(`  FAIL ${title}\n${message.replace(/^/gm, '      ')}`);
  }

  finish(passed: number, failed: number): SuiteResult {
    this.line(`${passed} passing, ${failed} failing`);
    const result: SuiteResult = {
      passed, failed, failures: this.failures, lines: this.lines, durationMs: Date.now() - this.startedAt,
    };
    if (this.resultFile) {
      // Written whole and renamed so a polling runner never reads half a file.
      const partial = `${this.resultFile}.partial`;
      writeFileSync(partial, JSON.stringify(result, null, 2));
      renameSync(partial, this.resultFile);
    }
    return result;
  }
}

function runMocha(mocha: Mocha, report: SuiteReport): Promise<{ passed: number; failed: number }> {
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      const stats = runner.stats;
      resolve({ passed: stats?.passes ?? 0, failed: stats?.failures ?? report.failures.length });
    });
    runner.on('pass', (test) => report.line(`  ok   ${test.fullTitle()} (${test.duration ?? 0} ms)`));
    runner.on('fail', (test, error) => report.fail(test.fullTitle(), error));
  });
}

export async function run(): Promise<void> {
  const report = new SuiteReport(process.env.ECS_TEST_RESULT);
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 60_000,
    color: false,
    // A skipped or focused test would hide checks that never ran: both count as failures.
    forbidOnly: true,
    forbidPending: true,
    reporter: 'spec',
  });
  // `npm test -- --grep TEXT` reaches the extension host through the runner's environment.
  const grep = process.env.ECS_TEST_GREP;
  if (grep) {
    mocha.grep(grep);
    report.line(`only tests whose title contains "${grep}"`);
  }

  let counts = { passed: 0, failed: 0 };
  try {
    const files = findTestFiles(suiteDir);
    report.line(`integration suite: ${files.length} file(s) in ${suiteDir}`);
    if (files.length === 0) {
      report.fail('integration suite', new Error(`no *.test.js files under ${suiteDir}`));
      counts = { passed: 0, failed: 1 };
    } else {
      for (const file of files) mocha.addFile(file);
      counts = await runMocha(mocha, report);
    }
  } catch (error) {
    // A test file that throws while loading stops mocha before any test runs.
    report.fail('loading the integration suite', error);
    counts = { passed: counts.passed, failed: counts.failed + 1 };
  }

  const result = report.finish(counts.passed, counts.failed);
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
