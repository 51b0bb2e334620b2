/**
 * Shell-injection checking shared by the property test (1,000 values per field, in the suite) and
 * the fuzzer (scripts/fuzz-snippets.mjs, 10,000 per field): hostile value generators, and one
 * checker that renders every output a value reaches (each step's action, verification, rollback and
 * prompt line (and dry run) for both methods with org-wide impersonation on and off, the runbook, and the CLI's
 * `snippets` output) and reports every way the value escaped its literal.
 *
 * A value escapes when an output does not parse, when the syntax tree differs from the one with a
 * harmless value, when a literal PowerShell would end early, when the value is not one literal (or
 * comment) equal to the input, or when a rejection does not name the field.
 */
import fc from 'fast-check';
import { UnsafeValueError } from '../../src/core/quote';
import { renderRunbook, runbookSteps } from '../../src/core/runbook';
import { DEFAULT_SETTINGS, getField, settingKey, type SetupSettings, type SettingField } from '../../src/core/settings';
import { fieldsUsedBy, opathText, renderScript, snippetForStep, toPromptLine } from '../../src/core/snippets';
import { SNIPPET_STEPS, type StepId } from '../../src/core/steps';
import { runSnippets } from '../../src/cli/snippets';
import { verbatimStringValue, type PowerShellAnalysis, type PowerShellParser } from './powershellParser';

/** Pieces an attacker (or a careless paste) would try, and characters from other scripts. */
export const NASTY_PIECES = [
  "'", '\u2018', '\u2019', '\u201A', '\u201B', "''", '"', '\u201C', '\u201D', '\u201E', '`', '`n', '`0', '$(', '$(Remove-Mailbox x)', '${', '${env:USERPROFILE}',
  '@(', '@(Get-Mailbox)', '@{', '$_', '$true', '$args', ';', '|', '||', '&', '&&', '>', '>>', '<', '2>&1', '*>', '3>$null', '#', '<#', '#>', '--%',
  '\n', '\r', '\r\n', '\0', '\u0085', '\u2028', '\u2029', '\u202E', '\u202A', '\u2066', '\u2067', '\u2068', '\u2069', '\u061C', '\u200E', '\u200F',
  '\t', '\u001b[31m', '\u009b', '\u00a0', '\u3000', '\ufeff', ' ', '-', '.', '..', '@', 'a', 'Z', '0', '9',
  '\u00e9', 'e\u0301', '\u0416', '\u0410\u043b\u0435\u043a\u0441\u0430', '\u4e2d', '\u65e5\u672c\u8a9e', '\u05d0', '\u0627', '\u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  '\ud83d\ude00', '\ud83d\udc69\u200d\ud83d\udcbb', '\ud800', '\udc00', '\\', '{', '}', '(', ')', '[', ']', ',', '%', '!', '=', '~', '^', '*', '+', '/', '?', '_',
];
const ATOM_PIECES = ["'", '`', '$', '{', '}', '|', '&', '#', '%', '!', '=', '~', '^', '*', '+', '/', '?', '_', '-', 'a', 'b', '7', '.'];

export const nastyString = fc.array(fc.constantFrom(...NASTY_PIECES), { minLength: 0, maxLength: 24 }).map((parts) => parts.join(''));
/** Values that pass the address/alias rules while carrying shell metacharacters. */
const atomString = fc.array(fc.constantFrom(...ATOM_PIECES), { minLength: 1, maxLength: 20 }).map((parts) => parts.join(''));
export const veryLong = fc.tuple(fc.constantFrom("'", 'a', '\u2019', '$(', '\u4e2d'), fc.constantFrom(63, 64, 65, 254, 255, 256, 1000, 1023, 1024, 1025, 1100, 5000))
  .map(([piece, n]) => piece.repeat(n).slice(0, n));
