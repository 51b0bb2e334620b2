import * as assert from 'node:assert/strict';
import { shellLaunch } from '../../src/core/shell';

describe('shellLaunch', () => {
  it('defaults to Windows PowerShell on Windows and pwsh elsewhere, with -NoLogo only', () => {
    assert.deepEqual(shellLaunch('', 'win32'), { shellPath: 'powershell.exe', shellArgs: ['-NoLogo'] });
    assert.deepEqual(shellLaunch('  ', 'linux'), { shellPath: 'pwsh', shellArgs: ['-NoLogo'] });
  });
  it('passes -NoLogo to any PowerShell path and nothing to other shells', () => {
    assert.deepEqual(shellLaunch('C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'win32').shellArgs, ['-NoLogo']);
    assert.deepEqual(shellLaunch('/usr/bin/bash', 'linux').shellArgs, []);
  });
});
