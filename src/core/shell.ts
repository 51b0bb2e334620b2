/**
 * Which shell the "Exchange Management Shell" terminal starts, and with which arguments. VS Code injects
 * shell integration into PowerShell only when the arguments are empty or `-NoLogo`, so nothing else is
 * ever passed.
 */
export interface ShellLaunch {
  readonly shellPath: string;
  readonly shellArgs: readonly string[];
}

export function shellLaunch(configuredPath: string, platform: NodeJS.Platform): ShellLaunch {
  const shellPath = configuredPath.trim() !== '' ? configuredPath.trim() : platform === 'win32' ? 'powershell.exe' : 'pwsh';
  const base = shellPath.split(/[\\/]/).pop() ?? shellPath;
  const isPowerShell = /^(pwsh|powershell)(\.exe)?$/i.test(base);
  return { shellPath, shellArgs: isPowerShell ? ['-NoLogo'] : [] };
}

/**
 * Keys sent before an inserted line so that it replaces whatever is already typed at the prompt
 * (otherwise a half-typed rollback and an inserted verification become one command line). PSReadLine
 * has no single key that clears the input in both of its default edit modes, so the sequence is built
 * from keys that clear in one mode and do nothing harmful in the other (Microsoft, about_PSReadLine_Functions,
 * learn.microsoft.com/powershell/module/psreadline/about/about_psreadline_functions; bindings as in
 * PSReadLine's KeyBindings.cs):
 *
 * 1. Ctrl+End (`ESC [1;5F`): Windows mode ForwardDeleteInput, deletes from the cursor to the end of the
 *    input; Emacs mode ScrollDisplayToCursor, moves no text.
 * 2. Ctrl+Home (`ESC [1;5H`): Windows mode BackwardDeleteInput, deletes from the start of the input to
 *    the cursor, so the input is now empty; Emacs mode ScrollDisplayTop, moves no text.
 * 3. Escape then r (`ESC r`, which a terminal may also deliver as Alt+r): Emacs mode RevertLine (bound to
 *    both Alt+r and the chord Escape,r), which reverts the whole input, every line of it; in Windows mode
 *    Escape is RevertLine on an already empty input and the r (or an unbound Alt+r) leaves at most one "r".
 * 4. Backspace (DEL, 0x7f): BackwardDeleteChar in both modes: removes that "r" in Windows mode, and does
 *    nothing on the empty Emacs-mode input.
 *
 * Vi mode is not covered (Escape leaves insert mode there). Bash's readline, which stands in for
 * PowerShell in the integration tests, reads the same keys as a no-op, a no-op, revert-line (M-r)
 * and backward-delete-char, so it clears too.
 */
export const CLEAR_PROMPT_INPUT = '\u001b[1;5F\u001b[1;5H\u001br\u007f';

/** What is typed into the terminal to put `line` on an empty prompt (nothing presses Enter). */
export function promptInsertion(line: string): string {
  if (/[\r\n]/.test(line)) throw new Error('Only a single line can be inserted at a prompt.');
  return `${CLEAR_PROMPT_INPUT}${line}`;
}
