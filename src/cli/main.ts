/**
 * The command-line front end over the same core as the extension. Subcommands are listed in one
 * table; `main` takes its streams as arguments so tests run it in-process.
 */
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliIo, type Subcommand } from './args';
import { snippetsCommand } from './snippets';
import { probeCommand } from './probe';
import { autodiscoverCommand } from './autodiscover';
import { verifyCommand } from './verify';
import { oneLineErrorText } from '../core/errors';
import { guardOutput } from './output';

/** Every subcommand, in help order. */
export const SUBCOMMANDS: readonly Subcommand[] = [
  snippetsCommand,
  probeCommand,
  autodiscoverCommand,
  verifyCommand,
];

export function mainHelp(): string {
  const width = Math.max(...SUBCOMMANDS.map((c) => c.name.length));
  return `Usage: exchange-setup <command> [options]

Exchange Calendar Setup from the command line: the same snippets and checks as the VS Code extension.

Commands:
${SUBCOMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "exchange-setup <command> --help" for a command's options.
`;
}

export async function main(argv: readonly string[], unguarded: CliIo): Promise<number> {
  // Every byte printed from here on, by main or by a command, is redacted and made safe for a terminal.
  const io = guardOutput(unguarded);
  io.addSecret(io.env.EWS_PASSWORD);
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(mainHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return EXIT_OK;
  }
  const command = SUBCOMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`exchange-setup: unknown command "${name}". Commands: ${SUBCOMMANDS.map((c) => c.name).join(', ')}. Run "exchange-setup --help".\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`exchange-setup ${name}: unexpected error: ${oneLineErrorText(error)}\n`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin }).then((code) => {
    process.exitCode = code;
  });
}
