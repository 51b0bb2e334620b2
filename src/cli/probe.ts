/**
 * `probe`: runs the EWS probes against a server and prints a table, or one JSON object with
 * --json. A contract other tools rely on: exit 0 when nothing failed (warnings allowed), 1 when a
 * check failed, 2 for usage or configuration errors. The password comes from EWS_PASSWORD or a
 * hidden prompt on a terminal, never from an argument, and is never printed.
 */
import type { AccessMethod, SetupSettings } from '../core/settings';
import { ACCESS_METHODS, DEFAULT_SETTINGS } from '../core/settings';
import { settingDefault } from '../core/contributions/configuration';
import { isAccessMethod, validateSettings } from '../core/validate';
import { DEFAULT_MAILBOX_CONCURRENCY, MAX_MAILBOX_CONCURRENCY, parseMailboxList, readRecheckList } from '../core/ews/mailboxes';
import { loadProbeEngine } from '../core/ews/loadEngine';
import { MAILBOX_STATUS_WORDS, mailboxCountsText } from '../core/protocol';
import type { ProbeStatus } from '../core/ews/probes';
import { errorText } from '../core/errors';
import { checkNodeName } from '../core/ews/nodeNames';
import { STATUS_LABELS, countStatuses, type NodesFinding, type ProbeFinding } from '../core/report';
import { ProbeRunner, runReport, type NodeFinding, type ProbeRunResult } from '../core/runs/probeRun';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, booleanFlag, formatFlagHelp, listFlag, parseArgs, readTextFile, stringFlag, type CliIo, type FlagSpecs, type Subcommand } from './args';
import { STYLE, guardOutput, terminalText } from './output';
import { EXIT_CANCELLED, ProgressLines, listenForInterrupt, progressWanted, type InterruptIo } from './progress';
import { writeStepText } from '../core/pure/progress';

/** The panel's default time limit for a run (the settings table), in the flag's milliseconds. */
const DEFAULT_TIMEOUT_MS = settingDefault('probes.timeoutSeconds') * 1000;

const FLAGS: FlagSpecs = {
  url: { kind: 'string', valueName: 'URL', description: 'EWS URL, e.g. https://mail.contoso.com/EWS/Exchange.asmx' },
  user: { kind: 'string', valueName: 'UPN', description: 'service account UPN, e.g. alexaforbusiness@contoso.com' },
  mailbox: { kind: 'string', valueName: 'SMTP', description: 'test mailbox whose calendar is read, e.g. alice@contoso.com' },
  'room-mailbox': { kind: 'string', valueName: 'SMTP', description: 'also check access to and read a room mailbox, e.g. room101@contoso.com' },
  method: { kind: 'string', valueName: ACCESS_METHODS.join('|'), description: `access method (default ${DEFAULT_SETTINGS.accessMethod})` },
  write: { kind: 'boolean', description: 'also create and delete a test item in the test mailbox (sends no invitations; the deleted item stays in Recoverable Items until its retention ends)' },
  ca: { kind: 'string', valueName: 'FILE', description: 'extra CA certificates (PEM) trusted besides the public roots' },
  'timeout-ms': { kind: 'string', valueName: 'N', description: `time limit for the whole run in milliseconds (default ${DEFAULT_TIMEOUT_MS})` },
  mailboxes: { kind: 'string', valueName: 'FILE', description: 'also verify access to every mailbox in FILE (one SMTP address per line, # comments)' },
  recheck: { kind: 'string', valueName: 'REPORT', description: 'verify again only the mailboxes a previous run left not checked; REPORT is its --json output or an exported probe report' },
  concurrency: { kind: 'string', valueName: 'N', description: `parallel requests for --mailboxes or --recheck (default ${DEFAULT_MAILBOX_CONCURRENCY}, at most ${MAX_MAILBOX_CONCURRENCY})` },
  node: { kind: 'list', valueName: 'HOST_OR_ADDRESS', description: 'also probe this server behind the EWS name on its own (repeatable), e.g. exch02.contoso.com or 10.0.0.12' },
  'all-nodes': { kind: 'boolean', description: 'also probe every address the EWS host name resolves to, each on its own' },
  json: { kind: 'boolean', description: 'print the probe report (the JSON document the panel exports; schema docs/probe-report.schema.json) instead of the table' },
  progress: { kind: 'boolean', description: 'print progress lines (write test steps, mailbox counts and time left) on stderr even when it is not a terminal' },
  help: { kind: 'boolean', description: 'show this help' },
};

