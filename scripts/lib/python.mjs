// Runs one of the project's Python scripts with Debian's python3 (the one python3-exchangelib is
// installed for) in a minimal environment, and collects the JSON lines it prints.
import { spawn } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/**
 * Resolves with the exit code (null when killed), the standard error, and every stdout line that is a
 * JSON object, parsed. Killed after `timeoutMs`.
 */
export function runPythonJsonLines(script, args, env, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [script, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_PROXY: '*', no_proxy: '*', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const records = stdout.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      resolve({ code, stderr, records });
    });
  });
}
