// The one test PKI of the project, made with the system `openssl` (OpenSSL 3.0): for the fake
// Exchange server, the hostile servers, and the Autodiscover and link fakes (the made-up host
// names they answer for). The code under test verifies real host names against a real chain, as
// in production, with the root passed as the extra CA (verification is never turned off).
//
// One root CA, one intermediate, and leaf certificates for every TLS scenario. `openssl ca` is used for
// signing because it is the only OpenSSL 3.0 command that accepts explicit past start and end dates
// (needed for the expired leaf). EC P-256 keys keep generation well under a second.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the server presents for one TLS variant. */
export interface ServerCredentials {
  /** Leaf certificate followed by whatever chain the server sends, PEM. */
  readonly certChainPem: string;
  readonly keyPem: string;
}

export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  /** Leaf for localhost + 127.0.0.1, sent with the intermediate. */
  readonly healthy: ServerCredentials;
  /** Leaf whose validity ended a year ago (CERT_HAS_EXPIRED). */
  readonly expired: ServerCredentials;
  /** Leaf valid for 10 more days: trusted, but a probe should warn. */
  readonly expiringSoon: ServerCredentials;
  /** Leaf for mail.fabrikam.com only (ERR_TLS_CERT_ALTNAME_INVALID). */
  readonly wrongHost: ServerCredentials;
  /** Self-signed leaf for localhost (DEPTH_ZERO_SELF_SIGNED_CERT). */
  readonly selfSigned: ServerCredentials;
  /** The healthy leaf without its intermediate (UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  readonly missingIntermediate: ServerCredentials;
  /** Leaf for every name in FAKE_HOST_NAMES and 127.0.0.1 (the Autodiscover and link fakes), sent with the intermediate. */
  readonly fakeHosts: ServerCredentials;
}

const LOCAL_SAN = 'DNS:localhost,IP:127.0.0.1';

/** Every name the Autodiscover and link fakes answer for (test/fakes/). */
export const FAKE_HOST_NAMES = ['contoso.test', '*.contoso.test', 'fabrikam.test', '*.fabrikam.test', 'elsewhere.test', 'evil.test', 'localhost'];