export const PROBE_HELP = `Usage: exchange-setup probe --url URL --user UPN --mailbox SMTP [--room-mailbox SMTP]
                           [--method impersonation|delegate] [--write] [--ca FILE] [--timeout-ms N]
                           [--mailboxes FILE | --recheck REPORT] [--concurrency N]
                           [--node HOST_OR_ADDRESS ... | --all-nodes] [--json] [--progress]

Checks, in order, DNS, TCP, TLS (protocol, names, trust, expiry), the authentication schemes EWS
offers, the service account's logon, the Exchange version, access to the test mailbox, and reads its
next 7 days of calendar; with --write it also creates and deletes a test item
(the deleted item goes to the mailbox's Recoverable Items, as every hard delete does). With
--room-mailbox it then checks access to that room mailbox and reads its calendar too (room.access,
room.read), so adding user access is seen not to break the room access meeting-room devices use.

The password is read from the environment variable EWS_PASSWORD or, on a terminal, from a hidden
prompt. It is never accepted as an argument.

Each mailbox of --mailboxes ends verified, denied (with the EWS code), not found, or not checked
(throttled past the time limit, timed out, or cancelled; the reason is given). Only denied and not
found are failures. To verify only the not-checked ones again, save the --json output and pass it
to --recheck, e.g.
  exchange-setup probe ... --mailboxes users.txt --json > run1.json
  exchange-setup probe ... --recheck run1.json
Raise --timeout-ms for long lists (Exchange allows about 27 requests at once per account).

With --node (repeatable) or --all-nodes, every server behind the EWS name is also probed on its
own: the connection goes to the node's address while the EWS host name stays the TLS server name
and the Host header, so each node's certificate and EWS virtual directory are checked as the
calendar service sees them. A node gets the service account's password only after it has proven
the EWS host's certificate. Each node gets the DNS, TCP, TLS, authentication, logon, version and
access checks; the summary names the nodes that differ and the fix for each. With --mailboxes the
mailboxes are then spread over the nodes, each result naming its node, at the same total number of
requests in flight (spreading does not raise Exchange's throttling limits; see the README).

Options:
${formatFlagHelp(FLAGS)}

Progress (the write test's step k of 4; mailboxes checked so far with an estimate of the time left)
goes to stderr when it is a terminal, or with --progress; never to stdout. Ctrl+C cancels the run:
the write test's probe item is still deleted (the command waits for it and says whether one was
left behind), --json prints the report so far with outcome "cancelled", and the exit code is 130.

Exit codes: 0 nothing failed (warnings allowed); 1 a check failed, or a mailbox was denied or not
found; 2 invalid input; 3 nothing failed but some mailboxes were not checked (use --recheck);
130 cancelled with Ctrl+C.
`;

export interface ProbeIo extends CliIo, InterruptIo {
  /** Whether stdout is a terminal: colours, and the password prompt. */
  readonly isTTY?: boolean;
}

/** The io with `isTTY` read from stdout (and stderr's), for the subcommands that colour output, prompt or show progress. */
export function withTerminal(io: CliIo & InterruptIo): ProbeIo {
  return { ...io, isTTY: (io.stdout as { isTTY?: boolean }).isTTY === true, stderrIsTTY: io.stderrIsTTY ?? (io.stderr as { isTTY?: boolean }).isTTY === true };
}

/** Nothing failed, but some mailboxes were not checked: a script must not read that as all verified. */
export const EXIT_INCOMPLETE = 3;

interface ProbeRequest {
  url: string;
  user: string;
  mailbox: string;
  roomMailbox?: string;
  method: AccessMethod;
  write: boolean;
  extraCaPem?: string;
  timeoutMs: number;
  mailboxes?: string[];
  concurrency: number;
  /** Nodes listed with --node, checked (host name or address). */
  nodes: string[];
  allNodes: boolean;
  json: boolean;
  progress: boolean;
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`exchange-setup probe: ${message}\nRun "exchange-setup probe --help" for the options.\n`);
  return EXIT_USAGE;
}

