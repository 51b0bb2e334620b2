/**
 * The report of a probe run, for the admin's records or a support ticket: configuration, each check,
 * the server version and what to do about each failure. Markdown for people, JSON beside it for
 * tools, and a shortened text for the clipboard.
 *
 * Nothing secret may reach any of them. The run itself never contains the password, but a server can
 * echo anything back in a message, so every string is passed through the run's Redactor (redact.ts:
 * the password in any encoding, `user:password`, and any Authorization value whatever it holds).
 */
import * as l10n from './l10n';
import { REDACTED, createRedactor, redact } from './redact';
import type { AccessMethod } from './settings';
import { stepDefinition, type StepId } from './steps';
import { MAILBOX_STATUS_WORDS, mailboxCountsText, type CheckStatus, type CheckView, type EventView, type MailboxCountsView, type MailboxFailureView, type RemedyView, type RunOutcome, type ServerView } from './protocol';

/**
 * Version 2 added `ok` (what the CLI's --json always had), so that the CLI's --json and the panel's
 * export are one document. Fields are only ever added within a version; a removal or a change of
 * meaning raises it. The schema is docs/probe-report.schema.json.
 */
export const REPORT_FORMAT_VERSION = 2;
export { REDACTED, redact };

/**
 * Readable names of the probe ids, in run order, in the display language (./l10n.ts; English in the
 * CLI). Unknown ids are shown as they are.
 */
const checkNames = (): Record<string, string> => ({
  'net.dns': l10n.t('DNS resolves the EWS host'),
  'net.tcp': l10n.t('TCP connection to EWS'),
  'tls.handshake': l10n.t('TLS handshake'),
  'tls.name': l10n.t('Certificate covers the host name'),
  'tls.trust': l10n.t('Certificate chains to a public root'),
  'tls.expiry': l10n.t('Certificate dates'),
  'auth.schemes': l10n.t('Basic authentication offered'),
  'auth.login': l10n.t('Service account logs on'),
  'server.version': l10n.t('Exchange version'),
  'access.impersonation': l10n.t('Impersonation of the test mailbox'),
  'access.delegate': l10n.t('Delegate access to the test mailbox'),
  'calendar.read': l10n.t('Calendar readable'),
  'calendar.write': l10n.t('Calendar writable (create and delete)'),
  'room.access': l10n.t('Access to the test room mailbox'),
  'room.read': l10n.t('Room calendar readable'),
});

export function checkName(id: string): string {
  return checkNames()[id] ?? id;
}

/** A probe result as the engine gives it (structurally: src/core/ews/probes.ts ProbeResult). */
export interface ProbeFinding {
  id: string;
  status: CheckStatus;
  message: string;
  ms: number;
  remedy?: { step: StepId; text: string };
}

export function toCheckView(result: ProbeFinding): CheckView {
  const view: CheckView = { id: result.id, name: checkName(result.id), status: result.status, message: result.message, ms: result.ms };
  if (result.remedy) {
    const def = stepDefinition(result.remedy.step);
    const remedy: RemedyView = { step: def.id, stepTitle: def.title, text: result.remedy.text, hasSnippet: def.hasSnippet };
    view.remedy = remedy;
  }
  return view;
}

/**
 * An event read back the way a voice assistant says it: weekday, time and subject, in the admin's
 * time zone (the host's). An event without a subject is said as such rather than skipped.
 */
export function spokenEvent(event: { subject: string; start: string; end: string }, timeZone?: string): EventView {
  const start = new Date(event.start);
  const subject = event.subject.trim() === '' ? 'an event with no title' : event.subject;
  let spoken: string;
  if (Number.isNaN(start.getTime())) {
    spoken = `${subject}, at a time Exchange did not give`;
  } else {
    const day = start.toLocaleDateString('en-US', { weekday: 'long', month: 'long', day: 'numeric', timeZone });
    const time = start.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone });
    spoken = `On ${day} at ${time}: ${subject}.`;
  }
  return { subject: event.subject, start: event.start, end: event.end, spoken };
}

/**
 * The enrolled-mailbox verification: the four counts and every mailbox not verified. The same shape
 * as the CLI's --json `mailboxes`, so either can be given to `probe --recheck`.
 */
export interface MailboxesSection extends MailboxCountsView {
  unverified: MailboxFailureView[];
  /** Per-node mode: each node's counts, so a node that denies what the others allow stands out. */
  byNode?: ({ node: string } & MailboxCountsView)[];
}

/**
 * Per-node probes (issue 16): each server behind the EWS name, its checks, and how the odd ones out
 * differ. The same shape in the CLI's --json `nodes` and the exported report. Structurally
 * src/core/ews/nodes.ts NodesReport, with every check in the report's check form.
 */
