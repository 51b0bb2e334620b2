/**
 * `autodiscover`: finds the EWS URL for an e-mail address with the same core as the panel's "Find my
 * EWS URL". Hosts outside the address's domain are never contacted unless named with
 * --trust-autodiscover-host (the panel asks in a modal dialog instead; a script cannot be asked).
 * When discovery is led to such a host, the command names it and the flag that would trust it.
 * The result is redacted inside the AutodiscoverRunner (the same run object as the panel's), and the
 * output guard redacts again and replaces control characters in server text, so a hostile answer can neither leak the password nor drive the terminal.
 */
import {
  DEFAULT_AUTODISCOVER_TIMEOUT_MS, ROUTE_WORDS, TRUST_WORDS, credentialRecipients, normaliseHost, trailLine,
  type AttemptRecord, type AutodiscoverOptions, type AutodiscoverResult, type HostQuestion, type HostTrust,
} from '../core/autodiscover';
import { AutodiscoverRunner } from '../core/runs/autodiscoverRun';
import { DEFAULT_SETTINGS } from '../core/settings';
import { validateSettings } from '../core/validate';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, booleanFlag, formatFlagHelp, listFlag, parseArgs, readTextFile, stringFlag, type CliIo, type FlagSpecs, type Subcommand } from './args';
import { promptHidden, withTerminal, type ProbeIo } from './probe';
import { guardOutput, terminalText } from './output';
import { EXIT_CANCELLED, ProgressLines, listenForInterrupt, progressWanted } from './progress';
import { autodiscoverProgressText } from '../core/pure/progress';

const TRUST_FLAG = 'trust-autodiscover-host';

const FLAGS: FlagSpecs = {
  email: { kind: 'string', valueName: 'SMTP', description: 'the address whose EWS URL is wanted, e.g. alice@contoso.com' },
  user: { kind: 'string', valueName: 'UPN', description: 'authenticate as this account (password from EWS_PASSWORD or a prompt); without it no credentials are sent' },
  [TRUST_FLAG]: { kind: 'list', valueName: 'HOST', description: 'also ask HOST, outside the address\'s domain, with the credentials; repeat for each host' },
  ca: { kind: 'string', valueName: 'FILE', description: 'extra CA certificates (PEM) trusted besides the public roots' },
  'timeout-ms': { kind: 'string', valueName: 'N', description: `time limit of each request in milliseconds (default ${DEFAULT_AUTODISCOVER_TIMEOUT_MS})` },
  json: { kind: 'boolean', description: 'print one JSON object instead of the trail' },
  progress: { kind: 'boolean', description: 'print "candidate k of n" lines on stderr even when it is not a terminal' },
  help: { kind: 'boolean', description: 'show this help' },
};

export const AUTODISCOVER_HELP = `Usage: exchange-setup autodiscover --email SMTP [--user UPN] [--${TRUST_FLAG} HOST]...
                                  [--ca FILE] [--timeout-ms N] [--json] [--progress]

Finds the EWS URL for an address the way Exchange clients do: https://<domain>, then
https://autodiscover.<domain>, then a credential-less plain-http request that may only redirect to
https, then the DNS SRV record _autodiscover._tcp.<domain>. Each attempt is printed, with whether
the credentials went along and why that host was trusted.

Only https hosts in the address's domain (or its subdomains) are asked. A host elsewhere, named by a
redirect, a redirectUrl or redirectAddr answer, or an SRV record, is not contacted unless you name it
with --${TRUST_FLAG}: an attacker who answers the plain-http request or spoofs DNS can
name any host with a valid certificate.

The password is read from the environment variable EWS_PASSWORD or, on a terminal, from a hidden
prompt. It is never accepted as an argument.

Options:
${formatFlagHelp(FLAGS)}

Each candidate is announced on stderr as it is tried ("candidate k of n") when stderr is a terminal,
or with --progress; never on stdout. Ctrl+C stops the run (exit code 130).

Exit codes: 0 an EWS URL was found; 1 none was found; 2 invalid input; 130 cancelled with Ctrl+C.
`;