/** A plausible name with hostile pieces inside: what an attacker hides in a value that looks fine. */
const disguised = fc.tuple(fc.constantFrom('Alexa', 'Service', '\u0410\u043b\u0435\u043a\u0441\u0430', '\u65e5\u672c'), fc.array(fc.constantFrom(...NASTY_PIECES), { minLength: 1, maxLength: 3 }), fc.constantFrom('', ' Account', 'Scope'))
  .map(([head, middle, tail]) => `${head}${middle.join('')}${tail}`);

export function adversarial(field: SettingField): fc.Arbitrary<string> {
  const shaped: fc.Arbitrary<string>[] = [];
  if (field === 'serviceAccount.upn' || field === 'testMailbox' || field === 'testRoomMailbox') shaped.push(atomString.map((local) => `${local}@contoso.com`), fc.tuple(atomString, nastyString).map(([a, b]) => `${a}${b}@contoso.com`));
  if (field === 'serviceAccount.alias') shaped.push(atomString);
  if (field === 'ewsUrl') shaped.push(fc.tuple(nastyString, atomString).map(([a, b]) => `https://mail.contoso.com/EWS/${b}${a}`));
  if (field === 'exchangeServer') shaped.push(fc.stringMatching(/^[A-Za-z0-9-]{1,16}(\.[a-z0-9-]{1,5}){0,2}$/));
  // Distinguished names with hostile pieces inside the group's CN: they pass the DN check.
  if (field === 'access.limitToGroup') shaped.push(fc.tuple(nastyString, atomString).map(([a, b]) => `CN=${b}${a},OU=Groups,DC=contoso,DC=com`), atomString.map((cn) => `CN=${cn},DC=contoso,DC=com`));
  if (field === 'accessMethod') shaped.push(fc.constantFrom('impersonation', 'delegate', 'Impersonation', 'delegate;', "delegate'"));
  return fc.oneof(
    { arbitrary: nastyString, weight: 4 },
    { arbitrary: disguised, weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 1 },
    { arbitrary: veryLong, weight: 1 },
    ...shaped.map((arbitrary) => ({ arbitrary, weight: 4 })),
  );
}

/** Harmless values, each distinctive enough that a literal containing it can be told apart. */
export const BASELINE: SetupSettings = {
  ...DEFAULT_SETTINGS,
  exchangeServer: 'EXCHQ7',
  access: { limitToGroup: 'CN=GroupQ7,OU=Groups,DC=contoso,DC=com' },
  serviceAccount: { upn: 'svcq7@contoso.com', alias: 'aliasq7', displayName: 'Display Q7', organizationalUnit: 'contoso.com/Accounts Q7', existing: false },
  impersonation: { scopeName: 'Scope Q7', assignmentName: 'Assignment Q7', organizationWide: true, scopeCoversRooms: false },
  testMailbox: 'aliceq7@contoso.com',
  powershellPath: 'pwsh',
  tls: { extraCaFile: '/etc/ssl/q7.pem' },
};

/** Every combination of the switches that change what the snippets contain. */
export const VARIANTS: readonly SetupSettings[] = [
  ...(['impersonation', 'delegate'] as const).flatMap((accessMethod) =>
    [false, true].map((organizationWide) => ({ ...BASELINE, accessMethod, impersonation: { ...BASELINE.impersonation, organizationWide } }))),
  // The shortcut path: an existing account (check instead of create), with one scope over rooms and users.
  ...(['impersonation', 'delegate'] as const).map((accessMethod) => ({
    ...BASELINE, accessMethod, serviceAccount: { ...BASELINE.serviceAccount, existing: true }, impersonation: { ...BASELINE.impersonation, organizationWide: false, scopeCoversRooms: true },
  })),
];

export function withField(base: SetupSettings, field: SettingField, value: string | boolean): SetupSettings {
  const copy: SetupSettings = { ...base, serviceAccount: { ...base.serviceAccount }, access: { ...base.access }, impersonation: { ...base.impersonation }, tls: { ...base.tls } };
  const [section, key] = field.split('.');
  if (key === undefined) (copy as unknown as Record<string, unknown>)[section] = value;
  else ((copy as unknown as Record<string, Record<string, unknown>>)[section])[key] = value;
  return copy;
}

