/**
 * A throwaway CA and one leaf certificate for the made-up host names the fakes answer for
 * (contoso.test, *.contoso.test, ...), made with the system `openssl`. The code under test then
 * verifies real host names against a real chain, as it would in production, with the CA passed as
 * the extra CA (verification is never turned off).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeHostsPki {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Every name the fakes answer for. */
export const FAKE_HOST_NAMES = ['contoso.test', '*.contoso.test', 'fabrikam.test', '*.fabrikam.test', 'elsewhere.test', 'evil.test', 'localhost'];

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (error, _stdout, stderr) => (error ? reject(new Error(`openssl ${args[0]}: ${stderr || error.message}`)) : resolve()));
  });
}

async function generate(): Promise<FakeHostsPki> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-hosts-pki-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', '-new', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Link and Autodiscover Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    await openssl(['req', '-new', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=contoso.test'], dir);
    writeFileSync(join(dir, 'leaf.ext'), [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${[...FAKE_HOST_NAMES.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',')}`,
      '',
    ].join('\n'));
    await openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256',
      '-extfile', 'leaf.ext', '-out', 'leaf.pem'], dir);
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    return { caPem: read('ca.pem'), certPem: read('leaf.pem'), keyPem: read('leaf.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let cached: Promise<FakeHostsPki> | undefined;

/** Generated once per process. */
export function getFakeHostsPki(): Promise<FakeHostsPki> {
  cached ??= generate();
  return cached;
}