function positiveInteger(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

const FLAG_OF_FIELD: Record<string, string> = { ewsUrl: '--url', 'serviceAccount.upn': '--user', testMailbox: '--mailbox', testRoomMailbox: '--room-mailbox' };

/** Flags to a request, or a usage message naming the flag. */
async function readRequest(argv: readonly string[], io: ProbeIo): Promise<ProbeRequest | string> {
  const passwordArg = argv.find((a) => /^--?(password|pass|pwd|p)(=|$)/i.test(a));
  if (passwordArg) {
    return 'a password is never accepted on the command line (it would be kept in shell history and visible in process lists); set EWS_PASSWORD, or run in a terminal to be prompted';
  }
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) return parsed.error;
  const url = stringFlag(parsed, 'url');
  const user = stringFlag(parsed, 'user');
  const mailbox = stringFlag(parsed, 'mailbox');
  if (url === undefined) return '--url is required (the EWS URL, e.g. https://mail.contoso.com/EWS/Exchange.asmx)';
  if (user === undefined) return '--user is required (the service account UPN, e.g. alexaforbusiness@contoso.com)';
  if (mailbox === undefined) return '--mailbox is required (a test mailbox, e.g. alice@contoso.com)';
  const method = stringFlag(parsed, 'method') ?? DEFAULT_SETTINGS.accessMethod;
  if (!isAccessMethod(method)) return `--method must be ${ACCESS_METHODS.join(' or ')}, not "${method}"`;
  const roomMailbox = stringFlag(parsed, 'room-mailbox');
  const settings: SetupSettings = {
    ...DEFAULT_SETTINGS, ewsUrl: url, serviceAccount: { ...DEFAULT_SETTINGS.serviceAccount, upn: user }, testMailbox: mailbox, testRoomMailbox: roomMailbox ?? '', accessMethod: method,
  };
  const issues = validateSettings(settings, ['ewsUrl', 'serviceAccount.upn', 'testMailbox', 'testRoomMailbox'], roomMailbox === undefined ? ['serviceAccount.upn', 'testMailbox'] : ['serviceAccount.upn', 'testMailbox', 'testRoomMailbox']);
  if (issues.length > 0) return issues.map((i) => `${FLAG_OF_FIELD[i.field] ?? i.setting} ${i.problem} (example: ${i.example})`).join('\n');
  const timeoutMs = positiveInteger(stringFlag(parsed, 'timeout-ms'), DEFAULT_TIMEOUT_MS);
  if (timeoutMs === undefined) return '--timeout-ms must be a positive whole number of milliseconds';
  const concurrency = positiveInteger(stringFlag(parsed, 'concurrency'), DEFAULT_MAILBOX_CONCURRENCY);
  if (concurrency === undefined || concurrency > MAX_MAILBOX_CONCURRENCY) return `--concurrency must be a whole number from 1 to ${MAX_MAILBOX_CONCURRENCY}`;
  let extraCaPem: string | undefined;
  const caPath = stringFlag(parsed, 'ca');
  if (caPath !== undefined) {
    const ca = await readTextFile(caPath);
    if (!ca.ok) return `--ca ${caPath}: cannot read it (${ca.reason})`;
    if (!ca.text.includes('-----BEGIN CERTIFICATE-----')) return `--ca ${caPath}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
    extraCaPem = ca.text;
  }
  let mailboxes: string[] | undefined;
  const listPath = stringFlag(parsed, 'mailboxes');
  const recheckPath = stringFlag(parsed, 'recheck');
  if (listPath !== undefined && recheckPath !== undefined) return '--mailboxes and --recheck cannot be combined: --recheck takes its list from the previous run';
  if (recheckPath !== undefined) {
    const previous = await readTextFile(recheckPath);
    if (!previous.ok) return `--recheck ${recheckPath}: cannot read it (${previous.reason})`;
    const recheck = readRecheckList(previous.text);
    if (!recheck.ok) return `--recheck ${recheckPath}: ${recheck.reason}`;
    mailboxes = recheck.mailboxes;
  }
  if (listPath !== undefined) {
    const list = await readTextFile(listPath);
    if (!list.ok) return `--mailboxes ${listPath}: cannot read it (${list.reason})`;
    const parsedList = parseMailboxList(list.text);
    for (const problem of parsedList.problems) io.stderr.write(`exchange-setup probe: ${listPath}:${problem.line}: skipped "${problem.text}": ${problem.reason}\n`);
    mailboxes = parsedList.mailboxes;
  }
  const nodes: string[] = [];
  for (const node of listFlag(parsed, 'node')) {
    try {
      nodes.push(checkNodeName(node));
    } catch (err) {
      return `--node: ${errorText(err)}`;
    }
  }
  return {
    url, user, mailbox, ...(roomMailbox === undefined ? {} : { roomMailbox }), method, write: booleanFlag(parsed, 'write'), extraCaPem, timeoutMs, mailboxes, concurrency,
    nodes, allNodes: booleanFlag(parsed, 'all-nodes'), json: booleanFlag(parsed, 'json'), progress: booleanFlag(parsed, 'progress'),
  };
}

/** Reads a line from a terminal without echoing it. */
export async function promptHidden(io: ProbeIo, prompt: string): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!io.isTTY || !stdin.isTTY || typeof stdin.setRawMode !== 'function') return undefined;
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string | undefined>((resolvePassword) => {
      let typed = '';
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolvePassword(typed);
            return;
          }
          if (ch === '\u0003' || ch === '\u0004') {
            stdin.off('data', onData);
            resolvePassword(undefined);
            return;
          }
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

const STATUS_COLOUR: Record<ProbeStatus, string> = { pass: STYLE.green, warn: STYLE.yellow, fail: STYLE.red, skip: STYLE.dim };

// The table's text fields may come from the server (messages quote ResponseCodes, which only Microsoft's
// ResponseCodeType values should fill but a hostile server fills with anything; Location headers; event
// subjects; the version: "ResponseMessage", learn.microsoft.com/en-us/exchange/client-developer/
// web-service-reference/responsemessage): each goes through terminalText where it is placed.

export function formatCheckLine(check: ProbeFinding, colour: boolean): string {
  const label = STATUS_LABELS[check.status];
  const shown = colour ? `${STATUS_COLOUR[check.status]}${label}${STYLE.reset}` : label;
  const lines = [`${shown}  ${terminalText(check.id).padEnd(20)}  ${terminalText(check.message)}  (${check.ms} ms)`];
  if (check.remedy) lines.push(`      fix: ${terminalText(check.remedy.text)} [step ${check.remedy.step}]`);
  return lines.join('\n');
}

/** One event of the summary. Exchange may leave out an item's times or subject (a delegate with limited rights): say so instead of printing blanks. */
function eventLine(e: { start: string; end: string; subject: string }): string {
  return `  ${e.start ? terminalText(e.start) : '(no start time)'} - ${e.end ? terminalText(e.end) : '(no end time)'}  ${e.subject ? terminalText(e.subject) : '(no subject)'}`;
}

/** The lines after the table: the server, the events, the mailboxes and the verdict with the counts. */
export function formatSummary(run: Pick<ProbeRunResult, 'outcome' | 'checks' | 'server' | 'events' | 'roomEvents' | 'mailboxes' | 'durationMs'>): string {
  const lines: string[] = [];
  if (run.server) lines.push(`Server: ${terminalText(run.server.product)} (${terminalText(run.server.build)})`);
  if (run.events) {
    lines.push(run.events.length === 0 ? 'Upcoming events: none in the next 7 days' : 'Upcoming events (what the calendar service would read back):');
    for (const e of run.events) lines.push(eventLine(e));
  }
  if (run.roomEvents) {
    lines.push(run.roomEvents.length === 0 ? 'Upcoming events of the room: none in the next 7 days' : 'Upcoming events of the room:');
    for (const e of run.roomEvents) lines.push(eventLine(e));
  }
  if (run.mailboxes) {
    lines.push(`Mailboxes: ${mailboxCountsText(run.mailboxes)}`);
    for (const u of run.mailboxes.unverified) lines.push(`  ${terminalText(u.mailbox)}: ${MAILBOX_STATUS_WORDS[u.status]}${u.code === undefined ? '' : ` (${terminalText(u.code)})`}: ${terminalText(u.reason)}${u.node === undefined ? '' : ` [node ${terminalText(u.node)}]`}`);
    if (run.mailboxes.notChecked > 0) lines.push(`  ${run.mailboxes.notChecked} not checked: save this run with --json and pass it to --recheck to verify only those`);
  }
  const count = countStatuses(run.checks);
  const verdict = run.outcome !== 'passed' ? 'FAILED' : run.mailboxes && run.mailboxes.notChecked > 0 ? 'INCOMPLETE' : 'OK';
  lines.push(`${verdict}: ${count.pass} passed, ${count.warn} warnings, ${count.fail} failed, ${count.skip} skipped in ${run.durationMs} ms`);
  return lines.join('\n');
}

/**
 * Holds what arrives out of order until everything listed before it has arrived: `add` returns what can be
 * shown now, in the listed order. A name that is not listed (or listed and already shown) is shown at once.
 */
export class ListedOrder<T> {
  private readonly waiting = new Map<string, T>();
  private next = 0;

  constructor(private readonly order: readonly string[]) {}

  add(name: string, value: T): T[] {
    const position = this.order.indexOf(name, this.next);
    if (position < 0) return [value];
    this.waiting.set(name, value);
    const ready: T[] = [];
    while (this.next < this.order.length && this.waiting.has(this.order[this.next])) {
      const key = this.order[this.next];
      ready.push(this.waiting.get(key) as T);
      this.waiting.delete(key);
      this.next++;
    }
    return ready;
  }

  /** What is still held (a run cancelled before the blocks listed earlier came), in the listed order. */
  rest(): T[] {
    const held = this.order.filter((name) => this.waiting.has(name)).map((name) => this.waiting.get(name) as T);
    this.waiting.clear();
    this.next = this.order.length;
    return held;
  }
}

/**
 * One node's block of the table: its verdict, every failed check, and the warnings the run through
 * the EWS name did not already show (`shownWarnings`), each with its fix.
 */
export function formatNodeBlock(node: NodeFinding, colour: boolean, shownWarnings: ReadonlySet<string> = new Set()): string {
  const status: ProbeStatus = node.ok ? 'pass' : 'fail';
  const label = colour ? `${STATUS_COLOUR[status]}${STATUS_LABELS[status]}${STYLE.reset}` : STATUS_LABELS[status];
  const server = node.server ? `  ${terminalText(node.server.product)} (${terminalText(node.server.build)})` : '';
  const lines = [`${label}  node ${terminalText(node.label)}${server}`];
  for (const check of node.checks.filter((c) => c.status === 'fail' || (c.status === 'warn' && !shownWarnings.has(c.id)))) lines.push(`  ${formatCheckLine(check, colour).replace(/\n/g, '\n  ')}`);
  return lines.join('\n');
}

/** The nodes part of the summary: the sentence naming the odd nodes out, and per-node mailbox counts. */
export function formatNodesSummary(nodes: Pick<NodesFinding, 'summary'>, run: Pick<ProbeRunResult, 'mailboxes'>): string {
  const lines = [`Nodes: ${terminalText(nodes.summary)}`];
  for (const n of run.mailboxes?.byNode ?? []) lines.push(`  mailboxes through ${terminalText(n.node)}: ${mailboxCountsText(n)}`);
  return lines.join('\n');
}

/** The CLI's version for the report (package.json beside dist/, or at the repository root from out/). */
function cliVersion(): string {
  for (const path of [join(__dirname, '..', 'package.json'), join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const { name, version } = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
      if (name === 'exchange-calendar-setup' && typeof version === 'string') return `${version} (command line)`;
    } catch {
      // not here: try the next place
    }
  }
  return 'unknown (command line)';
}

export async function runProbeCommand(args: readonly string[], unguarded: ProbeIo): Promise<number> {
  const io = guardOutput(unguarded);
  io.addSecret(io.env.EWS_PASSWORD);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(PROBE_HELP);
    return EXIT_OK;
  }
  const request = await readRequest(args, io);
  if (typeof request === 'string') return usage(io, request);
  let password = io.env.EWS_PASSWORD;
  if (password === undefined || password === '') password = await promptHidden(io, `Password for ${request.user}: `);
  if (password === undefined || password === '') {
    return usage(io, 'no password: set the environment variable EWS_PASSWORD, or run in a terminal to be prompted');
  }
  io.addSecret(password, request.user);
  const colour = io.isTTY === true && !request.json && io.env.NO_COLOR === undefined;
  const runner = new ProbeRunner(() => loadProbeEngine().runProbes, undefined, () => loadProbeEngine());
  // The warnings the run through the EWS name showed: a node block repeats only the others.
  const shownWarnings = new Set<string>();
  // Node blocks come out in the listed order, as in the panel and the report, each as soon as those before it are out.
  let nodeBlocks = new ListedOrder<string>([]);
  if (!request.json) {
    runner.onEvent((event) => {
      if (event.type === 'check') {
        if (event.check.status === 'warn') shownWarnings.add(event.check.id);
        io.stdout.write(`${formatCheckLine(event.check, colour)}\n`);
      } else if (event.type === 'nodesStarted') {
        io.stdout.write(`\nNodes behind ${terminalText(event.host)} (${event.nodes.length}):\n`);
        nodeBlocks = new ListedOrder(event.nodes);
      } else if (event.type === 'node') {
        for (const block of nodeBlocks.add(event.node.node, formatNodeBlock(event.node, colour, shownWarnings))) io.stdout.write(`${block}\n`);
      }
    });
  }
  const progress = new ProgressLines(io, 'exchange-setup probe', progressWanted(request.progress, io));
  runner.onEvent((event) => {
    if (event.type === 'writeStep') progress.line(writeStepText(event.step));
    else if (event.type === 'mailboxProgress') progress.mailboxes(event);
  });
  let interrupted = false;
  const stopListening = listenForInterrupt(io, () => { interrupted = true; runner.cancel(); });
  try {
    const perNode = request.nodes.length > 0 || request.allNodes;
    const result = await runner.start({
      ewsUrl: request.url,
      upn: request.user,
      password,
      accessMethod: request.method,
      testMailbox: request.mailbox,
      testRoomMailbox: request.roomMailbox,
      extraCaPem: request.extraCaPem,
      timeoutMs: request.timeoutMs,
      write: request.write,
      mailboxes: request.mailboxes,
      concurrency: request.concurrency,
      ...(perNode ? { nodes: request.nodes, allNodes: request.allNodes } : {}),
    });
    // Blocks held for one listed earlier that never came (a cancel stops the nodes still running).
    if (!request.json) for (const block of nodeBlocks.rest()) io.stdout.write(`${block}\n`);
    if (result.outcome === 'cancelled') {
      io.stderr.write(`exchange-setup probe: cancelled (${result.summary})\n`);
      if (request.write) {
        // The write test's clean-up outlives the cancel: wait for it, and say when it left the item behind.
        // A second Ctrl+C stops waiting (instead of Node's default exit) and says what may be left.
        let leftBehind: string | undefined;
        const watch = runner.onEvent((event) => { if (event.type === 'leftBehind') leftBehind = event.message; });
        let stopWaiting: () => void = () => undefined;
        const givenUp = new Promise<'given up'>((resolve) => { stopWaiting = () => resolve('given up'); });
        // Listening before saying so: a Ctrl+C right after the line must not find Node's default handler.
        const stopListeningAgain = listenForInterrupt(io, () => stopWaiting());
        io.stderr.write('exchange-setup probe: waiting for the write test to delete its probe item (Ctrl+C again to stop waiting)\n');
        const ended = await Promise.race([runner.settled.then(() => 'settled' as const), givenUp]);
        stopListeningAgain();
        watch.dispose();
        if (ended === 'given up') {
          io.stderr.write(`exchange-setup probe: stopped waiting: an item whose subject starts "Exchange Calendar Setup probe" may be left in the calendar the write test used (${terminalText(request.mailbox)}); delete it by hand\n`);
        } else {
          io.stderr.write(`exchange-setup probe: ${leftBehind ?? 'no probe item was left behind'}\n`);
        }
      }
      // The report says so too: what completed before the cancel, outcome "cancelled".
      if (request.json) io.stdout.write(`${JSON.stringify(io.redactDeep(runReport(result, { generatedAt: new Date(), toolVersion: cliVersion(), secrets: [password] })))}\n`);
      return interrupted ? EXIT_CANCELLED : EXIT_FAILURE;
    }
    // main() reports it as an unexpected error, as before the run objects (the text is already redacted).
    if (result.outcome === 'error') throw new Error(result.summary);
    if (result.nodesError !== undefined) {
      io.stderr.write(`exchange-setup probe: ${result.nodesError}\n`);
      return EXIT_FAILURE;
    }
    const nodes = result.nodes;
    if (result.nodesLeftOut && !request.json) io.stdout.write(`Mailboxes not sent to ${terminalText(result.nodesLeftOut.join(', '))}: no proven certificate, so no credentials\n`);
    // The same document the panel exports; redacted string by string first, so that the guard's pass over the whole text finds nothing to cut.
    if (request.json) io.stdout.write(`${JSON.stringify(io.redactDeep(runReport(result, { generatedAt: new Date(), toolVersion: cliVersion(), secrets: [password] })))}\n`);
    else io.stdout.write(`\n${formatSummary(result)}${nodes ? `\n${formatNodesSummary(nodes, result)}` : ''}\n`);
    if (result.outcome !== 'passed') return EXIT_FAILURE;
    return result.mailboxes && result.mailboxes.notChecked > 0 ? EXIT_INCOMPLETE : EXIT_OK;
  } finally {
    stopListening();
    runner.dispose();
  }
}

export const probeCommand: Subcommand = {
  name: 'probe',
  summary: 'check EWS end to end: TLS, Basic auth, the service account, the version, access and the calendar',
  run: (argv, io) => runProbeCommand(argv, withTerminal(io)),
};