/** Fields a snippet puts in a statement; ewsUrl only appears in the link step's comments. */
export const QUOTED_FIELDS: readonly SettingField[] = [
  'exchangeServer', 'serviceAccount.upn', 'serviceAccount.alias', 'serviceAccount.displayName',
  'serviceAccount.organizationalUnit', 'access.limitToGroup', 'impersonation.scopeName', 'impersonation.assignmentName', 'testMailbox',
];

/**
 * Fields whose value also sits inside an OPATH text value, where its apostrophes are doubled once more
 * (Microsoft's documented OPATH escape): there a literal may hold that form of the input instead.
 */
const OPATH_FIELDS: readonly SettingField[] = ['access.limitToGroup'];
export const COMMENT_FIELDS: readonly SettingField[] = ['ewsUrl'];
/** Fields only the New-Mailbox of the create step reads. */
const CREATE_ONLY_FIELDS: readonly SettingField[] = ['serviceAccount.alias', 'serviceAccount.displayName', 'serviceAccount.organizationalUnit'];

function stepsUsing(field: SettingField): StepId[] {
  return SNIPPET_STEPS.filter((id) => fieldsUsedBy(id).includes(field));
}

/** What one value produced in one output: rejected (with the problems of the rejection), or text. */
type Rendered = { kind: 'rejected'; problems: string[] } | { kind: 'text'; text: string };

function rejectionProblems(field: SettingField, issues: readonly { field: SettingField; message: string }[]): string[] {
  const problems: string[] = [];
  if (issues.length === 0) problems.push('rejected without saying why');
  for (const issue of issues) {
    if (issue.field !== field) problems.push(`rejected naming ${issue.field} instead of ${field}`);
    else if (!issue.message.startsWith(settingKey(field))) problems.push(`the rejection message does not start with ${settingKey(field)}: ${issue.message}`);
  }
  return problems;
}

function readsSwitches(id: StepId): boolean {
  const uses = fieldsUsedBy(id);
  return uses.includes('accessMethod') || uses.includes('impersonation.organizationWide')
    || uses.includes('serviceAccount.existing') || uses.includes('impersonation.scopeCoversRooms');
}

/** Every output of one settings object, by a stable name: step parts, prompt lines and the runbook. */
function renderOutputs(settings: SetupSettings, field: SettingField, steps: readonly StepId[], reuse?: ReadonlyMap<string, Rendered>, withRunbook = true): Map<string, Rendered> {
  const outputs = new Map<string, Rendered>();
  for (const id of steps) {
    // A step that reads none of the switches the variants differ in renders the same in every variant.
    if (reuse && !readsSwitches(id)) {
      for (const [name, output] of reuse) if (name === id || name.startsWith(`${id}.`)) outputs.set(name, output);
      continue;
    }
    let result;
    try {
      result = snippetForStep(id, settings);
    } catch (error) {
      outputs.set(id, error instanceof UnsafeValueError
        ? { kind: 'rejected', problems: error.field === field ? [] : [`UnsafeValueError names ${error.field} instead of ${field}`] }
        : { kind: 'rejected', problems: [`unexpected error ${String(error)}`] });
      continue;
    }
    if (!result.ok) {
      outputs.set(id, { kind: 'rejected', problems: rejectionProblems(field, result.issues) });
      continue;
    }
    for (const part of ['dryRun', 'action', 'verify', 'rollback'] as const) {
      const script = result.snippet[part];
      if (script) outputs.set(`${id}.${part}`, { kind: 'text', text: renderScript(script) });
    }
    // Prompt lines join the same statements with '; ', so joining is covered too.
    outputs.set(`${id}.prompt`, { kind: 'text', text: toPromptLine(result.snippet.action) });
  }
  if (!withRunbook) return outputs;
  const runbook = renderRunbook(settings);
  outputs.set('runbook', runbook.ok ? { kind: 'text', text: runbook.text } : { kind: 'rejected', problems: rejectionProblems(field, runbook.issues) });
  return outputs;
}