export interface NodesSection {
  /** The EWS host name every node was asked as (TLS server name and Host header). */
  host: string;
  total: number;
  passing: number;
  /** "2 of 3 nodes pass; exch02 (10.0.0.12) does not offer Basic: ...", with the fix per server. */
  summary: string;
  nodes: { node: string; address?: string; label: string; ok: boolean; server?: { build: string; product: string }; checks: ReportDocument['checks'] }[];
  differing: { node: string; label: string; problems: string[]; failing: boolean; remedy?: { step: StepId; stepTitle: string; text: string } }[];
}

/** What the engine's NodesReport holds, structurally (no import of the engine here). */
export interface NodesFinding {
  host: string;
  total: number;
  passing: number;
  summary: string;
  nodes: readonly { node: string; address?: string; label: string; ok: boolean; server?: { build: string; product: string }; checks: readonly ProbeFinding[] }[];
  differing: readonly { node: string; label: string; problems: readonly string[]; failing: boolean; remedy?: { step: StepId; text: string } }[];
}

/** The nodes section with every string passed through `clean` (a redactor, or identity). */
export function toNodesSection(found: NodesFinding, clean: (text: string) => string = (t) => t): NodesSection {
  const check = (c: ProbeFinding): ReportDocument['checks'][number] => {
    const view = toCheckView(c);
    const entry: ReportDocument['checks'][number] = { id: clean(view.id), name: clean(view.name), status: view.status, message: clean(view.message), ms: view.ms };
    if (view.remedy) entry.remedy = { step: view.remedy.step, stepTitle: view.remedy.stepTitle, text: clean(view.remedy.text) };
    return entry;
  };
  return {
    host: clean(found.host), total: found.total, passing: found.passing, summary: clean(found.summary),
    nodes: found.nodes.map((n) => ({
      node: clean(n.node), ...(n.address ? { address: clean(n.address) } : {}), label: clean(n.label), ok: n.ok,
      ...(n.server ? { server: { build: clean(n.server.build), product: clean(n.server.product) } } : {}),
      checks: n.checks.map(check),
    })),
    differing: found.differing.map((d) => ({
      node: clean(d.node), label: clean(d.label), problems: d.problems.map(clean), failing: d.failing,
      ...(d.remedy ? { remedy: { step: d.remedy.step, stepTitle: stepDefinition(d.remedy.step).title, text: clean(d.remedy.text) } } : {}),
    })),
  };
}

export interface ReportConfiguration {
  ewsUrl: string;
  upn: string;
  testMailbox: string;
  /** The test room mailbox, when the run probed one (room.access, room.read). */
  testRoomMailbox?: string;
  accessMethod: AccessMethod;
  write: boolean;
}

export interface ReportInput {
  generatedAt: Date;
  /** The extension's version, or the CLI's. */
  toolVersion: string;
  configuration: ReportConfiguration;
  outcome: RunOutcome;
  checks: readonly ProbeFinding[];
  server?: ServerView;
  events?: readonly { subject: string; start: string; end: string }[];
  roomEvents?: readonly { subject: string; start: string; end: string }[];
  mailboxes?: MailboxesSection;
  /** Per-node probes, when the run probed the nodes behind the EWS name. */
  nodes?: NodesFinding;
  durationMs?: number;
  /** Every secret of the run (the password, an authorization header value); each is masked wherever it appears. */
  secrets: readonly string[];
}

export interface ReportDocument {
  format: 'exchange-calendar-setup/probe-report';
  version: typeof REPORT_FORMAT_VERSION;
  /** No check failed and no enrolled mailbox was denied or not found (outcome "passed"). */
  ok: boolean;
  generatedAt: string;
  toolVersion: string;
  configuration: ReportConfiguration;
  outcome: RunOutcome;
  server?: ServerView;
  checks: { id: string; name: string; status: CheckStatus; message: string; ms: number; remedy?: { step: StepId; stepTitle: string; text: string } }[];
  events?: { subject: string; start: string; end: string }[];
  roomEvents?: { subject: string; start: string; end: string }[];
  mailboxes?: MailboxesSection;
  nodes?: NodesSection;
  durationMs?: number;
}

