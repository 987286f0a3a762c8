// The twin's stand-in for EventBridge: an HTTP endpoint on loopback that speaks PutEvents (the SDK's
// awsJson1_1 protocol, reached through AWS_ENDPOINT_URL_EVENTBRIDGE), so the aggregator and the alert
// sweeper run unchanged; each entry is appended, as the event EventBridge would deliver to a target,
// to a JSON-lines event log beside the twin's other logs (`npm run events -- --local` prints it). As strict as
// EventBridge where the code depends on it: at most 10 entries and under 1 MiB of entries per request
// (local/aws-limits.ts), and only the twin's access key id, addressed to loopback, never from a browser.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './fake-aws';
import { EVENTBRIDGE_PUT_EVENTS } from './aws-limits';
import { emulatorRefusal } from './services/loopback-guard.mjs';

/** One event as EventBridge hands it to a rule's target. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: unknown;
}

export interface LocalEventBus {
  readonly endpoint: string;
  /** Events put so far (most recent 1,000). */
  events(): BusEvent[];
  stop(): Promise<void>;
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: unknown;
}

/** EventBridge's size of one entry: Time counts 14 bytes; Source, DetailType, Detail and each resource their UTF-8 bytes. */
export function putEventsEntrySize(entry: PutEventsEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  return (
    (entry.Time !== undefined && entry.Time !== null ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (Array.isArray(entry.Resources) ? entry.Resources.reduce((n, r) => n + bytes(r), 0) : 0)
  );
}

/** Why EventBridge refuses the whole request before looking at any entry, or undefined. */
function putEventsRefusal(entries: PutEventsEntry[]): string | undefined {
  if (entries.length > EVENTBRIDGE_PUT_EVENTS.maxEntries) {
    return `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${EVENTBRIDGE_PUT_EVENTS.maxEntries}`;
  }
  const total = entries.reduce((n, entry) => n + putEventsEntrySize(entry), 0);
  // "The total entry size must be less than 1MB."
  if (total >= EVENTBRIDGE_PUT_EVENTS.maxTotalEntryBytes) return 'Total size of the entries in the request is over the limit.';
  return undefined;
}

const KEPT = 1_000;

export async function startLocalEventBus(options: {
  port: number;
  host?: string;
  busName: string;
  logFile?: string;
  /** Refuse requests not signed with this access key id (the twin's per-start credentials); any key when absent. */
  accessKeyId?: string;
}): Promise<LocalEventBus> {
  const kept: BusEvent[] = [];
  if (options.logFile) fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const answer = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const refusal = emulatorRefusal(req, options.accessKeyId);
    if (refusal) {
      req.resume();
      return refusal === 'credentials'
        ? answer(res, 400, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' })
        : answer(res, 403, {
            __type: 'AccessDeniedException',
            message: 'The twin accepts requests to 127.0.0.1 or localhost, not from a browser.',
          });
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        return answer(res, 400, { __type: 'UnknownOperationException', message: 'the twin supports PutEvents only' });
      }
      let entries: PutEventsEntry[];
      try {
        entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsEntry[] }).Entries ?? [];
      } catch {
        return answer(res, 400, { __type: 'ValidationException', message: 'body is not JSON' });
      }
      const refused = putEventsRefusal(entries);
      if (refused) return answer(res, 400, { __type: 'ValidationException', message: refused });
      const results = entries.map((entry) => {
        if ((entry.EventBusName ?? 'default') !== options.busName) {
          return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'no such event bus on the twin' };
        }
        let detail: unknown;
        try {
          detail = JSON.parse(entry.Detail ?? '');
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not a JSON object' };
        }
        const event: BusEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': String(entry.DetailType ?? ''),
          source: String(entry.Source ?? ''),
          account: LOCAL_ACCOUNT_ID,
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: LOCAL_REGION,
          resources: entry.Resources ?? [],
          detail,
        };
        if (options.logFile) fs.appendFileSync(options.logFile, `${JSON.stringify(event)}\n`, { mode: 0o600 });
        kept.push(event);
        if (kept.length > KEPT) kept.shift();
        return { EventId: event.id };
      });
      answer(res, 200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  return {
    endpoint: `http://${host}:${options.port}`,
    events: () => [...kept],
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