/** What the tests replace to reach the loopback fakes; nothing else is injectable. */
export type AutodiscoverDeps = Pick<AutodiscoverOptions, 'transport' | 'httpGet' | 'resolveSrv'>;

const CLI_TRUST_WORDS: Record<HostTrust, string> = { ...TRUST_WORDS, listed: `named by --${TRUST_FLAG}` };

interface AutodiscoverRequest {
  email: string;
  user?: string;
  trustedHosts: string[];
  extraCaPem?: string;
  timeoutMs?: number;
  json: boolean;
  progress: boolean;
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`exchange-setup autodiscover: ${message}\nRun "exchange-setup autodiscover --help" for the options.\n`);
  return EXIT_USAGE;
}

/** Why a --trust-autodiscover-host value is not a host name (a DNS name, an IPv4 or a bracketed IPv6 address), if it is not. */
function hostProblem(host: string): string | undefined {
  const h = normaliseHost(host);
  const dnsName = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
  const ipv6 = /^[0-9a-f:.]+$/;
  if (dnsName.test(h) || (h.includes(':') && ipv6.test(h))) return undefined;
  return `--${TRUST_FLAG} ${JSON.stringify(host)} is not a host name: give the name only, without https:// or a path or port (e.g. autodiscover.contoso.com)`;
}

async function readRequest(argv: readonly string[]): Promise<AutodiscoverRequest | string> {
  if (argv.some((a) => /^--?(password|pass|pwd|p)(=|$)/i.test(a))) {
    return 'a password is never accepted on the command line (it would be kept in shell history and visible in process lists); set EWS_PASSWORD, or run in a terminal to be prompted';
  }
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) return parsed.error;
  const email = stringFlag(parsed, 'email');
  if (email === undefined) return '--email is required (the address whose EWS URL is wanted, e.g. alice@contoso.com)';
  const user = stringFlag(parsed, 'user');
  const settings = { ...DEFAULT_SETTINGS, testMailbox: email, serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: user ?? '' } };
  const fields = user === undefined ? ['testMailbox' as const] : ['testMailbox' as const, 'serviceAccount.upn' as const];
  const issues = validateSettings(settings, fields, fields);
  if (issues.length > 0) return issues.map((i) => `${i.field === 'testMailbox' ? '--email' : '--user'} ${i.problem} (example: ${i.example})`).join('\n');
  const trustedHosts = [...listFlag(parsed, TRUST_FLAG)];
  for (const host of trustedHosts) {
    const problem = hostProblem(host);
    if (problem) return problem;
  }
  const timeoutText = stringFlag(parsed, 'timeout-ms');
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    if (!/^\d+$/.test(timeoutText) || Number(timeoutText) <= 0) return '--timeout-ms must be a positive whole number of milliseconds';
    timeoutMs = Number(timeoutText);
  }
  let extraCaPem: string | undefined;
  const caPath = stringFlag(parsed, 'ca');
  if (caPath !== undefined) {
    const ca = await readTextFile(caPath);
    if (!ca.ok) return `--ca ${caPath}: cannot read it (${ca.reason})`;
    if (!ca.text.includes('-----BEGIN CERTIFICATE-----')) return `--ca ${caPath}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
    extraCaPem = ca.text;
  }
  return { email, user, trustedHosts, extraCaPem, timeoutMs, json: booleanFlag(parsed, 'json'), progress: booleanFlag(parsed, 'progress') };
}

function jsonAttempt(attempt: AttemptRecord): Record<string, unknown> {
  return {
    kind: attempt.kind,
    url: attempt.url,
    outcome: attempt.outcome,
    ...(attempt.status === undefined ? {} : { status: attempt.status }),
    ms: attempt.ms,
    credentialsSent: attempt.credentialsSent,
    ...(attempt.trust === undefined ? {} : { trust: attempt.trust }),
  };
}

function untrustedAdvice(untrusted: readonly HostQuestion[]): string[] {
  return untrusted.map((q) => `${q.host} (${ROUTE_WORDS[q.via]}) is outside ${q.domain} and was not contacted. If it serves your organisation's Autodiscover, run again with --${TRUST_FLAG} ${q.host}`);
}

