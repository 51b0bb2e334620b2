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

/**
 * A model of the PSReadLine default bindings that CLEAR_PROMPT_INPUT relies on (about_PSReadLine_Functions;
 * KeyBindings.cs), enough to check the sequence at every cursor position in both edit modes, and with
 * ESC r delivered either as two keys or as Alt+r (ConPTY and .NET both do the latter when the bytes
 * arrive together).
 */
type Key = 'Ctrl+End' | 'Ctrl+Home' | 'Escape' | 'Alt+r' | 'Backspace' | { char: string };

const NAMED_KEYS: [string, Key][] = [['\u001b[1;5F', 'Ctrl+End'], ['\u001b[1;5H', 'Ctrl+Home'], ['\u007f', 'Backspace']];

function decode(text: string, escapeRAsAlt: boolean): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < text.length) {
    const named = NAMED_KEYS.find(([bytes]) => text.startsWith(bytes, i));
    if (named) {
      keys.push(named[1]);
      i += named[0].length;
    } else if (escapeRAsAlt && text.startsWith('\u001br', i)) {
      keys.push('Alt+r');
      i += 2;
    } else {
      keys.push(text[i] === '\u001b' ? 'Escape' : { char: text[i] });
      i += 1;
    }
  }
  return keys;
}

function typeInto(mode: 'Windows' | 'Emacs', before: string, cursor: number, keys: Key[]): string {
  let buffer = before;
  let at = cursor;
  let inEscapeChord = false;
  const insert = (c: string): void => {
    buffer = buffer.slice(0, at) + c + buffer.slice(at);
    at++;
  };
  // RevertLine undoes every edit since the prompt appeared: the input is back to empty.
  const revert = (): void => {
    buffer = '';
    at = 0;
  };
  for (const key of keys) {
    if (inEscapeChord) {
      inEscapeChord = false;
      if (typeof key === 'object' && key.char === 'r') revert(); // Escape,r; any other second key is ignored
      continue;
    }
    if (typeof key === 'object') {
      insert(key.char);
      continue;
    }
    switch (key) {
      case 'Ctrl+End': // Windows: ForwardDeleteInput; Emacs: ScrollDisplayToCursor
        if (mode === 'Windows') buffer = buffer.slice(0, at);
        break;
      case 'Ctrl+Home': // Windows: BackwardDeleteInput; Emacs: ScrollDisplayTop
        if (mode === 'Windows') {
          buffer = buffer.slice(at);
          at = 0;
        }
        break;
      case 'Escape': // Windows: RevertLine; Emacs: first key of a chord
        if (mode === 'Windows') revert();
        else inEscapeChord = true;
        break;
      case 'Alt+r': // Emacs: RevertLine; Windows: unbound, so SelfInsert
        if (mode === 'Emacs') revert();
        else insert('r');
        break;
      case 'Backspace': // BackwardDeleteChar in both
        if (at > 0) {
          buffer = buffer.slice(0, at - 1) + buffer.slice(at);
          at--;
        }
        break;
    }
  }
  return buffer;
}

describe('CLEAR_PROMPT_INPUT against the PSReadLine default bindings (model)', () => {
  it('leaves only the inserted line, at every cursor position, in Windows and Emacs mode, ESC r as two keys or as Alt+r', () => {
    const typed = "Remove-ManagementScope 'Alexa'";
    for (const mode of ['Windows', 'Emacs'] as const) {
      for (const asAlt of [false, true]) {
        for (let cursor = 0; cursor <= typed.length; cursor++) {
          assert.equal(typeInto(mode, typed, cursor, decode(promptInsertion('Get-Mailbox'), asAlt)), 'Get-Mailbox', `${mode}, cursor ${cursor}, ESC r as ${asAlt ? 'Alt+r' : 'two keys'}`);
        }
      }
    }
  });

  it('needs every part: without the Backspace, or without Ctrl+End/Ctrl+Home, a mode is left with text', () => {
    const line = 'Get-Mailbox';
    const withoutBackspace = decode(`\u001b[1;5F\u001b[1;5H\u001br${line}`, true);
    assert.notEqual(typeInto('Windows', 'x', 1, withoutBackspace), line);
    const withoutCtrlKeys = decode(`\u001br\u007f${line}`, true);
    assert.notEqual(typeInto('Windows', 'old text', 3, withoutCtrlKeys), line);
  });
});
