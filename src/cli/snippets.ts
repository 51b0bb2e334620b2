/**
 * `snippets`: the runbook (or its steps as JSON) for a configuration file, validated with the same
 * rules as the extension. Invalid input exits with 2 and names the setting on stderr.
 */
import { renderRunbook, runbookSteps } from '../core/runbook';
import { EXIT_OK, EXIT_USAGE, booleanFlag, formatFlagHelp, parseArgs, readSettingsFile, stringFlag, type CliIo, type FlagSpecs, type Subcommand } from './args';

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
  const reading = await readSettingsFile(configPath, io);
  if (!reading.ok) return fail(io, reading.problems);

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
