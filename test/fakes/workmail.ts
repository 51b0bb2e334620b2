/**
 * A local fake of the two Amazon WorkMail operations the link target uses (plus Update for a re-link),
 * speaking the AWS JSON 1.1 protocol the SDK uses: POST /, `X-Amz-Target: WorkMailService.<Op>`,
 * `Content-Type: application/x-amz-json-1.1`, errors as a 4xx with `__type` and `message`. It checks
 * each request's shape and answers as a test tells it to. Plain http on 127.0.0.1: the SDK's
 * endpoint override points here, and the target allows http to this machine only.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type WorkmailOperationName = 'TestAvailabilityConfiguration' | 'CreateAvailabilityConfiguration' | 'UpdateAvailabilityConfiguration';

/** `hang` never answers (slowness); an error answers like AWS does. */
export type WorkmailReply =
  | { result: Record<string, unknown> }
  | { error: string; message: string; status?: number }
  | 'hang';

export interface WorkmailFakeCall {
  operation: string;
  body: Record<string, unknown>;
  contentType?: string;
  /** SigV4 signs every request; its presence shows the credentials were used. */
  signed: boolean;
}

export interface WorkmailFake {
  readonly endpoint: string;
  readonly calls: WorkmailFakeCall[];
  replies: Partial<Record<WorkmailOperationName, WorkmailReply>>;
  close(): Promise<void>;
}

/** The request's problem, or undefined: the shape each operation requires. */
function shapeProblem(operation: string, body: Record<string, unknown>): string | undefined {
  if (typeof body.OrganizationId !== 'string') return 'OrganizationId is required';
  const provider = body.EwsProvider as Record<string, unknown> | undefined;
  for (const key of ['EwsEndpoint', 'EwsUsername', 'EwsPassword']) {
    if (typeof provider?.[key] !== 'string') return `EwsProvider.${key} is required`;
  }
  if (operation === 'TestAvailabilityConfiguration' && body.DomainName !== undefined) {
    return 'Give either a provider or a DomainName, not both';
  }
  if (operation !== 'TestAvailabilityConfiguration' && typeof body.DomainName !== 'string') return 'DomainName is required';
  return undefined;
}

export async function startWorkmailFake(): Promise<WorkmailFake> {
  const calls: WorkmailFakeCall[] = [];
  const hanging = new Set<http.ServerResponse>();
  const fake: Omit<WorkmailFake, 'endpoint' | 'close'> = { calls, replies: {} };
  const answer = (res: http.ServerResponse, status: number, payload: Record<string, unknown>, errorType?: string): void => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': '00000000-0000-4000-8000-000000000000' };
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    res.writeHead(status, headers);
    res.end(JSON.stringify(payload));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^WorkMailService\./, '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        answer(res, 400, { __type: 'SerializationException', message: 'The body is not JSON' }, 'SerializationException');
        return;
      }
      calls.push({ operation, body, contentType: req.headers['content-type'], signed: /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '') });
      if (req.method !== 'POST' || !target.startsWith('WorkMailService.')) {
        answer(res, 400, { __type: 'UnknownOperationException', message: `Unknown target ${target}` }, 'UnknownOperationException');
        return;
      }
      const problem = shapeProblem(operation, body);
      if (problem) {
        answer(res, 400, { __type: 'InvalidParameterException', message: problem }, 'InvalidParameterException');
        return;
      }
      const reply = fake.replies[operation as WorkmailOperationName] ?? { result: {} };
      if (reply === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if ('error' in reply) answer(res, reply.status ?? 400, { __type: reply.error, message: reply.message }, reply.error);
      else answer(res, 200, reply.result);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
