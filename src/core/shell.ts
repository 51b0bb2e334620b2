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