/** The JSON report. Every string in it has been redacted. */
export function buildReport(input: ReportInput): ReportDocument {
  const redactor = createRedactor(input.secrets, input.configuration.upn);
  const clean = (text: string): string => redactor.text(text);
  const doc: ReportDocument = {
    format: 'exchange-calendar-setup/probe-report',
    version: REPORT_FORMAT_VERSION,
    ok: input.outcome === 'passed',
    generatedAt: input.generatedAt.toISOString(),
    toolVersion: clean(input.toolVersion),
    configuration: {
      ewsUrl: clean(input.configuration.ewsUrl),
      upn: clean(input.configuration.upn),
      testMailbox: clean(input.configuration.testMailbox),
      ...(input.configuration.testRoomMailbox ? { testRoomMailbox: clean(input.configuration.testRoomMailbox) } : {}),
      accessMethod: input.configuration.accessMethod,
      write: input.configuration.write,
    },
    outcome: input.outcome,
    checks: input.checks.map((c) => {
      const view = toCheckView(c);
      const entry: ReportDocument['checks'][number] = { id: clean(view.id), name: clean(view.name), status: view.status, message: clean(view.message), ms: view.ms };
      if (view.remedy) entry.remedy = { step: view.remedy.step, stepTitle: view.remedy.stepTitle, text: clean(view.remedy.text) };
      return entry;
    }),
  };
  if (input.server) doc.server = { build: clean(input.server.build), product: clean(input.server.product), supported: input.server.supported };
  if (input.events) doc.events = input.events.map((e) => ({ subject: clean(e.subject), start: e.start, end: e.end }));
  if (input.roomEvents) doc.roomEvents = input.roomEvents.map((e) => ({ subject: clean(e.subject), start: e.start, end: e.end }));
  if (input.mailboxes) {
    const { total, verified, denied, notFound, notChecked } = input.mailboxes;
    doc.mailboxes = {
      total, verified, denied, notFound, notChecked,
      unverified: input.mailboxes.unverified.map((u) => ({ mailbox: clean(u.mailbox), status: u.status, ...(u.code !== undefined ? { code: clean(u.code) } : {}), reason: clean(u.reason), ...(u.node !== undefined ? { node: clean(u.node) } : {}) })),
    };
    if (input.mailboxes.byNode) doc.mailboxes.byNode = input.mailboxes.byNode.map((n) => ({ ...n, node: clean(n.node) }));
  }
  if (input.nodes) doc.nodes = toNodesSection(input.nodes, clean);
  if (input.durationMs !== undefined) doc.durationMs = input.durationMs;
  return doc;
}

export function reportJson(input: ReportInput): string {
  return `${JSON.stringify(buildReport(input), null, 2)}\n`;
}

/** The one set of status labels: the report, the diagnostics and the CLI's table all use these. */
export const STATUS_LABELS: Readonly<Record<CheckStatus, string>> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** How many checks ended in each status: the one count the panel's summary and the CLI's verdict line read. */
export function countStatuses(checks: readonly { status: CheckStatus }[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) counts[check.status]++;
  return counts;
}

/** The one-line summary of a finished run ("2 of 12 checks failed, 1 with a warning, in 830 ms."). */
export function runSummaryText(checks: readonly { status: CheckStatus }[], ms: number): string {
  const counts = countStatuses(checks);
  const head = counts.fail > 0 ? `${counts.fail} of ${checks.length} checks failed` : `${checks.length} checks`;
  return `${head}${counts.warn > 0 ? `, ${counts.warn} with a warning` : ''}, in ${ms} ms.`;
}

const OUTCOME_WORDS: Record<RunOutcome, string> = {
  passed: 'all checks passed',
  failed: 'some checks failed',
  cancelled: 'cancelled before the end',
  error: 'stopped by an unexpected error',
};


/** Text inside a Markdown table cell: no line breaks, no cell separators, no HTML. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text in Markdown prose: nothing it contains can become a link, an image or HTML. */
function prose(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]<>!#|])/g, '\\$1');
}

