// Strict XML reading for requests to the fake server, over @xmldom/xmldom (installed with
// ews-javascript-api). Loaded through createRequire with the few node shapes we use, because the
// package's own typings pull the DOM lib into the whole project's type-check.
import { createRequire } from 'node:module';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  e: 'http://schemas.microsoft.com/exchange/services/2006/errors',
} as const;

export interface XmlNode {
  readonly nodeType: number;
  readonly localName: string | null;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  readonly childNodes: { readonly length: number; item(index: number): XmlNode | null };
  getAttribute?(name: string): string | null;
  hasAttribute?(name: string): boolean;
}
interface XmlDocument { readonly documentElement: XmlNode | null; readonly doctype: unknown }
interface ErrorHandler { warning(msg: string): void; error(msg: string): void; fatalError(msg: string): void }
interface XmldomModule { DOMParser: new (options: { errorHandler: ErrorHandler }) => { parseFromString(source: string, mime: string): XmlDocument } }

const xmldom = createRequire(__filename)('@xmldom/xmldom') as XmldomModule;
const ELEMENT_NODE = 1;

export class XmlRejected extends Error {}

/**
 * Parses a request body. Anything a strict parser would refuse is refused here: DOCTYPE and entity
 * declarations (no entity expansion at all), parser warnings and errors, and a missing root element.
 */
export function parseStrictXml(source: string): XmlNode {
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) throw new XmlRejected('DOCTYPE and entity declarations are not allowed');
  const problems: string[] = [];
  const record = (msg: string): void => { problems.push(msg.replace(/\s*@#\[line:.*$/s, '').replace(/^\[xmldom \w+\]\s*/, '')); };
  const parser = new xmldom.DOMParser({ errorHandler: { warning: record, error: record, fatalError: record } });
  let doc: XmlDocument;
  try {
    doc = parser.parseFromString(source, 'text/xml');
  } catch (err) {
    throw new XmlRejected(`not well-formed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (problems.length > 0) throw new XmlRejected(`not well-formed: ${problems.join('; ')}`);
  if (doc.doctype) throw new XmlRejected('DOCTYPE is not allowed');
  if (!doc.documentElement) throw new XmlRejected('no root element');
  return doc.documentElement;
}

export function childElements(node: XmlNode | undefined): XmlNode[] {
  const out: XmlNode[] = [];
  if (!node) return out;
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = node.childNodes.item(i);
    if (child && child.nodeType === ELEMENT_NODE) out.push(child);
  }
  return out;
}

/** First child element with this namespace and local name. */
export function child(node: XmlNode | undefined, ns: string, name: string): XmlNode | undefined {
  return childElements(node).find((c) => c.namespaceURI === ns && c.localName === name);
}

/** Follows a path of [namespace, localName] steps through first matching children. */
export function path(node: XmlNode | undefined, ...steps: ReadonlyArray<readonly [string, string]>): XmlNode | undefined {
  let current = node;
  for (const [ns, name] of steps) current = child(current, ns, name);
  return current;
}

/** Every descendant element with this namespace and local name, in document order. */
export function descendants(node: XmlNode | undefined, ns: string, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode): void => {
    for (const c of childElements(n)) {
      if (c.namespaceURI === ns && c.localName === name) out.push(c);
      walk(c);
    }
  };
  if (node) walk(node);
  return out;
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (!node?.getAttribute || !node.hasAttribute?.(name)) return undefined;
  return node.getAttribute(name) ?? undefined;
}

export function text(node: XmlNode | undefined): string | undefined {
  const value = node?.textContent?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Escapes text for element content and double-quoted attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
