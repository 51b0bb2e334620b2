/**
 * `snippets`: the runbook (or its steps as JSON) for a configuration file, validated with the same
 * rules as the extension. Invalid input exits with 2 and names the setting on stderr.
 */
import { renderRunbook, runbookSteps } from '../core/runbook';
import { readSettingsObject } from '../core/validate';
import { EXIT_OK, EXIT_USAGE, booleanFlag, formatFlagHelp, parseArgs, readTextFile, stringFlag, type CliIo, type FlagSpecs, type Subcommand } from './args';
import { errorText } from '../core/errors';

const FLAGS: FlagSpecs = {
  config: { kind: 'string', valueName: 'FILE', description: 'JSON settings file (keys without the exchangeSetup. prefix); - reads stdin' },
  json: { kind: 'boolean', description: 'print {"steps": [{"id", "title", "action", "verify", "rollback"}]} instead of the .ps1 runbook' },
  help: { kind: 'boolean', description: 'show this help' },
};

export const SNIPPETS_HELP = `Usage: exchange-setup snippets --config FILE [--json]

Prints the Exchange Management Shell runbook for the settings in FILE: a parameter block, then
every step in order with its action, its verification and its rollback (as functions that the
runbook defines but never calls).

FILE holds the settings nested as in VS Code, without the prefix, for example:
  {"ewsUrl": "https://mail.contoso.com/EWS/Exchange.asmx", "exchangeServer": "EXCH01",
   "serviceAccount": {"upn": "alexaforbusiness@contoso.com"}, "accessMethod": "delegate"}
Missing keys take the extension's defaults.

Options:
${formatFlagHelp(FLAGS)}

Exit codes: 0 printed; 2 invalid input (unknown option, unreadable file, bad JSON, invalid setting).
`;

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

async function readConfigText(path: string, io: CliIo): Promise<{ ok: true; text: string; label: string } | { ok: false; error: string }> {
  if (path === '-') {
    if (!io.stdin) return { ok: false, error: 'no standard input to read the configuration from' };
    return { ok: true, text: await readAll(io.stdin), label: 'standard input' };
  }
  const read = await readTextFile(path);
  return read.ok ? { ok: true, text: read.text, label: path } : { ok: false, error: `cannot read the configuration file ${path}: ${read.reason}` };
}

function fail(io: CliIo, lines: readonly string[]): number {
  for (const line of lines) io.stderr.write(`exchange-setup snippets: ${line}\n`);
  return EXIT_USAGE;
}

export async function runSnippets(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (!args.ok) return fail(io, [args.error, 'run "exchange-setup snippets --help" for usage']);
  if (booleanFlag(args, 'help')) {
    io.stdout.write(SNIPPETS_HELP);
    return EXIT_OK;
  }
  const configPath = stringFlag(args, 'config');
  if (configPath === undefined) return fail(io, ['--config FILE is required', 'run "exchange-setup snippets --help" for usage']);
  const source = await readConfigText(configPath, io);
  if (!source.ok) return fail(io, [source.error]);
  let raw: unknown;
  try {
    raw = JSON.parse(source.text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    return fail(io, [`${source.label} is not valid JSON: ${errorText(error)}`]);
  }
  const reading = readSettingsObject(raw, source.label);
  const problems = [...reading.unknownKeys.map((k) => k.message), ...reading.issues.map((i) => i.message)];
  if (problems.length > 0) return fail(io, problems);

  if (booleanFlag(args, 'json')) {
    const steps = runbookSteps(reading.settings);
    if (!steps.ok) return fail(io, steps.issues.map((i) => i.message));
    io.stdout.write(`${JSON.stringify({ steps: steps.steps }, null, 2)}\n`);
    return EXIT_OK;
  }
  const runbook = renderRunbook(reading.settings);
  if (!runbook.ok) return fail(io, runbook.issues.map((i) => i.message));
  io.stdout.write(runbook.text);
  return EXIT_OK;
}

export const snippetsCommand: Subcommand = {
  name: 'snippets',
  summary: 'print the Exchange Management Shell runbook for a settings file',
  run: runSnippets,
};
