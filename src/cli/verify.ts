/**
 * `verify`: reads a verification snippet's output, captured on the Exchange server, from stdin and says
 * what it shows about the step, with the same rules as the extension's read-back (core/readBack.ts).
 * Exit codes: 0 done, 1 not done or unknown, 2 invalid input (and nothing is judged).
 */
import { DEFAULT_SETTINGS, type SetupSettings } from '../core/settings';
import { READ_BACK_NEEDS_SETTINGS, READ_BACK_STEPS, readBackReport, readPastedVerification } from '../core/readBack';
import { isStepId } from '../core/steps';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, booleanFlag, formatFlagHelp, parseArgs, readAll, readSettingsFile, stringFlag, type CliIo, type FlagSpecs, type Subcommand } from './args';

const FLAGS: FlagSpecs = {
  step: { kind: 'string', valueName: 'STEP_ID', description: 'the step whose verification printed the output' },
  config: { kind: 'string', valueName: 'FILE', description: 'JSON settings file, as for "snippets" (needed for the steps whose verdict reads the settings)' },
  json: { kind: 'boolean', description: 'print {"step", "status", "message", "details"} instead of one line' },
  help: { kind: 'boolean', description: 'show this help' },
};

export const VERIFY_HELP = `Usage: exchange-setup verify --step STEP_ID [--config FILE] [--json] < output.txt

Reads the output of a step's verification snippet from standard input (everything it printed,
ECS-BEGIN and ECS-END marker lines included, as copied from the Exchange Management Shell) and
says whether the step is done, with the extension's own rules.

Steps with verification output: ${READ_BACK_STEPS.join(', ')}.
${[...READ_BACK_NEEDS_SETTINGS].join(', ')} need --config: their verdict depends on the settings.

Options:
${formatFlagHelp(FLAGS)}

--json prints {"step": ID, "status": "done" | "not-done" | "unknown", "message": TEXT, "details": {...}}.

Exit codes: 0 done; 1 not done or unknown; 2 invalid input (unknown option or step, unreadable
settings, or no marker block of the step in the output: the message names the line expected).
`;

function fail(io: CliIo, lines: readonly string[]): number {
  for (const line of lines) io.stderr.write(`exchange-setup verify: ${line}\n`);
  return EXIT_USAGE;
}

export async function runVerify(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (!args.ok) return fail(io, [args.error, 'run "exchange-setup verify --help" for usage']);
  if (booleanFlag(args, 'help')) {
    io.stdout.write(VERIFY_HELP);
    return EXIT_OK;
  }
  const step = stringFlag(args, 'step');
  if (step === undefined) return fail(io, ['--step STEP_ID is required', `steps with verification output: ${READ_BACK_STEPS.join(', ')}`]);
  const configPath = stringFlag(args, 'config');
  if (configPath === '-') return fail(io, ['--config - is not possible here: standard input carries the verification output; give the settings as a file']);
  let settings: SetupSettings = DEFAULT_SETTINGS;
  if (configPath !== undefined) {
    const reading = await readSettingsFile(configPath, io);
    if (!reading.ok) return fail(io, reading.problems);
    settings = reading.settings;
  } else if (isStepId(step) && READ_BACK_NEEDS_SETTINGS.has(step)) {
    return fail(io, [`--config FILE is required for ${step}: its verdict depends on the settings (the EWS URL, the service account, the scope name)`]);
  }
  const stdin = io.stdin;
  if (!stdin || (stdin as { isTTY?: boolean }).isTTY === true) return fail(io, ['pipe the verification output into standard input, e.g. exchange-setup verify --step basicAuth.verify < output.txt']);
  const pasted = readPastedVerification(step, await readAll(stdin), settings);
  if (!pasted.ok) return fail(io, [pasted.error]);
  const report = readBackReport(pasted.step, pasted.reading);
  io.stdout.write(booleanFlag(args, 'json') ? `${JSON.stringify(report, null, 2)}\n` : `${report.step}: ${report.status}: ${report.message}\n`);
  return report.status === 'done' ? EXIT_OK : EXIT_FAILURE;
}

export const verifyCommand: Subcommand = {
  name: 'verify',
  summary: 'read a verification snippet\'s output (stdin) and say whether its step is done',
  run: runVerify,
};
