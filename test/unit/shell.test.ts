import * as assert from 'node:assert/strict';
import { CLEAR_PROMPT_INPUT, promptInsertion, shellLaunch } from '../../src/core/shell';

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

describe('promptInsertion (issue 13, item 5)', () => {
  it('clears the prompt input before the line: Ctrl+End, Ctrl+Home, Escape r, Backspace', () => {
    assert.equal(CLEAR_PROMPT_INPUT, '\u001b[1;5F\u001b[1;5H\u001br\u007f');
    assert.equal(promptInsertion("Get-Mailbox 'svc'"), `${CLEAR_PROMPT_INPUT}Get-Mailbox 'svc'`);
  });

  it('ends with Backspace, so the "r" a Windows-mode PSReadLine inserts is gone before the line starts', () => {
    const clear = promptInsertion('');
    assert.ok(clear.indexOf('\u001br') < clear.lastIndexOf('\u007f'));
    assert.equal(clear.split('\u007f').length - 1, 1, 'one Backspace: one "r" at most to remove');
  });

  it('refuses more than one line', () => {
    assert.throws(() => promptInsertion('a\nb'), /single line/);
    assert.throws(() => promptInsertion('a\rb'), /single line/);
  });
});
