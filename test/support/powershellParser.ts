/**
 * PowerShell syntax without PowerShell: tree-sitter-powershell's wasm grammar through
 * web-tree-sitter. Only syntax is checked (a missing parameter value still parses).
 *
 * Known false positive of the grammar: a bare-word comma list as an argument
 * (`Select-Object Name,Alias`) is flagged; our snippets quote list items instead.
 */
import { setFlagsFromString } from 'node:v8';
import { join } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

export interface SyntaxProblem {
  readonly kind: 'ERROR' | 'MISSING';
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

export interface PowerShellParser {
  /** Every ERROR and MISSING node, empty when the source parses cleanly. */
  syntaxProblems(source: string): SyntaxProblem[];
  /** The text of every single-quoted (verbatim) string literal, in source order. */
  verbatimStrings(source: string): string[];
  /** The node types of the whole tree, nested, without any text: two sources with the same shape differ only inside tokens. */
  shape(source: string): string;
  /** All three from one parse (the property tests parse thousands of sources). */
  analyse(source: string): PowerShellAnalysis;
  /** Every command invocation, nested ones (in script blocks, sub-expressions) included; comments hold none. */
  commands(source: string): CommandInvocation[];
}

/** One element after a command's name: a parameter token, or an argument (a value or a positional argument). */
export type CommandElement =
  | { readonly kind: 'parameter'; readonly name: string; readonly colonBound: boolean }
  | { readonly kind: 'argument'; readonly text: string };

export interface CommandInvocation {
  /** The command name as written, e.g. `Get-Mailbox`. */
  readonly name: string;
  readonly elements: readonly CommandElement[];
  /** True when a `|` precedes it in its pipeline, so pipeline input can bind parameters. */
  readonly receivesPipeline: boolean;
  readonly line: number;
  /** The invocation's source text (shortened), for messages. */
  readonly text: string;
}

export interface PowerShellAnalysis {
  problems: SyntaxProblem[];
  verbatimStrings: string[];
  comments: string[];
  shape: string;
  /** The source with every verbatim literal and comment replaced by NUL: what a value must never change. */
  skeleton: string;
}

const WASM_PATH = join(__dirname, '..', '..', '..', 'node_modules', 'tree-sitter-powershell', 'tree-sitter-powershell.wasm');

let loading: Promise<PowerShellParser> | undefined;

async function create(): Promise<PowerShellParser> {
  // Without this a short-lived node process spends ~9 s optimising the 1 MB grammar before exiting.
  setFlagsFromString('--liftoff-only');
  await Parser.init();
  const language = await Language.load(WASM_PATH);
  const parser = new Parser();
  parser.setLanguage(language);

  const withTree = <T>(source: string, use: (root: Node) => T): T => {
    const tree = parser.parse(source);
    if (!tree) throw new Error('tree-sitter returned no tree');
    try {
      return use(tree.rootNode);
    } finally {
      tree.delete();
    }
  };

  // One pass with a cursor: much faster than Node.children, which allocates a Node per child.
  const analyse = (source: string): PowerShellAnalysis =>
    withTree(source, (root) => {
      const problems: SyntaxProblem[] = [];
      const verbatimStrings: string[] = [];
      const comments: string[] = [];
      const shape: string[] = [];
      const skeleton: string[] = [];
      let copiedTo = 0;
      const cursor = root.walk();
      try {
        const visitSiblings = (): void => {
          do {
            const type = cursor.nodeType;
            const missing = cursor.nodeIsMissing;
            shape.push(missing ? `MISSING:${type}` : type);
            if (type === 'ERROR' || missing) {
              problems.push({ kind: missing ? 'MISSING' : 'ERROR', line: cursor.startPosition.row + 1, column: cursor.startPosition.column + 1, text: cursor.nodeText.slice(0, 120) });
            } else if (type === 'verbatim_string_characters' || type === 'comment') {
              (type === 'comment' ? comments : verbatimStrings).push(cursor.nodeText);
              // Indexes are UTF-16 offsets into the source, as JavaScript strings use.
              skeleton.push(source.slice(copiedTo, cursor.startIndex), '\u0000');
              copiedTo = cursor.endIndex;
            }
            if (cursor.gotoFirstChild()) {
              shape.push('(');
              visitSiblings();
              shape.push(')');
              cursor.gotoParent();
            }
          } while (cursor.gotoNextSibling());
        };
        visitSiblings();
      } finally {
        cursor.delete();
      }
      skeleton.push(source.slice(copiedTo));
      return { problems, verbatimStrings, comments, shape: shape.join(' '), skeleton: skeleton.join('') };
    });

  const commands = (source: string): CommandInvocation[] =>
    withTree(source, (root) => {
      const found: CommandInvocation[] = [];
      const visit = (node: Node): void => {
        if (node.type === 'command') {
          const nameNode = node.children.find((c) => c.type === 'command_name');
          const elementsNode = node.children.find((c) => c.type === 'command_elements');
          if (nameNode) {
            const elements: CommandElement[] = [];
            const children = elementsNode ? elementsNode.children : [];
            children.forEach((child, i) => {
              if (child.type === 'command_argument_sep') return;
              if (child.type === 'command_parameter') {
                const next = children[i + 1];
                const colonBound = child.text.endsWith(':') || (next?.type === 'command_argument_sep' && next.text.includes(':'));
                elements.push({ kind: 'parameter', name: child.text.replace(/^-/, '').replace(/:$/, ''), colonBound });
              } else {
                elements.push({ kind: 'argument', text: child.text });
              }
            });
            const siblings = node.parent ? node.parent.children : [];
            const index = siblings.findIndex((c) => c.id === node.id);
            const receivesPipeline = siblings.slice(0, Math.max(index, 0)).some((c) => c.type === '|');
            found.push({ name: nameNode.text, elements, receivesPipeline, line: node.startPosition.row + 1, text: node.text.slice(0, 160) });
          }
        }
        for (const child of node.children) visit(child);
      };
      visit(root);
      return found;
    });

  return {
    commands,
    syntaxProblems: (source) => analyse(source).problems,
    verbatimStrings: (source) => analyse(source).verbatimStrings,
    shape: (source) => analyse(source).shape,
    analyse,
  };
}

export function loadPowerShellParser(): Promise<PowerShellParser> {
  loading ??= create();
  return loading;
}

const POWERSHELL_SINGLE_QUOTES = new Set(['\u0027', '\u2018', '\u2019', '\u201A', '\u201B']);

/**
 * The value PowerShell gives a verbatim literal, following its tokenizer (which the grammar does
 * not: the grammar knows only the ASCII apostrophe): any single-quote character ends the string
 * unless another one follows, and a doubled pair stands for the second. Undefined when the
 * literal would end before its last character, i.e. when the text is not ONE literal to PowerShell.
 */
export function verbatimStringValue(literal: string): string | undefined {
  const chars = [...literal];
  if (chars.length < 2 || !POWERSHELL_SINGLE_QUOTES.has(chars[0])) return undefined;
  let value = '';
  for (let i = 1; i < chars.length; i++) {
    const char = chars[i];
    if (POWERSHELL_SINGLE_QUOTES.has(char)) {
      if (i + 1 < chars.length && POWERSHELL_SINGLE_QUOTES.has(chars[i + 1])) {
        value += chars[i + 1];
        i++;
        continue;
      }
      return i === chars.length - 1 ? value : undefined;
    }
    value += char;
  }
  return undefined;
}
