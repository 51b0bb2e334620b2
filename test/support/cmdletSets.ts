/**
 * The rule of ../shared/exchange-cmdlets/README.md, applied to a parsed invocation: every parameter exists
 * in one parameter set of the cmdlet, all of them in the same set, none cloud-only, 2010/2013-only or
 * PowerShell 7-only, and every mandatory parameter of that set is given by name, by position or (after a
 * `|`) by pipeline input. Common parameters are valid everywhere; Confirm, WhatIf and DomainController
 * only where a set lists them (they are not in `_common`). A command the table lacks fails when its noun
 * looks like Exchange's, so a new Exchange cmdlet in a snippet cannot go unchecked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandInvocation } from './powershellParser';

export interface CmdletEntry {
  readonly source?: string;
  readonly module?: string;
  readonly sets: readonly (readonly string[])[];
  readonly setNames: readonly string[];
  readonly mandatory: Readonly<Record<string, readonly string[]>>;
  readonly positional?: Readonly<Record<string, readonly string[]>>;
  readonly switches?: readonly string[];
  readonly pipelineInput?: Readonly<Record<string, string>>;
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
  readonly cloudOnly?: readonly string[];
  readonly notIn2016_2019_SE?: readonly string[];
  readonly onlySomeTargetVersions?: Readonly<Record<string, readonly string[]>>;
  readonly cloudOnlySets?: readonly string[];
  readonly ps7Only?: readonly string[];
  readonly cloudOnlyCmdlet?: boolean;
}

export interface CmdletTable {
  readonly entries: ReadonlyMap<string, CmdletEntry>;
  readonly common: ReadonlySet<string>;
  readonly commonAliases: ReadonlyMap<string, string>;
  /** Where each entry came from (the shared table or the repository's supplement), for messages. */
  readonly origin: ReadonlyMap<string, string>;
}

/** The repository root, from out/test/support/ where the transpiled file runs. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const SHARED_TABLE = join(REPO_ROOT, '..', 'shared', 'exchange-cmdlets', 'cmdlets.json');
export const SUPPLEMENT_TABLE = join(REPO_ROOT, 'test', 'fixtures', 'exchange-cmdlets', 'supplement.json');

type RawTable = Record<string, unknown> & { _common?: string[]; _meta?: { commonParameterAliases?: Record<string, string> } };

/**
 * The shared table (beside the clone, as in CI) merged with the repository's supplement of cmdlets it
 * does not list yet; the shared table wins for a cmdlet both list.
 */
export function loadCmdletTable(sharedPath = SHARED_TABLE, supplementPath = SUPPLEMENT_TABLE): CmdletTable {
  if (!existsSync(sharedPath)) {
    throw new Error(`The cmdlet parameter-set table is missing: ${sharedPath}. It lives beside the repository (../shared/exchange-cmdlets/cmdlets.json, relative to the repository root); check out the shared folder next to the clone, as CI does.`);
  }
  const shared = JSON.parse(readFileSync(sharedPath, 'utf8')) as RawTable;
  const supplement = existsSync(supplementPath) ? (JSON.parse(readFileSync(supplementPath, 'utf8')) as RawTable) : {};
  const entries = new Map<string, CmdletEntry>();
  const origin = new Map<string, string>();
  for (const [table, label] of [[supplement, 'supplement'], [shared, 'shared']] as const) {
    for (const [name, entry] of Object.entries(table)) {
      if (name.startsWith('_')) continue;
      entries.set(name.toLowerCase(), entry as CmdletEntry);
      origin.set(name.toLowerCase(), label);
    }
  }
  const common = new Set((shared._common ?? []).map((p) => p.toLowerCase()));
  const commonAliases = new Map(Object.entries(shared._meta?.commonParameterAliases ?? {}).map(([alias, name]) => [alias.toLowerCase(), name.toLowerCase()]));
  return { entries, common, commonAliases, origin };
}

/**
 * Nouns that mark a command as Exchange's: the nouns of every Exchange entry in the table, and the
 * families of Exchange Server's own cmdlets (mailboxes, recipients, RBAC, virtual directories, servers,
 * certificates, groups, policies, transport, client access). Verb-Noun commands outside these (PowerShell's
 * own, IIS's WebAdministration) are not Exchange cmdlets and are not checked.
 */
const EXCHANGE_NOUN = /(Mailbox|Recipient|^Management|VirtualDirectory|^Exchange|DistributionGroup|UnifiedGroup|^AD(Permission|Site)|^Mail(User|Contact|PublicFolder)|^(Group|User|Contact|LinkedUser|SecurityPrincipal)$|OrganizationConfig|Throttling|Transport|AcceptedDomain|AddressList|AddressBook|ClientAccess|OwaMailboxPolicy|MobileDevice|RoleGroup|RoleAssignment|EmailAddressPolicy|RetentionPolic|Journal|Federat|Hybrid|AuthConfig|AuthServer|PartnerApplication|OAuth|Connector|ServerComponentState|DatabaseAvailabilityGroup|MessageTrack|Queue)/i;

export function looksLikeExchangeCmdlet(name: string, table: CmdletTable): boolean {
  const match = /^[A-Za-z]+-([A-Za-z]+)$/.exec(name);
  if (!match) return false;
  const noun = match[1];
  for (const [key, entry] of table.entries) if (entry.module === 'ExchangePowerShell' && key.split('-')[1] === noun.toLowerCase()) return true;
  return EXCHANGE_NOUN.test(noun);
}

