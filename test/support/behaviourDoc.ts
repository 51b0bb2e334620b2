// Reads docs/exchange-behaviour.md and lists what is wrong with it: missing rows, unsourced rows,
// pins to tests that do not exist. Pure (the test files are read through a function), so the unit
// test can show each failure on a small broken document as well as check the real one.

export const BEHAVIOUR_SECTIONS = [
  'Fake Exchange scenarios', 'Fake Exchange wire behaviour', 'Throttling', 'Verification rules', 'Procedure and snippets', 'EWS answers',
] as const;

export const BEHAVIOUR_HEADER = '| id | behaviour | Microsoft source (page, section) | field reports | pinned by |';
const COLUMNS = 5;

export interface BehaviourRow {
  readonly section: string;
  readonly line: number;
  /** The id without its backticks, e.g. "scenario:healthy". */
  readonly id: string;
  readonly cells: readonly string[];
}

export interface BehaviourDocInputs {
  readonly scenarios: readonly string[];
  readonly rules: readonly string[];
  readonly behaviours: readonly string[];
  /** The text of a file under the repository root, or undefined when there is none. */
  readonly readFile: (path: string) => string | undefined;
}

/** Cells of a table line, with `\|` kept as a pipe inside a cell. */
function cellsOf(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|') || !trimmed.endsWith('|') || trimmed.endsWith('\\|')) return undefined;
  const cells: string[] = [];
  let current = '';
  for (let i = 1; i < trimmed.length; i++) {
    const char = trimmed[i];
    if (char === '\\' && trimmed[i + 1] === '|') {
      current += '|';
      i++;
    } else if (char === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  return cells;
}

export function parseBehaviourDoc(text: string): { rows: BehaviourRow[]; problems: string[]; tables: Map<string, number> } {
  const rows: BehaviourRow[] = [];
  const problems: string[] = [];
  const tables = new Map<string, number>();
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const number = index + 1;
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      section = heading[1].trim();
      tables.set(section, 0);
      return;
    }
    if (!line.trim().startsWith('|') || section === undefined) return;
    if (line.trim() === BEHAVIOUR_HEADER) {
      tables.set(section, (tables.get(section) ?? 0) + 1);
      return;
    }
    if (/^\|(\s*-+\s*\|)+$/.test(line.trim())) return;
    const cells = cellsOf(line);
    if (!cells || cells.length !== COLUMNS) {
      problems.push(`line ${number}: a row has ${cells?.length ?? 'no'} cells, not ${COLUMNS} (id, behaviour, source, field reports, pinned by)`);
      return;
    }
    const id = /^`((?:scenario|fake|rule|ews):[^`\s]+)`$/.exec(cells[0])?.[1];
    if (!id) {
      problems.push(`line ${number}: the id ${cells[0] || '(empty)'} is not a backticked scenario:, fake:, rule: or ews: id`);
      return;
    }
    rows.push({ section, line: number, id, cells });
  });
  return { rows, problems, tables };
}

/** it() titles of a test file: literal titles as written, template titles as patterns. */
function testTitles(source: string): { literal: Set<string>; templates: RegExp[]; raw: Set<string> } {
  const literal = new Set<string>();
  const templates: RegExp[] = [];
  const raw = new Set<string>();
  for (const match of source.matchAll(/\bit\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|`((?:\\.|[^`\\])*)`)/g)) {
    const quoted = match[1] ?? match[2];
    if (quoted !== undefined) {
      literal.add(quoted.replace(/\\(.)/g, '$1'));
      continue;
    }
    const template = match[3];
    raw.add(template);
    const pattern = template
      .split(/\$\{[^}]*\}/)
      .map((part) => part.replace(/\\(.)/g, '$1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+');
    templates.push(new RegExp(`^${pattern}$`));
  }
  return { literal, templates, raw };
}

const MICROSOFT_SOURCE = /learn\.microsoft\.com|docs\.microsoft\.com|\bMS-OX[A-Z]+\b/;

/** Every problem with the document, one line each; an empty list means it is complete and sound. */
export function checkBehaviourDoc(text: string, inputs: BehaviourDocInputs): string[] {
  const { rows, problems, tables } = parseBehaviourDoc(text);
  for (const name of BEHAVIOUR_SECTIONS) {
    const count = tables.get(name);
    if (count === undefined) problems.push(`the section "## ${name}" is missing`);
    else if (count !== 1) problems.push(`the section "## ${name}" has ${count} tables with the standard header, not one`);
  }
  const seen = new Map<string, number>();
  const titleCache = new Map<string, ReturnType<typeof testTitles> | undefined>();
  for (const row of rows) {
    const earlier = seen.get(row.id);
    if (earlier !== undefined) problems.push(`line ${row.line}: the id ${row.id} is already used on line ${earlier}`);
    else seen.set(row.id, row.line);

    const source = row.cells[2];
    if (source === '') problems.push(`line ${row.line}: ${row.id} has no Microsoft source (name the page, or start with ASSUMPTION:)`);
    else if (!source.startsWith('ASSUMPTION:') && !MICROSOFT_SOURCE.test(source)) {
      problems.push(`line ${row.line}: ${row.id}'s source names no Microsoft page (learn.microsoft.com, docs.microsoft.com or a Microsoft Open Specification, MS-OX*) and does not start with ASSUMPTION:`);
    }

    const pin = /^(test\/unit\/[\w.-]+\.test\.ts): "(.+)"$/.exec(row.cells[4]);
    if (!pin) {
      problems.push(`line ${row.line}: ${row.id}'s "pinned by" is not test/unit/<file>.test.ts: "<it() title>"`);
      continue;
    }
    const [, file, title] = pin;
    if (!titleCache.has(file)) {
      const content = inputs.readFile(file);
      titleCache.set(file, content === undefined ? undefined : testTitles(content));
    }
    const titles = titleCache.get(file);
    if (!titles) problems.push(`line ${row.line}: ${row.id} is pinned by ${file}, which does not exist`);
    else if (!titles.literal.has(title) && !titles.raw.has(title) && !titles.templates.some((t) => t.test(title))) {
      problems.push(`line ${row.line}: ${row.id} is pinned by "${title}", which is not an it() title in ${file}`);
    }
  }
  const expect = (prefix: string, ids: readonly string[], list: string) => {
    for (const id of ids) if (!seen.has(`${prefix}:${id}`)) problems.push(`${list} has ${id} but the document has no row \`${prefix}:${id}\``);
  };
  expect('scenario', inputs.scenarios, 'SCENARIO_NAMES');
  expect('rule', inputs.rules, 'VERIFICATION_RULE_IDS');
  expect('fake', inputs.behaviours, 'FAKE_BEHAVIOURS');
  return problems;
}
