/**
 * Autodiscover: finds the EWS URL for an e-mail address, in the order Exchange clients use
 * (EXCHANGE.md): POX POST to https://<domain>/..., then https://autodiscover.<domain>/..., then an
 * unauthenticated GET of http://autodiscover.<domain>/... whose only acceptable answer is a redirect
 * to https, then the DNS SRV record _autodiscover._tcp.<domain>.
 *
 * Every request goes through the EWS transport (public roots + the optional extra CA, verification
 * always on). Nothing is sent over plain http except that one bodiless, credential-less GET, and no
 * answer received over http is believed. Every attempt lands in the trail so that the panel can
 * show the admin why discovery failed, and which hosts saw the service account's credentials.
 *
 * Which hosts are asked at all: https hosts in the typed address's domain or its subdomains. Any
 * other host (named by the plain-http redirect, an SRV record, an HTTP redirect, a redirectUrl, or
 * the domain of a redirectAddr) is contacted only when the admin trusts it by name: listed in
 * advance (`trustedHosts`, the CLI's --trust-autodiscover-host) or confirmed when asked
 * (`confirmHost`, a modal dialog in VS Code). Otherwise it is not contacted, so it neither receives
 * the credentials nor gets to name the EWS URL that the probes would later send them to.
 * Microsoft's client guidance asks the same: [MS-OXDISCO], on the HTTP GET redirect method, "if this
 * URI results in an HTTP 302 redirect, prompt the user to warn them of the redirection"
 * (learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxdisco/115f06cf-62db-46a1-a825-8b30897f27d3);
 * "Implementing an Autodiscover Client in Microsoft Exchange", sections "Validating a Secure
 * Redirection URL" and "Validating a Potentially Unsafe Redirection URL"
 * (learn.microsoft.com/en-us/previous-versions/office/developer/exchange-server-2010/ee332364(v=exchg.140)).
 * Outlook shows its "Allow this website to configure ... server settings?" warning for such targets.
 * SRV targets and redirectAddr domains get the same treatment as an ASSUMPTION (see
 * docs/exchange-behaviour.md, Autodiscover).
 */
import * as dns from 'node:dns';
import * as http from 'node:http';
import { DEFAULT_SETTINGS } from './settings';
import { validateSettings } from './validate';
import { EwsTransport, TransportError, headerValue, toTransportError, withTimeout, type HttpRequest, type HttpResponse } from './ews/transport';
import { XmlError, child, childrenNamed, descendant, escapeXml, parseXml, type XmlElement } from './ews/xml';
import { errorText } from './errors';
import * as l10n from './l10n';

export const AUTODISCOVER_REQUEST_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
export const AUTODISCOVER_RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
/** The outer response namespace, where a server puts errors it raises before choosing a schema. */
export const AUTODISCOVER_ERROR_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
export const AUTODISCOVER_PATH = '/autodiscover/autodiscover.xml';
/** Redirects of every kind together (HTTP 3xx, redirectUrl, redirectAddr), as Outlook limits them. */
export const MAX_AUTODISCOVER_REDIRECTS = 10;
export const DEFAULT_AUTODISCOVER_TIMEOUT_MS = 15_000;
const REDIRECT_STATUSES = new Set([301, 302, 307, 308]);