interface ParsedArguments {
  /** Canonical parameter names given by name (lower case). */
  named: Set<string>;
  /** Arguments left for positional binding. */
  positional: number;
  problems: string[];
}

/** Every parameter name of the entry (lower case -> canonical), with its aliases. */
function parameterNames(entry: CmdletEntry): Map<string, string> {
  const names = new Map<string, string>();
  for (const set of entry.sets) for (const p of set) names.set(p.toLowerCase(), p);
  for (const p of entry.ps7Only ?? []) names.set(p.toLowerCase(), p);
  for (const [p, aliases] of Object.entries(entry.aliases ?? {})) for (const a of aliases) names.set(a.toLowerCase(), p);
  return names;
}

function bindElements(invocation: CommandInvocation, entry: CmdletEntry, table: CmdletTable): ParsedArguments {
  const names = parameterNames(entry);
  const switches = new Set((entry.switches ?? []).map((s) => s.toLowerCase()));
  const named = new Set<string>();
  const problems: string[] = [];
  let positional = 0;
  const elements = invocation.elements;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    if (element.kind === 'argument') {
      positional++;
      continue;
    }
    const written = element.name.toLowerCase();
    const canonical = names.get(written) ?? (table.common.has(written) ? written : table.commonAliases.get(written));
    if (canonical === undefined) {
      problems.push(`-${element.name} is not a parameter of ${invocation.name} (full names only; see ${entry.source ?? 'its Microsoft page'})`);
      continue;
    }
    const key = canonical.toLowerCase();
    if (named.has(key)) problems.push(`-${element.name} is given twice`);
    named.add(key);
    const isSwitch = switches.has(key) || ['confirm', 'whatif', 'verbose', 'debug'].includes(key);
    if (!isSwitch || element.colonBound) {
      const next = elements[i + 1];
      if (next === undefined || next.kind !== 'argument') {
        if (!isSwitch) problems.push(`-${element.name} has no value`);
      } else {
        i++;
      }
    }
  }
  return { named, positional, problems };
}

/** Every way `invocation` breaks the rule; empty when it fits one parameter set. */
export function checkInvocation(invocation: CommandInvocation, table: CmdletTable): string[] {
  const entry = table.entries.get(invocation.name.toLowerCase());
  if (!entry) {
    return looksLikeExchangeCmdlet(invocation.name, table)
      ? [`${invocation.name} looks like an Exchange cmdlet but is not in ../shared/exchange-cmdlets/cmdlets.json or test/fixtures/exchange-cmdlets/supplement.json: add its parameter sets from its Microsoft page`]
      : [];
  }
  if (entry.cloudOnlyCmdlet) return [`${invocation.name} exists only in Exchange Online`];
  const { named, positional, problems } = bindElements(invocation, entry, table);
  const lower = (list: readonly string[] | undefined) => new Set((list ?? []).map((p) => p.toLowerCase()));
  const cloudOnly = lower(entry.cloudOnly);
  const oldOnly = lower(entry.notIn2016_2019_SE);
  const ps7 = lower(entry.ps7Only);
  const someVersions = lower(Object.keys(entry.onlySomeTargetVersions ?? {}));
  for (const p of named) {
    if (cloudOnly.has(p)) problems.push(`-${p} is available only in Exchange Online`);
    if (oldOnly.has(p)) problems.push(`-${p} exists only in Exchange 2010/2013`);
    if (ps7.has(p)) problems.push(`-${p} exists only in PowerShell 7, not in Windows PowerShell 5.1 (the Exchange Management Shell)`);
    if (someVersions.has(p)) problems.push(`-${p} exists only in some of Exchange 2016, 2019 and SE`);
    if (p === 'progressaction') problems.push('-ProgressAction exists only in PowerShell 7');
  }
  if (problems.length > 0) return problems;
  const setSpecific = [...named].filter((p) => !table.common.has(p));
  const cloudSets = new Set(entry.cloudOnlySets ?? []);
  const pipeline = invocation.receivesPipeline ? lower(Object.keys(entry.pipelineInput ?? {})) : new Set<string>();
  const reasons: string[] = [];
  for (let s = 0; s < entry.sets.length; s++) {
    const setName = entry.setNames[s];
    if (cloudSets.has(setName)) continue;
    const members = lower(entry.sets[s]);
    const outside = setSpecific.filter((p) => !members.has(p));
    if (outside.length > 0) {
      reasons.push(`${setName}: ${outside.map((p) => `-${p}`).join(', ')} not in it`);
      continue;
    }
    const free = (entry.positional?.[setName] ?? []).filter((p) => !named.has(p.toLowerCase()));
    if (positional > free.length) {
      reasons.push(`${setName}: ${positional} positional argument(s), ${free.length} position(s) free`);
      continue;
    }
    const byPosition = new Set(free.slice(0, positional).map((p) => p.toLowerCase()));
    const missing = (entry.mandatory[setName] ?? []).filter((p) => {
      const key = p.toLowerCase();
      return !named.has(key) && !byPosition.has(key) && !pipeline.has(key);
    });
    if (missing.length > 0) {
      reasons.push(`${setName}: mandatory ${missing.map((p) => `-${p}`).join(', ')} not given`);
      continue;
    }
    return [];
  }
  return [`fits no parameter set of ${invocation.name} (${reasons.join('; ')})`];
}
