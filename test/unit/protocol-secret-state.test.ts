// The password state the panel shows (SecretState in the protocol), from src/host/secrets.ts over a
// stand-in SecretStorage: a working keyring, and one that throws as VS Code's does when the OS
// keyring is locked or missing. secrets.ts imports `vscode` for types only, so it runs here.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { KeyringUnavailableError, SecretStore, passwordKey } from '../../src/host/secrets';

class MemorySecrets {
  readonly values = new Map<string, string>();
  broken = false;
  private check(): void {
    if (this.broken) throw new Error('Cannot create an item in a locked collection');
  }
  async get(key: string): Promise<string | undefined> { this.check(); return this.values.get(key); }
  async store(key: string, value: string): Promise<void> { this.check(); this.values.set(key, value); }
  async delete(key: string): Promise<void> { this.check(); this.values.delete(key); }
}

const URL_A = 'https://mail.contoso.com/EWS/Exchange.asmx';
const UPN = 'alexaforbusiness@contoso.com';

function storeOver(memory: MemorySecrets): SecretStore {
  return new SecretStore(memory as unknown as vscode.SecretStorage);
}

describe('password secret state', () => {
  it('keeps one password per EWS host and UPN', async () => {
    const memory = new MemorySecrets();
    const store = storeOver(memory);
    await store.storePassword(URL_A, UPN, 'first');
    await store.storePassword('https://mail.fabrikam.com/EWS/Exchange.asmx', UPN, 'second');
    assert.equal(await store.getPassword('https://MAIL.contoso.com/ews/exchange.asmx', UPN.toUpperCase()), 'first');
    assert.equal(memory.values.size, 2);
    assert.notEqual(passwordKey(URL_A, UPN), passwordKey(URL_A, 'other@contoso.com'));
  });

  it('says stored or missing, and forgets', async () => {
    const store = storeOver(new MemorySecrets());
    assert.deepEqual(await store.passwordState(URL_A, UPN), { kind: 'missing' });
    await store.storePassword(URL_A, UPN, 'pw');
    assert.deepEqual(await store.passwordState(URL_A, UPN), { kind: 'stored' });
    await store.forgetPassword(URL_A, UPN);
    assert.deepEqual(await store.passwordState(URL_A, UPN), { kind: 'missing' });
  });

  it('reports an unavailable keyring clearly and never stores the password anywhere else', async () => {
    const memory = new MemorySecrets();
    memory.broken = true;
    const store = storeOver(memory);
    const state = await store.passwordState(URL_A, UPN);
    assert.equal(state.kind, 'unavailable');
    assert.match(state.kind === 'unavailable' ? state.message : '', /keyring.*never stored anywhere else/s);
    await assert.rejects(store.storePassword(URL_A, UPN, 'Canary-123'), KeyringUnavailableError);
    assert.equal(memory.values.size, 0);
  });
});