export interface FuzzOptions {
  /** Settings the value is put into, one at a time (default: every variant). */
  readonly variants?: readonly SetupSettings[];
  /** Only steps that read the field (default), or every step with a snippet. */
  readonly allSteps?: boolean;
}

export interface ValueVerdict {
  /** True when at least one output took the value (none rejected it everywhere). */
  readonly accepted: boolean;
  /** Every way the value escaped or was rejected badly; empty means safe. */
  readonly escapes: string[];
}

/** A trailing statement: the grammar rejects a comment-only program, which PowerShell accepts. */
const asProgram = (lines: readonly string[]): string => `${lines.join('\n')}\n$null`;

/**
 * Checks values of one field against every output. Baselines (the outputs with the harmless value,
 * and with an empty one) are rendered and parsed once; for each value only the lines that differ
 * from the baseline are parsed, since each line is a comment or a complete statement.
 */
export class SnippetFuzzChecker {
  private readonly variants: readonly SetupSettings[];
  private readonly steps: readonly StepId[];
  private readonly baselines = new Map<string, Map<string, Rendered>>();
  private readonly shapes = new Map<string, PowerShellAnalysis>();
  /** The runbook each variant rendered for the last value checked (undefined: refused), for the CLI comparison. */
  readonly lastRunbooks: (string | undefined)[] = [];

  constructor(private readonly parser: PowerShellParser, readonly field: SettingField, options: FuzzOptions = {}) {
    this.variants = options.variants ?? VARIANTS;
    this.steps = options.allSteps === false || options.allSteps === undefined ? stepsUsing(field) : SNIPPET_STEPS;
  }

  /** The harmless value for the field in a variant. */
  private baselineValue(variant: SetupSettings): string {
    return String(getField(variant, this.field));
  }

  private baseline(variantIndex: number, empty: boolean): Map<string, Rendered> {
    const key = `${variantIndex}:${empty ? 'empty' : 'set'}`;
    let outputs = this.baselines.get(key);
    if (!outputs) {
      const variant = this.variants[variantIndex];
      outputs = renderOutputs(empty ? withField(variant, this.field, '') : variant, this.field, this.steps);
      this.baselines.set(key, outputs);
    }
    return outputs;
  }

  private analysed(lines: readonly string[]): PowerShellAnalysis {
    const source = asProgram(lines);
    let analysis = this.shapes.get(source);
    if (!analysis) {
      analysis = this.parser.analyse(source);
      this.shapes.set(source, analysis);
    }
    return analysis;
  }

  /** Parse problems in the baselines themselves (must be none, or every comparison means little). */
  baselineProblems(): string[] {
    const problems: string[] = [];
    for (let v = 0; v < this.variants.length; v++) {
      for (const [name, output] of this.baseline(v, false)) {
        if (output.kind === 'rejected') problems.push(`variant ${v} ${name}: the harmless value was rejected`);
        else if (output.text !== '') for (const p of this.parser.analyse(asProgram(output.text.split('\n'))).problems) problems.push(`variant ${v} ${name}: ${p.kind} at ${p.line}:${p.column}`);
      }
    }
    return problems;
  }