/** Prints a result the AutodiscoverRunner already redacted. */
function report(result: AutodiscoverResult, untrusted: readonly HostQuestion[], request: AutodiscoverRequest, io: CliIo): void {
  const recipients = credentialRecipients(result.trail);
  if (request.json) {
    const doc = {
      ok: result.ok,
      ...(result.ok ? { ewsUrl: result.ewsUrl, protocol: result.protocol, email: result.email } : { reason: result.reason }),
      trail: result.trail.map((a) => jsonAttempt(a)),
      credentialsSentTo: recipients,
      untrustedHosts: untrusted.map((q) => ({ host: q.host, via: q.via })),
    };
    io.stdout.write(`${JSON.stringify(doc)}\n`);
    return;
  }
  const show = (text: string): string => terminalText(text);
  for (const attempt of result.trail) io.stdout.write(`${show(trailLine(attempt, CLI_TRUST_WORDS))}\n`);
  io.stdout.write(recipients.length === 0 ? 'Credentials were sent to no host.\n'
    : `Credentials were sent to: ${recipients.map((r) => `${r.host} (${CLI_TRUST_WORDS[r.trust]})`).join(', ')}\n`);
  if (result.ok) io.stdout.write(`EWS URL: ${show(result.ewsUrl)} (${result.protocol}, for ${show(result.email)})\n`);
  else io.stderr.write(`exchange-setup autodiscover: ${show(result.reason)}\n`);
  for (const line of untrustedAdvice(untrusted)) io.stderr.write(`exchange-setup autodiscover: ${show(line)}\n`);
}

export async function runAutodiscoverCommand(args: readonly string[], unguarded: ProbeIo, deps: AutodiscoverDeps = {}): Promise<number> {
  // Everything printed goes through the CLI's one output guard (redaction, then control characters made visible).
  const io = guardOutput(unguarded);
  io.addSecret(io.env.EWS_PASSWORD);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(AUTODISCOVER_HELP);
    return EXIT_OK;
  }
  const request = await readRequest(args);
  if (typeof request === 'string') return usage(io, request);
  let credentials: { user: string; password: string } | undefined;
  if (request.user !== undefined) {
    let password = io.env.EWS_PASSWORD;
    if (password === undefined || password === '') password = await promptHidden(io, `Password for ${request.user}: `);
    if (password === undefined || password === '') return usage(io, 'no password for --user: set the environment variable EWS_PASSWORD, or run in a terminal to be prompted');
    credentials = { user: request.user, password };
    io.addSecret(password, request.user);
  }
  // A script cannot be asked: a host nobody named is refused, and remembered so that the message names it.
  const untrusted: HostQuestion[] = [];
  // The same run object as the panel's "Find my EWS URL": it redacts the result before it is printed.
  const runner = new AutodiscoverRunner();
  const progress = new ProgressLines(io, 'exchange-setup autodiscover', progressWanted(request.progress, io));
  runner.onEvent((event) => { if (event.type === 'progress') progress.line(autodiscoverProgressText(event)); });
  let interrupted = false;
  const stopListening = listenForInterrupt(io, () => { interrupted = true; runner.cancel(); });
  try {
    const { result } = await runner.start({
      ...deps,
      email: request.email,
      credentials,
      extraCaPem: request.extraCaPem,
      requestTimeoutMs: request.timeoutMs,
      trustedHosts: request.trustedHosts,
      confirmHost: async (question) => {
        untrusted.push(question);
        return false;
      },
    }, CLI_TRUST_WORDS);
    report(result, untrusted, request, io);
    if (!result.ok && result.cancelled && interrupted) return EXIT_CANCELLED;
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  } finally {
    stopListening();
    runner.dispose();
  }
}

export const autodiscoverCommand: Subcommand = {
  name: 'autodiscover',
  summary: 'find the EWS URL for an address (Autodiscover), asking only hosts in its domain unless told otherwise',
  run: (argv, io) => runAutodiscoverCommand(argv, withTerminal(io)),
};