function runOpenssl(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, env: { ...process.env, ...env } }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args[0]} failed: ${stderr || error.message}`));
      else resolve();
    });
  });
}

/** `openssl ca` needs a config file; this one signs whatever it is given with the chosen extensions. */
function caConfig(dir: string): string {
  return [
    '[ ca ]',
    'default_ca = test_ca',
    '[ test_ca ]',
    `database = ${join(dir, 'index.txt')}`,
    `new_certs_dir = ${join(dir, 'issued')}`,
    `serial = ${join(dir, 'serial')}`,
    'default_md = sha256',
    'policy = policy_any',
    'unique_subject = no',
    'copy_extensions = none',
    'email_in_dn = no',
    '[ policy_any ]',
    'commonName = supplied',
    'organizationName = optional',
    '[ v3_intermediate ]',
    'basicConstraints = critical, CA:TRUE, pathlen:0',
    'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
    '[ v3_leaf ]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
    'subjectAltName = $ENV::LEAF_SAN',
    '',
  ].join('\n');
}

/** OpenSSL's ASN.1 GeneralizedTime form, e.g. 20250101000000Z. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

const DAY_MS = 24 * 60 * 60 * 1000;

async function newKeyAndCsr(dir: string, name: string, subject: string): Promise<void> {
  await runOpenssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
}

async function signWithCa(dir: string, opts: {
  name: string; issuer: string; extensions: 'v3_intermediate' | 'v3_leaf'; san?: string; notBefore: Date; notAfter: Date;
}): Promise<void> {
  await runOpenssl(['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', `${opts.issuer}.pem`, '-keyfile', `${opts.issuer}.key`,
    '-in', `${opts.name}.csr`, '-out', `${opts.name}.pem`, '-extensions', opts.extensions,
    '-startdate', asn1Time(opts.notBefore), '-enddate', asn1Time(opts.notAfter)], dir, { LEAF_SAN: opts.san ?? LOCAL_SAN });
}

async function generate(dir: string): Promise<TestPki> {
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), caConfig(dir));
  const now = Date.now();
  const daysFromNow = (days: number): Date => new Date(now + days * DAY_MS);

  await runOpenssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'root.key', '-out', 'root.pem', '-days', '3650', '-subj', '/O=Fake Exchange Tests/CN=Fake Exchange Test Root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  await newKeyAndCsr(dir, 'intermediate', '/O=Fake Exchange Tests/CN=Fake Exchange Test Issuing CA');
  await signWithCa(dir, { name: 'intermediate', issuer: 'root', extensions: 'v3_intermediate', notBefore: daysFromNow(-30), notAfter: daysFromNow(3000) });

  // Leaves one after another: `openssl ca` appends to one database and serial file.
  const leaves: ReadonlyArray<{ name: string; cn: string; san?: string; notBefore: Date; notAfter: Date }> = [
    { name: 'leaf-healthy', cn: 'localhost', notBefore: daysFromNow(-30), notAfter: daysFromNow(365) },
    { name: 'leaf-expired', cn: 'localhost', notBefore: daysFromNow(-400), notAfter: daysFromNow(-35) },
    { name: 'leaf-expiring', cn: 'localhost', notBefore: daysFromNow(-80), notAfter: daysFromNow(10) },
    { name: 'leaf-fabrikam', cn: 'mail.fabrikam.com', san: 'DNS:mail.fabrikam.com', notBefore: daysFromNow(-30), notAfter: daysFromNow(365) },
    {
      name: 'leaf-fake-hosts', cn: 'contoso.test', san: [...FAKE_HOST_NAMES.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(','),
      notBefore: daysFromNow(-30), notAfter: daysFromNow(365),
    },
  ];
  for (const leaf of leaves) {
    await newKeyAndCsr(dir, leaf.name, `/O=Fake Exchange Tests/CN=${leaf.cn}`);
    await signWithCa(dir, { ...leaf, issuer: 'intermediate', extensions: 'v3_leaf' });
  }
  await runOpenssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'leaf-selfsigned.key', '-out', 'leaf-selfsigned.pem', '-days', '365', '-subj', '/CN=localhost',
    '-addext', `subjectAltName=${LOCAL_SAN}`, '-addext', 'extendedKeyUsage=serverAuth'], dir);

  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const intermediatePem = read('intermediate.pem');
  const withIntermediate = (name: string): ServerCredentials => ({
    certChainPem: read(`${name}.pem`) + intermediatePem, keyPem: read(`${name}.key`),
  });
  const caPem = read('root.pem');
  return {
    dir,
    caFile: join(dir, 'root.pem'),
    caPem,
    healthy: withIntermediate('leaf-healthy'),
    expired: withIntermediate('leaf-expired'),
    expiringSoon: withIntermediate('leaf-expiring'),
    wrongHost: withIntermediate('leaf-fabrikam'),
    selfSigned: { certChainPem: read('leaf-selfsigned.pem'), keyPem: read('leaf-selfsigned.key') },
    missingIntermediate: { certChainPem: read('leaf-healthy.pem'), keyPem: read('leaf-healthy.key') },
    fakeHosts: withIntermediate('leaf-fake-hosts'),
  };
}

let pkiPromise: Promise<TestPki> | undefined;

/** The test PKI, generated once per process into a fresh temp dir and removed at exit. */
export function getTestPki(): Promise<TestPki> {
  if (!pkiPromise) {
    const dir = mkdtempSync(join(tmpdir(), 'fake-exchange-pki-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    pkiPromise = generate(dir);
    pkiPromise.catch(() => { pkiPromise = undefined; });
  }
  return pkiPromise;
}