  /**
   * Every step output of every variant, and the runbook of one variant (`runbookVariant`, by
   * default all; the fuzzer rotates it, since rendering four runbooks per value dominates its time).
   */
  check(value: string, runbookVariant?: number): ValueVerdict {
    const escapes: string[] = [];
    let accepted = false;
    // Changed line -> the same line with the harmless value. Lines repeat across variants and
    // outputs; each distinct one is parsed once.
    const changed = new Map<string, string>();
    const harmlessValues = new Set<string>();
    this.lastRunbooks.length = 0;
    let first: Map<string, Rendered> | undefined;
    for (let v = 0; v < this.variants.length; v++) {
      const variant = this.variants[v];
      harmlessValues.add(this.baselineValue(variant));
      const outputs = renderOutputs(withField(variant, this.field, value), this.field, this.steps, first, runbookVariant === undefined || runbookVariant === v);
      first ??= outputs;
      const runbook = outputs.get('runbook');
      this.lastRunbooks.push(runbook?.kind === 'text' ? runbook.text : undefined);
      const baseline = this.baseline(v, value === '');
      let changedHere = 0;
      for (const [name, output] of outputs) {
        if (output.kind === 'rejected') {
          escapes.push(...output.problems.map((p) => `${name}: ${p}`));
          continue;
        }
        // The runbook takes any value of a field its steps do not read; only a step's output says the value was taken.
        if (name !== 'runbook' || this.steps.length === 0) accepted = true;
        const before = baseline.get(name);
        if (!before || before.kind !== 'text') {
          escapes.push(`${name}: produced output where the harmless value produced none`);
          continue;
        }
        if (output.text === before.text) continue;
        const lines = output.text.split('\n');
        const baseLines = before.text.split('\n');
        if (lines.length !== baseLines.length) {
          escapes.push(`${name}: the value changed the number of lines`);
          continue;
        }
        for (let i = 0; i < lines.length; i++) {
          if (lines[i] === baseLines[i]) continue;
          changed.set(lines[i], baseLines[i]);
          changedHere++;
        }
      }
      const shownAnywhere = [...outputs].some(([name, o]) => name !== 'runbook' && o.kind === 'text');
      // An existing account is checked, not created: the fields only New-Mailbox takes are not shown for it.
      const unusedHere = variant.serviceAccount.existing && CREATE_ONLY_FIELDS.includes(this.field);
      if (value !== '' && !harmlessValues.has(value) && this.isShown() && shownAnywhere && changedHere === 0 && this.steps.length > 0 && !unusedHere) escapes.push(`variant ${v}: the value appears nowhere`);
    }
    if (escapes.length > 0 || changed.size === 0) return { accepted, escapes };
    if (harmlessValues.size !== 1) throw new Error('every variant must have the same harmless value for the field');
    return { accepted, escapes: this.compare([...changed.keys()], [...changed.values()], value, [...harmlessValues][0]) };
  }

  private isShown(): boolean {
    return QUOTED_FIELDS.includes(this.field) || COMMENT_FIELDS.includes(this.field);
  }

  private compare(lines: string[], baseLines: string[], value: string, harmless: string): string[] {
    const escapes: string[] = [];
    const expected = this.analysed(baseLines);
    const actual = this.parser.analyse(asProgram(lines));
    if (actual.problems.length > 0) return [`does not parse: ${actual.problems.map((p) => `${p.kind} ${JSON.stringify(p.text.slice(0, 40))}`).join('; ')}`];
    if (actual.shape !== expected.shape) return ['the value changed the structure of the script'];
    // Every literal must be ONE literal to PowerShell too (its tokenizer knows more quote characters).
    for (const literal of actual.verbatimStrings) if (verbatimStringValue(literal) === undefined) escapes.push(`PowerShell would end ${literal.slice(0, 60)} early`);
    const differingLiterals: [string, string][] = [];
    actual.verbatimStrings.forEach((literal, i) => { if (literal !== expected.verbatimStrings[i]) differingLiterals.push([expected.verbatimStrings[i], literal]); });
    const differingComments: [string, string][] = [];
    actual.comments.forEach((c, i) => { if (c !== expected.comments[i]) differingComments.push([expected.comments[i], c]); });
    let shown = 0;
    const forms = OPATH_FIELDS.includes(this.field) ? [value, opathText(value)] : [value];
    for (const [before, after] of differingLiterals) {
      const beforeValue = verbatimStringValue(before) ?? '';
      // split/join rather than replace: a value with `$&` in it must not be read as a pattern.
      const afterValue = verbatimStringValue(after);
      if (!forms.some((form) => afterValue === beforeValue.split(harmless).join(form))) escapes.push(`a literal is not the input: ${after.slice(0, 60)}`);
      else shown++;
    }
    for (const [, after] of differingComments) {
      if (!after.includes(value)) escapes.push(`a comment changed without showing the value: ${after.slice(0, 60)}`);
      else shown++;
    }
    if (value !== harmless && shown === 0) escapes.push('the value is in no literal or comment');
    // Outside the literals and comments, not one character may differ.
    if (actual.skeleton !== expected.skeleton) escapes.push('the value changed text outside its literal');
    return escapes;
  }
}