/** The part of EwsTransport that Autodiscover needs; tests wrap a real transport to map host names. */
export interface HttpsRequester {
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface PlainHttpAnswer {
  status: number;
  location?: string;
}

/** The one plain-http request: a GET with no body and no credentials, of which only the status and Location are read. */
export type PlainHttpGet = (url: string, options: { signal?: AbortSignal; timeoutMs: number }) => Promise<PlainHttpAnswer>;

export interface SrvRecord {
  name: string;
  port: number;
  priority?: number;
  weight?: number;
}

export type AutodiscoverCandidate =
  | { kind: 'pox'; url: string }
  | { kind: 'httpRedirect'; url: string }
  | { kind: 'srv'; name: string };

export type AttemptKind = 'pox' | 'httpRedirect' | 'srv';

/**
 * Why a host was asked: `domain` it is in the address's domain, `listed` the admin named it before the
 * run (the CLI's --trust-autodiscover-host), `confirmed` the admin said yes when asked during the run.
 */
export type HostTrust = 'domain' | 'listed' | 'confirmed';

/** How discovery came to a host outside the address's domain: what the admin is asked about. */
export type HostRoute = 'candidate' | 'httpRedirect' | 'srv' | 'redirect' | 'redirectUrl' | 'redirectAddr';

/** How each route is named in the trail and in the question to the admin (read when used, in the language of the bundle then in use). */
export const ROUTE_WORDS: Record<HostRoute, string> = {
  get candidate() { return l10n.t('given as a candidate address'); },
  get httpRedirect() { return l10n.t('named by the plain-http redirect from autodiscover.<domain>'); },
  get srv() { return l10n.t('named by a DNS SRV record'); },
  get redirect() { return l10n.t('named by an HTTP redirect'); },
  get redirectUrl() { return l10n.t('named by a redirectUrl answer'); },
  get redirectAddr() { return l10n.t('in the domain of a redirectAddr answer'); },
};

export interface HostQuestion {
  /** The host, lower case, as it would be contacted. */
  host: string;
  /** The Autodiscover URL that would be POSTed to. */
  url: string;
  /** The typed address's domain, which the host is outside of. */
  domain: string;
  via: HostRoute;
  /** Whether the service account's credentials would go with the request. */
  withCredentials: boolean;
}

export interface AttemptRecord {
  kind: AttemptKind;
  /** The URL requested, or the SRV name looked up. */
  url: string;
  /** What happened, in words for the admin. */
  outcome: string;
  /** The HTTP status, when there was a response. */
  status?: number;
  ms: number;
  /** True when Basic credentials were sent with this request (always over https). */
  credentialsSent: boolean;
  /** For an https request: why its host was trusted to be asked. */
  trust?: HostTrust;
}

export type AutodiscoverResult =
  | { ok: true; ewsUrl: string; /** EXPR (external) or EXCH (internal). */ protocol: string; email: string; trail: AttemptRecord[] }
  | { ok: false; reason: string; cancelled?: boolean; trail: AttemptRecord[] };

export interface AutodiscoverOptions {
  /** HTTPS requests. Default: a new EwsTransport built from the options below, closed at the end. */
  transport?: HttpsRequester;
  extraCaPem?: string;
  connectTimeoutMs?: number;
  /** Per request. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  /** Basic credentials for the POX endpoints. Without them a 401 is recorded and the next candidate tried. */
  credentials?: { user: string; password: string };
  /** Default: dns.promises.resolveSrv. */
  resolveSrv?: (name: string) => Promise<SrvRecord[]>;
  /** Default: plainHttpGet (node:http). */
  httpGet?: PlainHttpGet;
  /** Replaces the standard candidate list for a domain (tests, or a host that knows better). */
  candidates?: (domain: string) => AutodiscoverCandidate[];
  /** Hosts outside the address's domain that the admin trusts in advance (exact names, any case). */
  trustedHosts?: readonly string[];
  /**
   * Asked, at most once per host and run, before a host outside the address's domain is contacted;
   * true lets it be asked (with the credentials, if any). Without it such hosts are never contacted.
   */
  confirmHost?: (question: HostQuestion) => Promise<boolean>;
  /**
   * Told before each candidate endpoint of a domain is tried: `tried` of `total` (1-based). A
   * redirectAddr answer starts the count again for the new domain's candidates.
   */
  onCandidate?: (progress: AutodiscoverProgress) => void;
}

export interface AutodiscoverProgress {
  tried: number;
  total: number;
  /** The candidate's URL, or the SRV record's name. */
  url: string;
  domain: string;
}

/** The hosts that received the credentials in a run, each once, with why it was trusted. */
export function credentialRecipients(trail: readonly AttemptRecord[]): { host: string; trust: HostTrust }[] {
  const seen = new Map<string, HostTrust>();
  for (const attempt of trail) {
    if (!attempt.credentialsSent || attempt.trust === undefined) continue;
    const host = new URL(attempt.url).hostname.toLowerCase();
    if (!seen.has(host)) seen.set(host, attempt.trust);
  }
  return [...seen].map(([host, trust]) => ({ host, trust }));
}

/** Why a host was trusted, in the trail's words (the CLI names its flag for `listed`). */
export const TRUST_WORDS: Record<HostTrust, string> = {
  get domain() { return l10n.t("in the address's domain"); },
  get listed() { return l10n.t('named as trusted before the run'); },
  get confirmed() { return l10n.t('confirmed by you'); },
};

/** One line of the trail for people: what was asked, whether credentials went with it and why, what happened. */
export function trailLine(attempt: AttemptRecord, trustWords: Record<HostTrust, string> = TRUST_WORDS): string {
  if (attempt.credentialsSent && attempt.trust !== undefined) {
    return l10n.t('{0} {1} [credentials sent: {2}]: {3}', attempt.kind, attempt.url, trustWords[attempt.trust], attempt.outcome);
  }
  return `${attempt.kind} ${attempt.url}: ${attempt.outcome}`;
}

/** A normalised host name: lower case, no trailing dot, no IPv6 brackets. */
export function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

export function autodiscoverRequestBody(email: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${AUTODISCOVER_REQUEST_NS}">`,
    '  <Request>',
    `    <EMailAddress>${escapeXml(email)}</EMailAddress>`,
    `    <AcceptableResponseSchema>${AUTODISCOVER_RESPONSE_NS}</AcceptableResponseSchema>`,
    '  </Request>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

export function standardCandidates(domain: string): AutodiscoverCandidate[] {
  return [
    { kind: 'pox', url: `https://${domain}${AUTODISCOVER_PATH}` },
    { kind: 'pox', url: `https://autodiscover.${domain}${AUTODISCOVER_PATH}` },
    { kind: 'httpRedirect', url: `http://autodiscover.${domain}${AUTODISCOVER_PATH}` },
    { kind: 'srv', name: `_autodiscover._tcp.${domain}` },
  ];
}

/** What one POX answer says. */
export type PoxAnswer =
  | { kind: 'settings'; ewsUrl: string; protocol: string }
  | { kind: 'redirectAddr'; email: string }
  | { kind: 'redirectUrl'; url: string }
  | { kind: 'error'; message: string };

function textOf(parent: XmlElement | undefined, local: string): string | undefined {
  const value = child(parent, AUTODISCOVER_RESPONSE_NS, local)?.text.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads an Autodiscover POX response. Throws XmlError for text that is not well-formed XML (DTDs refused). */
export function parsePoxResponse(xml: string): PoxAnswer {
  const root = parseXml(xml);
  if (root.local !== 'Autodiscover') return { kind: 'error', message: l10n.t('the answer is <{0}>, not an Autodiscover response', root.local) };
  const response = child(root, AUTODISCOVER_RESPONSE_NS, 'Response');
  const error = descendant(root, AUTODISCOVER_RESPONSE_NS, 'Error') ?? descendant(root, AUTODISCOVER_ERROR_NS, 'Error');
  if (error) {
    const message = error.children.find((c) => c.local === 'Message')?.text.trim();
    const code = error.children.find((c) => c.local === 'ErrorCode')?.text.trim();
    const text = code
      ? message ? l10n.t('the server answered with an Autodiscover error {0}: {1}', code, message) : l10n.t('the server answered with an Autodiscover error {0}', code)
      : message ? l10n.t('the server answered with an Autodiscover error: {0}', message) : l10n.t('the server answered with an Autodiscover error');
    return { kind: 'error', message: text };
  }
  const account = child(response, AUTODISCOVER_RESPONSE_NS, 'Account');
  if (!account) return { kind: 'error', message: l10n.t('the answer has no Response/Account element') };
  const action = textOf(account, 'Action');
  if (action === 'redirectAddr') {
    const email = textOf(account, 'RedirectAddr');
    return email ? { kind: 'redirectAddr', email } : { kind: 'error', message: l10n.t('redirectAddr without a RedirectAddr') };
  }
  if (action === 'redirectUrl') {
    const url = textOf(account, 'RedirectUrl');
    return url ? { kind: 'redirectUrl', url } : { kind: 'error', message: l10n.t('redirectUrl without a RedirectUrl') };
  }
  if (action !== 'settings') return { kind: 'error', message: l10n.t('unknown Action {0}', JSON.stringify(action ?? '')) };
  // External settings (EXPR) are what a cloud service reaches; internal (EXCH) only as a fallback.
  const protocols = childrenNamed(account, AUTODISCOVER_RESPONSE_NS, 'Protocol');
  const typeOf = (p: XmlElement): string | undefined => textOf(p, 'Type') ?? p.attrs.Type;
  for (const wanted of ['EXPR', 'EXCH']) {
    for (const protocol of protocols.filter((p) => typeOf(p) === wanted)) {
      const ewsUrl = textOf(protocol, 'EwsUrl') ?? textOf(protocol, 'ASUrl');
      if (ewsUrl) return { kind: 'settings', ewsUrl, protocol: wanted };
    }
  }
  return { kind: 'error', message: l10n.t('the settings have no EXPR or EXCH protocol with an EwsUrl or ASUrl') };
}

/** The plain-http GET with node:http: no body, no credentials, the response body is never read. */
export const plainHttpGet: PlainHttpGet = async (url, { signal, timeoutMs }) => {
  const target = new URL(url);
  if (target.protocol !== 'http:') throw new TransportError('network', `plainHttpGet is only for http URLs, not ${target.protocol}`);
  try {
    return await withTimeout<PlainHttpAnswer>((done) => {
      const request = http.request({
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port === '' ? 80 : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        agent: false,
      }, (res) => {
        const location = res.headers.location;
        done(undefined, { status: res.statusCode ?? 0, location: typeof location === 'string' ? location : undefined });
      });
      request.on('error', (err) => done(err));
      request.end();
      return () => request.destroy();
    }, timeoutMs, signal);
  } catch (err) {
    throw toTransportError(err);
  }
};

function defaultResolveSrv(name: string): Promise<SrvRecord[]> {
  return dns.promises.resolveSrv(name);
}

/** The domain of an address, or the reason it is not one. */
function emailDomain(email: string): { domain: string } | { problem: string } {
  const issues = validateSettings({ ...DEFAULT_SETTINGS, testMailbox: email }, ['testMailbox'], ['testMailbox']);
  if (issues.length > 0) return { problem: `${JSON.stringify(email)} ${issues[0].problem}` };
  return { domain: email.slice(email.lastIndexOf('@') + 1).toLowerCase() };
}

export function isWithinDomain(host: string, domain: string): boolean {
  const h = normaliseHost(host);
  return h === domain || h.endsWith(`.${domain}`);
}

/** Ends the whole discovery (cancelled, loop, too many redirects). */
class DiscoveryStop extends Error {
  constructor(message: string, readonly cancelled = false) {
    super(message);
  }
}

type CandidateResult = { kind: 'settings'; ewsUrl: string; protocol: string } | { kind: 'redirectAddr'; email: string } | { kind: 'next'; why: string };

/** One discovery run: its redirect budget, visited set and the admin's answers about outside hosts. */
class Discovery {
  readonly trail: AttemptRecord[] = [];
  private redirects = 0;
  private readonly visited = new Set<string>();
  /** The typed address's domain: the only one trusted without asking. */
  private homeDomain = '';
  private readonly listedHosts: ReadonlySet<string>;
  /** The admin's answer per outside host, so that each is asked once per run. */
  private readonly answers = new Map<string, boolean>();

  constructor(
    private readonly transport: HttpsRequester,
    private readonly options: AutodiscoverOptions,
    private readonly timeoutMs: number,
  ) {
    this.listedHosts = new Set((options.trustedHosts ?? []).map(normaliseHost));
  }

  private record(entry: Omit<AttemptRecord, 'ms'>, started: number): void {
    this.trail.push({ ...entry, ms: Date.now() - started });
  }

  /** A request that got no answer: cancelling stops discovery; anything else is recorded and the next candidate tried. */
  private noAnswer(err: unknown, entry: Omit<AttemptRecord, 'ms' | 'outcome'>, started: number): CandidateResult {
    const failure = toTransportError(err);
    if (failure.kind === 'aborted') throw new DiscoveryStop(l10n.t('Cancelled'), true);
    this.record({ ...entry, outcome: describeTransportFailure(failure) }, started);
    return { kind: 'next', why: failure.message };
  }

  private checkCancelled(): void {
    if (this.options.signal?.aborted) throw new DiscoveryStop(l10n.t('Cancelled'), true);
  }

  /** Spends one redirect of the budget, refusing the one past the limit. */
  private spendRedirect(to: string): void {
    if (this.redirects >= MAX_AUTODISCOVER_REDIRECTS) {
      throw new DiscoveryStop(l10n.t('Stopped after {0} redirects (the next one was to {1}): Autodiscover follows at most {0}.', MAX_AUTODISCOVER_REDIRECTS, to));
    }
    this.redirects++;
  }

  /** Why `url`'s host may be asked, or undefined when it may not (the admin did not trust it). */
  private async trustFor(url: URL, via: HostRoute): Promise<HostTrust | undefined> {
    const host = normaliseHost(url.hostname);
    if (isWithinDomain(host, this.homeDomain)) return 'domain';
    if (this.listedHosts.has(host)) return 'listed';
    let answer = this.answers.get(host);
    if (answer === undefined) {
      const confirm = this.options.confirmHost;
      answer = confirm === undefined ? false
        : await abortable(confirm({ host, url: url.href, domain: this.homeDomain, via, withCredentials: this.options.credentials !== undefined }), this.options.signal) === true;
      this.answers.set(host, answer);
      this.checkCancelled();
    }
    return answer ? 'confirmed' : undefined;
  }

  /** The trail's words for a host that was not contacted. */
  private untrustedOutcome(host: string, via: HostRoute): string {
    return this.options.confirmHost !== undefined
      ? l10n.t('not contacted: {0} ({1}) is outside {2} and you did not trust it', host, ROUTE_WORDS[via], this.homeDomain)
      : l10n.t('not contacted: {0} ({1}) is outside {2}; name it as trusted to let Autodiscover ask it', host, ROUTE_WORDS[via], this.homeDomain);
  }

  async run(email: string): Promise<AutodiscoverResult> {
    const seenAddresses = new Set<string>();
    let current = email;
    for (;;) {
      const parsed = emailDomain(current);
      if ('problem' in parsed) return { ok: false, reason: l10n.t('Cannot run Autodiscover: {0}.', parsed.problem), trail: this.trail };
      seenAddresses.add(current.toLowerCase());
      if (this.homeDomain === '') this.homeDomain = parsed.domain;
      const found = await this.tryDomain(current, parsed.domain);
      if (found.kind === 'settings') return { ok: true, ewsUrl: found.ewsUrl, protocol: found.protocol, email: current, trail: this.trail };
      if (found.kind === 'next') return { ok: false, reason: found.why, trail: this.trail };
      if (seenAddresses.has(found.email.toLowerCase())) {
        throw new DiscoveryStop(l10n.t('Redirect loop: the server sent discovery back to {0}, which was already tried.', found.email));
      }
      this.spendRedirect(found.email);
      current = found.email;
    }
  }

  private async tryDomain(email: string, domain: string): Promise<CandidateResult> {
    const candidates = (this.options.candidates ?? standardCandidates)(domain);
    // The domain of a redirectAddr was named by a server, not by the admin.
    const route: HostRoute = domain === this.homeDomain ? 'candidate' : 'redirectAddr';
    for (const [index, candidate] of candidates.entries()) {
      this.checkCancelled();
      this.options.onCandidate?.({ tried: index + 1, total: candidates.length, url: candidate.kind === 'srv' ? candidate.name : candidate.url, domain });
      const result = candidate.kind === 'pox' ? await this.postPox(candidate.url, email, route)
        : candidate.kind === 'httpRedirect' ? await this.followHttpRedirect(candidate.url, email)
          : await this.trySrv(candidate.name, email);
      if (result.kind !== 'next') return result;
    }
    return {
      kind: 'next',
      why: this.trail.length === 0
        ? l10n.t('Autodiscover found no EWS URL for {0}: no candidate was tried.', domain)
        : l10n.t('Autodiscover found no EWS URL for {0}: no candidate gave an EWS URL; the trail says why each failed.', domain),
    };
  }

  /** POSTs the POX request, following HTTP redirects and redirectUrl answers within the budget. */
  private async postPox(startUrl: string, email: string, firstRoute: HostRoute): Promise<CandidateResult> {
    let url = startUrl;
    let via = firstRoute;
    for (;;) {
      this.checkCancelled();
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        this.trail.push({ kind: 'pox', url, outcome: l10n.t('refused: Autodiscover requests go over https only'), ms: 0, credentialsSent: false });
        return { kind: 'next', why: l10n.t('not https') };
      }
      const visitKey = `${target.href}|${email.toLowerCase()}`;
      if (this.visited.has(visitKey)) throw new DiscoveryStop(l10n.t('Redirect loop: {0} was already asked about {1}.', url, email));
      const trust = await this.trustFor(target, via);
      if (trust === undefined) {
        this.trail.push({ kind: 'pox', url, outcome: this.untrustedOutcome(normaliseHost(target.hostname), via), ms: 0, credentialsSent: false });
        return { kind: 'next', why: l10n.t('{0} was not trusted', target.hostname) };
      }
      this.visited.add(visitKey);
      const creds = this.options.credentials;
      const sendCredentials = creds !== undefined;
      const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
      if (sendCredentials) headers.Authorization = `Basic ${Buffer.from(`${creds.user}:${creds.password}`, 'utf8').toString('base64')}`;
      const started = Date.now();
      let response: HttpResponse;
      try {
        response = await this.transport.request({ url, method: 'POST', headers, body: autodiscoverRequestBody(email), signal: this.options.signal, timeoutMs: this.timeoutMs });
      } catch (err) {
        return this.noAnswer(err, { kind: 'pox', url, credentialsSent: sendCredentials, trust }, started);
      }
      const base = { kind: 'pox' as const, url, status: response.status, credentialsSent: sendCredentials, trust };
      if (REDIRECT_STATUSES.has(response.status)) {
        const next = this.redirectTarget(headerValue(response, 'location'), url);
        if ('refused' in next) {
          this.record({ ...base, outcome: l10n.t('HTTP {0} redirect refused: {1}', response.status, next.refused) }, started);
          return { kind: 'next', why: next.refused };
        }
        this.record({ ...base, outcome: l10n.t('HTTP {0} redirect to {1}', response.status, next.url) }, started);
        this.spendRedirect(next.url);
        url = next.url;
        via = 'redirect';
        continue;
      }
      if (response.status === 401) {
        const outcome = creds === undefined ? l10n.t('HTTP 401: needs credentials (none were given)') : l10n.t('HTTP 401: the credentials were refused');
        this.record({ ...base, outcome }, started);
        return { kind: 'next', why: outcome };
      }
      if (response.status !== 200) {
        this.record({ ...base, outcome: `HTTP ${response.status} ${response.statusText}`.trim() }, started);
        return { kind: 'next', why: `HTTP ${response.status}` };
      }
      if (response.invalidUtf8) {
        this.record({ ...base, outcome: l10n.t('not a readable Autodiscover answer: the body is not valid UTF-8') }, started);
        return { kind: 'next', why: l10n.t('the body is not valid UTF-8') };
      }
      let answer: PoxAnswer;
      try {
        answer = parsePoxResponse(response.body);
      } catch (err) {
        const detail = err instanceof XmlError ? err.message : String(err);
        this.record({ ...base, outcome: l10n.t('not a readable Autodiscover answer: {0}', detail) }, started);
        return { kind: 'next', why: detail };
      }
      switch (answer.kind) {
        case 'settings':
          this.record({ ...base, outcome: l10n.t('EWS URL {0} ({1})', answer.ewsUrl, answer.protocol) }, started);
          return answer;
        case 'redirectAddr':
          this.record({ ...base, outcome: l10n.t('redirectAddr to {0}', answer.email) }, started);
          return answer;
        case 'redirectUrl': {
          const next = this.redirectTarget(answer.url, url);
          if ('refused' in next) {
            this.record({ ...base, outcome: l10n.t('redirectUrl refused: {0}', next.refused) }, started);
            return { kind: 'next', why: next.refused };
          }
          this.record({ ...base, outcome: l10n.t('redirectUrl to {0}', next.url) }, started);
          this.spendRedirect(next.url);
          url = next.url;
          via = 'redirectUrl';
          continue;
        }
        case 'error':
          this.record({ ...base, outcome: answer.message }, started);
          return { kind: 'next', why: answer.message };
        default: {
          const unreachable: never = answer;
          return unreachable;
        }
      }
    }
  }

  /** Resolves a redirect target; only https is accepted (whether its host may be asked is decided when it is). */
  private redirectTarget(location: string | undefined, from: string): { url: string } | { refused: string } {
    if (location === undefined || location.trim() === '') return { refused: l10n.t('no Location given') };
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      return { refused: l10n.t('{0} is not a URL', JSON.stringify(location)) };
    }
    if (next.protocol !== 'https:') return { refused: l10n.t('{0} is not https (a downgrade is never followed)', next.href) };
    if (next.username !== '' || next.password !== '') return { refused: l10n.t('the target has credentials in it') };
    return { url: next.href };
  }

  private async followHttpRedirect(url: string, email: string): Promise<CandidateResult> {
    const started = Date.now();
    let answer: PlainHttpAnswer;
    try {
      answer = await (this.options.httpGet ?? plainHttpGet)(url, { signal: this.options.signal, timeoutMs: this.timeoutMs });
    } catch (err) {
      return this.noAnswer(err, { kind: 'httpRedirect', url, credentialsSent: false }, started);
    }
    const base = { kind: 'httpRedirect' as const, url, status: answer.status, credentialsSent: false };
    if (!REDIRECT_STATUSES.has(answer.status)) {
      this.record({ ...base, outcome: l10n.t('HTTP {0}: not a redirect, and nothing received over http is believed', answer.status) }, started);
      return { kind: 'next', why: l10n.t('no redirect') };
    }
    const next = this.redirectTarget(answer.location, url);
    if ('refused' in next) {
      this.record({ ...base, outcome: l10n.t('redirect refused: {0}', next.refused) }, started);
      return { kind: 'next', why: next.refused };
    }
    this.record({ ...base, outcome: l10n.t('redirect to {0}', next.url) }, started);
    this.spendRedirect(next.url);
    return this.postPox(next.url, email, 'httpRedirect');
  }

  private async trySrv(name: string, email: string): Promise<CandidateResult> {
    const started = Date.now();
    let records: SrvRecord[];
    try {
      records = await abortable((this.options.resolveSrv ?? defaultResolveSrv)(name), this.options.signal);
    } catch (err) {
      if (err instanceof DiscoveryStop) throw err;
      const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
      const outcome = code === 'ENOTFOUND' || code === 'ENODATA' ? l10n.t('no SRV record') : l10n.t('SRV lookup failed: {0}', errorText(err));
      this.record({ kind: 'srv', url: name, outcome, credentialsSent: false }, started);
      return { kind: 'next', why: outcome };
    }
    const ordered = [...records].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0) || (b.weight ?? 0) - (a.weight ?? 0));
    this.record({ kind: 'srv', url: name, outcome: ordered.length === 0 ? l10n.t('no SRV record') : l10n.t('SRV: {0}', ordered.map((r) => `${r.name}:${r.port}`).join(', ')), credentialsSent: false }, started);
    for (const record of ordered) {
      const host = normaliseHost(record.name);
      const result = await this.postPox(`https://${host}${record.port === 443 ? '' : `:${record.port}`}${AUTODISCOVER_PATH}`, email, 'srv');
      if (result.kind !== 'next') return result;
    }
    return { kind: 'next', why: l10n.t('no SRV target answered') };
  }
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new DiscoveryStop(l10n.t('Cancelled'), true));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DiscoveryStop(l10n.t('Cancelled'), true));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeTransportFailure(failure: TransportError): string {
  switch (failure.kind) {
    case 'timeout':
    case 'connectTimeout':
      return l10n.t('timed out: {0}', failure.message);
    case 'tls':
      return failure.code ? l10n.t('TLS failed ({0}): {1}', failure.code, failure.message) : l10n.t('TLS failed: {0}', failure.message);
    case 'tooLarge':
      return failure.message;
    case 'aborted':
      return l10n.t('cancelled');
    case 'network':
      return failure.code ? l10n.t('no connection ({0}): {1}', failure.code, failure.message) : l10n.t('no connection: {0}', failure.message);
    default: {
      const unreachable: never = failure.kind;
      return unreachable;
    }
  }
}

/** Finds the EWS URL for `email`. Never throws: failures and cancellation come back with the trail. */
export async function discoverEwsUrl(email: string, options: AutodiscoverOptions = {}): Promise<AutodiscoverResult> {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_AUTODISCOVER_TIMEOUT_MS;
  const ownTransport = options.transport ? undefined
    : new EwsTransport({ extraCaPem: options.extraCaPem, connectTimeoutMs: options.connectTimeoutMs, requestTimeoutMs: timeoutMs });
  const discovery = new Discovery(options.transport ?? (ownTransport as EwsTransport), options, timeoutMs);
  try {
    return await discovery.run(email.trim());
  } catch (err) {
    if (err instanceof DiscoveryStop) return { ok: false, reason: err.message, cancelled: err.cancelled || undefined, trail: discovery.trail };
    // A bad candidate override or a transport that throws something odd: still an answer, with the trail so far.
    return { ok: false, reason: l10n.t('Autodiscover failed unexpectedly: {0}', errorText(err)), trail: discovery.trail };
  } finally {
    ownTransport?.close();
  }
}
