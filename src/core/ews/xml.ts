/**
 * A small namespace-aware XML reader for EWS responses. Servers and proxies use whatever prefixes
 * they like (`s:`, `soap:`, default namespaces), so elements are matched by namespace URI and local
 * name, never by prefix. It reads well-formed XML only and throws XmlError otherwise; DTDs are
 * refused rather than expanded.
 */

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  local: string;
  /** Attributes by local name (EWS attributes are unqualified). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
} as const;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Code points XML 1.0 allows in a document (its Char production); a reference to any other is not well-formed. */
function isXmlChar(codePoint: number): boolean {
  return codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd || (codePoint >= 0x20 && codePoint <= 0xd7ff)
    || (codePoint >= 0xe000 && codePoint <= 0xfffd) || (codePoint >= 0x10000 && codePoint <= 0x10ffff);
}

/**
 * Replaces the five predefined entities and character references. Every `&` must start one of
 * them: a bare ampersand, an undeclared entity (`&a29;`) or a reference to a code point XML does
 * not allow is an error, never left in the text as if it were data.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,8}|#[0-9]{1,10}|[A-Za-z_][\w.-]{0,63})?(;?)/g, (whole, ref: string | undefined, semicolon: string) => {
    if (ref === undefined || semicolon === '') throw new XmlError(`A bare & or an unterminated reference (${whole.slice(0, 20)}) is not well-formed XML`);
    if (ref.startsWith('#')) {
      const codePoint = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(codePoint)) throw new XmlError(`The character reference ${whole} is not a character XML allows`);
      return String.fromCodePoint(codePoint);
    }
    const known = ENTITIES[ref];
    if (known === undefined) throw new XmlError(`Unknown entity ${whole}`);
    return known;
  });
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
}

interface OpenElement {
  element: XmlElement;
  qname: string;
  scope: Map<string, string>;
}

const TAG = /<(\/?)([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses a document and returns its root element. */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  const rootScope = new Map<string, string>([['xml', 'http://www.w3.org/XML/1998/namespace']]);
  if (source.charCodeAt(0) === 0xfeff) pos = 1;
  while (pos < source.length) {
    const lt = source.indexOf('<', pos);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > pos) {
      const text = source.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.element.text += decodeEntities(text);
      else if (text.trim() !== '') throw new XmlError('Text outside the root element');
    }
    if (lt === -1) break;
    if (source.startsWith('<?', lt)) {
      const end = source.indexOf('?>', lt);
      if (end === -1) throw new XmlError('Unterminated processing instruction');
      pos = end + 2;
    } else if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt);
      if (end === -1) throw new XmlError('Unterminated comment');
      pos = end + 3;
    } else if (source.startsWith('<![CDATA[', lt)) {
      const end = source.indexOf(']]>', lt);
      const top = stack[stack.length - 1];
      if (end === -1 || !top) throw new XmlError('Misplaced or unterminated CDATA');
      top.element.text += source.slice(lt + 9, end);
      pos = end + 3;
    } else if (source.startsWith('<!', lt)) {
      throw new XmlError('Document type declarations are not accepted');
    } else {
      TAG.lastIndex = lt;
      const m = TAG.exec(source);
      if (!m) throw new XmlError(`Malformed tag at offset ${lt}`);
      pos = TAG.lastIndex;
      const [, closing, qname, attrText, selfClosing] = m;
      if (closing) {
        const open = stack.pop();
        if (!open || open.qname !== qname) throw new XmlError(`Unexpected </${qname}> at offset ${lt}`);
        continue;
      }
      if (root && stack.length === 0) throw new XmlError('More than one root element');
      const parentScope = stack[stack.length - 1]?.scope ?? rootScope;
      let scope = parentScope;
      const rawAttrs: [string, string][] = [];
      // exec on the one shared regex, not matchAll: matchAll copies the regex and makes an iterator
      // for every tag, attributes or not, and a response has dozens of tags per mailbox checked.
      ATTR.lastIndex = 0;
      for (let a = attrText === '' ? null : ATTR.exec(attrText); a !== null; a = ATTR.exec(attrText)) {
        const name = a[1];
        const value = decodeEntities(a[2] ?? a[3] ?? '');
        if (name === 'xmlns' || name.startsWith('xmlns:')) {
          if (scope === parentScope) scope = new Map(parentScope);
          scope.set(name === 'xmlns' ? '' : name.slice(6), value);
        } else {
          rawAttrs.push([name, value]);
        }
      }
      const colon = qname.indexOf(':');
      const prefix = colon === -1 ? '' : qname.slice(0, colon);
      const ns = scope.get(prefix);
      if (ns === undefined && prefix !== '') throw new XmlError(`Undeclared namespace prefix ${prefix}`);
      const element: XmlElement = { ns: ns ?? '', local: qname.slice(colon + 1), attrs: {}, children: [], text: '' };
      for (const [name, value] of rawAttrs) element.attrs[name.slice(name.indexOf(':') + 1)] = value;
      const parent = stack[stack.length - 1];
      if (parent) parent.element.children.push(element);
      else root = element;
      if (!selfClosing) stack.push({ element, qname, scope });
    }
  }
  if (stack.length > 0) throw new XmlError(`Unclosed element <${stack[stack.length - 1].qname}>`);
  if (!root) throw new XmlError('No root element');
  return root;
}

export function child(parent: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return parent?.children.find((c) => c.ns === ns && c.local === local);
}

export function childrenNamed(parent: XmlElement | undefined, ns: string, local: string): XmlElement[] {
  return parent ? parent.children.filter((c) => c.ns === ns && c.local === local) : [];
}

/** First element anywhere below `root` (depth-first) with this name. */
export function descendant(root: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  if (!root) return undefined;
  for (const c of root.children) {
    if (c.ns === ns && c.local === local) return c;
    const found = descendant(c, ns, local);
    if (found) return found;
  }
  return undefined;
}

/** Element path by local names under one namespace per step, e.g. [[NS.soap,'Body'],[NS.messages,'X']]. */
export function path(root: XmlElement | undefined, ...steps: [string, string][]): XmlElement | undefined {
  let current = root;
  for (const [ns, local] of steps) current = child(current, ns, local);
  return current;
}