/** A CLI I/O that feeds `json` as the configuration on standard input and records what is printed. */
function cliIo(json: string): { io: Parameters<typeof runSnippets>[1]; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  async function* stdin(): AsyncGenerator<string> {
    yield json;
  }
  return {
    io: { stdout: { write: (t: string) => { stdout += t; } }, stderr: { write: (t: string) => { stderr += t; } }, env: {}, stdin: stdin() },
    out: () => stdout,
    err: () => stderr,
  };
}

/** The nested JSON object the CLI reads, with one field set to `value` (any JSON value). */
export function configJson(base: SetupSettings, field: SettingField, value: unknown): string {
  const settings: Record<string, unknown> = { ...base, serviceAccount: { ...base.serviceAccount }, access: { ...base.access }, impersonation: { ...base.impersonation }, tls: { ...base.tls } };
  const [section, key] = field.split('.');
  if (key === undefined) settings[section] = value;
  else (settings[section] as Record<string, unknown>)[key] = value;
  return JSON.stringify(settings);
}

/**
 * The CLI (`snippets --config -`, runbook and --json) with the value in the configuration: it must
 * print exactly what the library renders (which `SnippetFuzzChecker` checks), or exit 2 naming the
 * field. Non-string values must always be refused.
 */
export async function checkCliValue(base: SetupSettings, field: SettingField, value: unknown, mode: 'runbook' | 'json', expectedRunbook?: string): Promise<ValueVerdict> {
  const escapes: string[] = [];
  const settings = typeof value === typeof getField(base, field) ? withField(base, field, value as string | boolean) : undefined;
  const { io, out, err } = cliIo(configJson(base, field, value));
  const code = await runSnippets(['--config', '-', ...(mode === 'json' ? ['--json'] : [])], io);
  if (code === 0) {
    if (mode === 'runbook') {
      const expected = expectedRunbook ?? (settings ? renderRunbook(settings) : undefined);
      const text = typeof expected === 'string' ? expected : expected?.ok ? expected.text : undefined;
      if (text === undefined) escapes.push(`the CLI accepted ${JSON.stringify(value)?.slice(0, 60)}, which the library refuses`);
      else if (out() !== text) escapes.push('the CLI runbook differs from the checked one');
    } else {
      const steps = settings ? runbookSteps(settings) : undefined;
      if (!steps?.ok) escapes.push(`the CLI accepted ${JSON.stringify(value)?.slice(0, 60)}, which the library refuses`);
      else if (out() !== `${JSON.stringify({ steps: steps.steps }, null, 2)}\n`) escapes.push('the CLI --json output differs from the checked steps');
    }
  } else if (code !== 2) {
    escapes.push(`the CLI exited with ${code}`);
  } else if (!err().split('\n').filter((l) => l !== '').every((line) => line.startsWith(`exchange-setup snippets: ${settingKey(field)}`))) {
    escapes.push(`the CLI refused without naming ${settingKey(field)}: ${err().slice(0, 200)}`);
  }
  return { accepted: code === 0, escapes };
}

/** JSON values of the wrong type: a configuration file may hold anything. */
const WRONG_TYPES: readonly unknown[] = [null, 0, -1, 1e308, true, false, [], ['a'], {}, { value: "'; Remove-Mailbox x" }, "$(Remove-Mailbox x)"];

export interface FieldFuzzFigures {
  readonly field: SettingField;
  readonly tried: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly escapes: number;
  /** The first few escapes, each with the value that caused it. */
  readonly examples: string[];
  readonly ms: number;
}