export function reportMarkdown(input: ReportInput): string {
  const doc = buildReport(input);
  const lines: string[] = [
    '# Exchange Calendar Setup: probe report',
    '',
    `Generated ${doc.generatedAt} by Exchange Calendar Setup ${prose(doc.toolVersion)}. Result: **${OUTCOME_WORDS[doc.outcome]}**.`,
    '',
    '## Configuration',
    '',
    '| setting | value |',
    '|---|---|',
    `| EWS URL | ${cell(doc.configuration.ewsUrl)} |`,
    `| Service account | ${cell(doc.configuration.upn)} |`,
    `| Test mailbox | ${cell(doc.configuration.testMailbox)} |`,
    ...(doc.configuration.testRoomMailbox ? [`| Test room mailbox | ${cell(doc.configuration.testRoomMailbox)} |`] : []),
    `| Access method | ${doc.configuration.accessMethod} |`,
    `| Write test | ${doc.configuration.write ? 'on' : 'off'} |`,
    '',
    'The password is not part of this report.',
    '',
    '## Server',
    '',
    doc.server ? `${prose(doc.server.product)}, build ${prose(doc.server.build)}${doc.server.supported ? ' (supported)' : ' (out of support)'}.` : 'The server version was not read.',
    '',
    '## Checks',
    '',
    '| status | check | result | ms |',
    '|---|---|---|---|',
    ...doc.checks.map((c) => `| ${STATUS_LABELS[c.status]} | ${cell(c.name)} (\`${cell(c.id)}\`) | ${cell(c.message)} | ${c.ms} |`),
  ];
  const remedies = doc.checks.filter((c) => c.remedy && (c.status === 'fail' || c.status === 'warn'));
  if (remedies.length > 0) {
    lines.push('', '## What to do', '');
    for (const c of remedies) {
      const r = c.remedy as NonNullable<typeof c.remedy>;
      lines.push(`- **${prose(c.name)}**: ${prose(r.text)} Checklist step: *${prose(r.stepTitle)}* (\`${r.step}\`).`);
    }
  }
  if (doc.events) {
    lines.push('', '## Upcoming events of the test mailbox', '');
    if (doc.events.length === 0) lines.push('None in the next 7 days.');
    for (const e of doc.events) lines.push(`- ${prose(spokenEvent(e, 'UTC').spoken)} (UTC)`);
  }
  if (doc.roomEvents) {
    lines.push('', '## Upcoming events of the test room mailbox', '');
    if (doc.roomEvents.length === 0) lines.push('None in the next 7 days.');
    for (const e of doc.roomEvents) lines.push(`- ${prose(spokenEvent(e, 'UTC').spoken)} (UTC)`);
  }
  if (doc.mailboxes) {
    const m = doc.mailboxes;
    lines.push('', '## Enrolled mailboxes', '', `${mailboxCountsText(m)}. Only denied and not found are failures.`);
    for (const u of m.unverified) lines.push(`- ${prose(u.mailbox)}: ${MAILBOX_STATUS_WORDS[u.status]}${u.code !== undefined ? ` (${prose(u.code)})` : ''}: ${prose(u.reason)}${u.node !== undefined ? ` (node ${prose(u.node)})` : ''}`);
    for (const n of m.byNode ?? []) lines.push(`- Node ${prose(n.node)}: ${mailboxCountsText(n)}`);
    if (m.notChecked > 0) lines.push('', `To verify only the ${m.notChecked} not checked: "Verify not-checked again" in the Probe & Link panel, or \`exchange-setup probe --recheck\` with this report's JSON.`);
  }
  if (doc.nodes) {
    const n = doc.nodes;
    lines.push('', `## Nodes behind ${prose(n.host)}`, '', prose(n.summary), '', '| node | result | differs |', '|---|---|---|');
    for (const node of n.nodes) {
      const failed = node.checks.filter((c) => c.status === 'fail').map((c) => c.id).join(', ');
      const differs = n.differing.find((d) => d.node === node.node)?.problems.join('; ') ?? '';
      lines.push(`| ${cell(node.label)} | ${node.ok ? 'pass' : `FAIL (${cell(failed)})`}${node.server ? `, ${cell(node.server.product)} ${cell(node.server.build)}` : ''} | ${cell(differs)} |`);
    }
  }
  if (doc.durationMs !== undefined) lines.push('', `The run took ${doc.durationMs} ms.`);
  return `${lines.join('\n')}\n`;
}

/** The short form for the clipboard (a chat or a ticket): configuration, then one line per check that did not pass. */
export function diagnosticsText(input: ReportInput): string {
  const doc = buildReport(input);
  const notPassed = doc.checks.filter((c) => c.status !== 'pass');
  const lines = [
    `Exchange Calendar Setup ${doc.toolVersion} probe run ${doc.generatedAt}: ${OUTCOME_WORDS[doc.outcome]}`,
    `EWS ${doc.configuration.ewsUrl} as ${doc.configuration.upn}, test mailbox ${doc.configuration.testMailbox}${doc.configuration.testRoomMailbox ? `, test room mailbox ${doc.configuration.testRoomMailbox}` : ''}, ${doc.configuration.accessMethod}${doc.configuration.write ? ', write test' : ''}`,
    doc.server ? `Server: ${doc.server.product} ${doc.server.build}` : 'Server: version not read',
    `${countStatuses(doc.checks).pass} of ${doc.checks.length} checks passed`,
    ...notPassed.map((c) => `${STATUS_LABELS[c.status]} ${c.id}: ${c.message}${c.remedy ? ` -> ${c.remedy.step}` : ''}`),
  ];
  if (doc.mailboxes) lines.push(`Mailboxes: ${mailboxCountsText(doc.mailboxes)}`);
  // Per-node mode: the sentence naming the odd nodes out (with the fix per server) is the short form.
  if (doc.nodes) lines.push(`Nodes behind ${doc.nodes.host}: ${doc.nodes.summary}`);
  return `${lines.join('\n')}\n`;
}
