import * as vscode from 'vscode';

/** The single log of the extension: one LogOutputChannel, "Exchange Setup". */
export type Log = vscode.LogOutputChannel;

export function createLog(context: vscode.ExtensionContext): Log {
  const log = vscode.window.createOutputChannel('Exchange Setup', { log: true });
  context.subscriptions.push(log);
  return log;
}