/** Fixed hostile values first (every piece alone, and hidden in a plausible value), then generated ones. */
export function fuzzValues(field: SettingField, count: number, seed: number): string[] {
  // Huge values once each (validating them dominates the time; the generator goes up to 5,000).
  const huge = ["'".repeat(100_000), 'a'.repeat(100_000), `${'\u4e2d'.repeat(50_000)}$(x)`, `${'a'.repeat(1_000_000)}'; Remove-Mailbox x`];
  const fixed = [...new Set([...huge, ...NASTY_PIECES.flatMap((piece) => {
    const hidden = [piece, `Alexa${piece}Service`, `${piece}${piece}${piece}`];
    if (field === 'serviceAccount.upn' || field === 'testMailbox' || field === 'testRoomMailbox') hidden.push(`a${piece}b@contoso.com`, `ab@contoso.com${piece}`);
    if (field === 'ewsUrl') hidden.push(`https://mail.contoso.com/EWS/${piece}Exchange.asmx`);
    if (field === 'exchangeServer') hidden.push(`EXCH${piece}01`);
    if (field === 'access.limitToGroup') hidden.push(`CN=a${piece}b,OU=Groups,DC=contoso,DC=com`);
    return hidden;
  })])].slice(0, count);
  const generated = count > fixed.length ? fc.sample(adversarial(field), { numRuns: count - fixed.length, seed }) : [];
  return [...fixed, ...generated];
}

/**
 * `count` hostile values for one field through every output (library and CLI). String fields go
 * through the snippet checker; the boolean field only through the CLI, where any non-boolean must
 * be refused. A few values of the wrong JSON type go to the CLI for every field.
 */
export async function fuzzField(parser: PowerShellParser, field: SettingField, count: number, seed: number): Promise<FieldFuzzFigures> {
  const started = Date.now();
  const isBoolean = typeof getField(BASELINE, field) === 'boolean';
  const checker = isBoolean ? undefined : new SnippetFuzzChecker(parser, field, { variants: field === 'accessMethod' ? [BASELINE] : VARIANTS });
  const baselineProblems = checker?.baselineProblems() ?? [];
  let accepted = 0;
  let rejected = 0;
  let escapes = 0;
  const examples: string[] = baselineProblems.map((p) => `baseline: ${p}`);
  escapes += baselineProblems.length;
  const record = (value: unknown, verdict: ValueVerdict): void => {
    if (verdict.accepted) accepted++;
    else rejected++;
    if (verdict.escapes.length > 0) {
      escapes++;
      if (examples.length < 5) examples.push(`${JSON.stringify(value)?.slice(0, 120)}: ${verdict.escapes.slice(0, 3).join('; ')}`);
    }
  };
  const wrongTypes = WRONG_TYPES.filter((w) => typeof w !== (isBoolean ? 'boolean' : 'string'));
  const values = fuzzValues(field, count - wrongTypes.length, seed);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // The runbook (library and CLI) rotates through the variants, and the CLI between its two
    // outputs; the runbook the library just rendered and checked is what the CLI must print.
    const variantIndex = Math.floor(i / 2) % (checker === undefined || field === 'accessMethod' ? 1 : VARIANTS.length);
    // The access method's valid values are the variants themselves (they change every step).
    const library = checker && !(field === 'accessMethod' && (value === 'impersonation' || value === 'delegate')) ? checker.check(value, variantIndex) : undefined;
    const variant = field === 'accessMethod' || isBoolean ? BASELINE : VARIANTS[variantIndex];
    const mode = i % 2 === 0 ? 'runbook' : 'json';
    const cli = await checkCliValue(variant, field, value, mode, library && field !== 'accessMethod' ? checker?.lastRunbooks[variantIndex] : undefined);
    record(value, { accepted: (library?.accepted ?? false) || cli.accepted, escapes: [...(library?.escapes ?? []), ...cli.escapes.map((e) => `CLI: ${e}`)] });
  }
  for (const wrong of wrongTypes) {
    const verdict = await checkCliValue(BASELINE, field, wrong, 'runbook');
    record(wrong, verdict.accepted ? { accepted: true, escapes: [...verdict.escapes, `the CLI accepted a ${typeof wrong} for ${field}`] } : verdict);
  }
  return { field, tried: accepted + rejected, accepted, rejected, escapes, examples, ms: Date.now() - started };
}
