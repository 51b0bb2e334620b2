import * as vscode from 'vscode';
import { promptInsertion, shellLaunch } from '../core/shell';
import type { Log } from './log';

export const TERMINAL_NAME = 'Exchange Management Shell';

export type RunOutcome =
  | { readonly kind: 'read'; readonly output: string; readonly exitCode: number | undefined }
  /** No shell integration: the command was put on the prompt for the admin to run instead. */
  | { readonly kind: 'inserted' };

/**
 * The one "Exchange Management Shell" terminal: created on first use with `exchangeSetup.powershellPath`,
 * reused while it lives. Inserting never runs anything; running uses shell integration and reads the
 * output back.
 */
export class ExchangeTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private createdAt = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly shellPath: () => string,
    private readonly log: Log,
    private readonly integrationWaitMs = 8000,
  ) {
    this.subscriptions.push(
      vscode.window.onDidCloseTerminal((t) => {
        if (t === this.terminal) this.terminal = undefined;
      }),
    );
  }

  /** The live terminal, created when needed. */
  get(): vscode.Terminal {
    if (this.terminal && this.terminal.exitStatus === undefined) return this.terminal;
    const launch = shellLaunch(this.shellPath(), process.platform);
    this.log.info(`Starting terminal "${TERMINAL_NAME}": ${launch.shellPath} ${launch.shellArgs.join(' ')}`.trim());
    this.terminal = vscode.window.createTerminal({
      name: TERMINAL_NAME,
      shellPath: launch.shellPath,
      shellArgs: [...launch.shellArgs],
      iconPath: new vscode.ThemeIcon('terminal-powershell'),
    });
    this.createdAt = Date.now();
    return this.terminal;
  }

  show(): vscode.Terminal {
    const terminal = this.get();
    terminal.show(false);
    return terminal;
  }

  /**
   * Puts one line on the prompt without pressing Enter, in place of anything already typed there (see
   * CLEAR_PROMPT_INPUT for the PSReadLine keys that clear it). Text typed into a shell that has not drawn
   * its first prompt yet can be dropped, so a new terminal is given until its prompt appears (shell
   * integration reports it) or a few seconds.
   */
  async insert(line: string): Promise<void> {
    const text = promptInsertion(line);
    const terminal = this.show();
    const age = Date.now() - this.createdAt;
    if (!terminal.shellIntegration && age < this.integrationWaitMs) {
      await this.waitForShellIntegration(terminal, undefined, this.integrationWaitMs - age);
    }
    terminal.sendText(text, false);
  }

  /**
   * Runs one command line through shell integration and returns everything it printed (escape sequences
   * included; parsers strip them). Without shell integration, inserts the line instead.
   */
  async run(commandLine: string, timeoutMs: number, token?: vscode.CancellationToken): Promise<RunOutcome> {
    const terminal = this.show();
    const integration = await this.waitForShellIntegration(terminal, token);
    if (!integration) {
      this.log.warn('Shell integration is not active in the Exchange Management Shell terminal; the command was inserted instead of run.');
      terminal.sendText(promptInsertion(commandLine), false);
      return { kind: 'inserted' };
    }
    const execution = integration.executeCommand(commandLine);
    // read() only yields data from the moment it is first called: call it straight away.
    const stream = execution.read();
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.execution === execution) {
          listener.dispose();
          resolve(e.exitCode);
        }
      });
    });
    let output = '';
    const reading = (async () => {
      for await (const chunk of stream) {
        output += chunk;
        if (output.length > 4 * 1024 * 1024) throw new Error(vscode.l10n.t('The command printed more than 4 MiB; stopped reading.'));
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(vscode.l10n.t('The command did not finish within {0} s.', Math.round(timeoutMs / 1000)))), timeoutMs);
    });
    const cancelled = new Promise<never>((_, reject) => {
      token?.onCancellationRequested(() => reject(new vscode.CancellationError()));
    });
    try {
      await Promise.race([reading, timeout, cancelled]);
      const exitCode = await Promise.race([ended, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
      return { kind: 'read', output, exitCode };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async waitForShellIntegration(
    terminal: vscode.Terminal,
    token?: vscode.CancellationToken,
    waitMs = this.integrationWaitMs,
  ): Promise<vscode.TerminalShellIntegration | undefined> {
    if (terminal.shellIntegration) return terminal.shellIntegration;
    return new Promise((resolve) => {
      const done = (value: vscode.TerminalShellIntegration | undefined) => {
        clearTimeout(timer);
        listener.dispose();
        cancel?.dispose();
        resolve(value);
      };
      const listener = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal === terminal) done(e.shellIntegration);
      });
      const cancel = token?.onCancellationRequested(() => done(undefined));
      const timer = setTimeout(() => done(terminal.shellIntegration), waitMs);
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
