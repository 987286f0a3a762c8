// A Stripe stand-in for the twin and the tests, only the endpoints the billing push uses: customers, billing meters,
// meter events and meter event summaries. Faithful to what Stripe documents for them (docs/billing.md "Stripe"): an
// event identifier is unique within a rolling 24 h (after that, a resent identifier counts again), timestamps within
// the past 35 days and at most 5 minutes ahead, a rate limit answered with 429, errors as `{ error: { type, code,
// message, param } }`. Listens on loopback only; the clock and faults are injectable.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const DAY_S = 86_400;
/** Stripe: "Must be within the past 35 calendar days or up to 5 minutes in the future". */
export const MAX_AGE_S = 35 * DAY_S;
export const MAX_AHEAD_S = 5 * 60;
/** Stripe: "We will enforce uniqueness within a rolling period of at least 24 hours" (exactly 24 h here, the least). */
export const IDENTIFIER_WINDOW_S = DAY_S;

export interface EmulatorOptions {
  /** The secret key requests must carry (`Authorization: Bearer …`). */
  readonly secret: string;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Requests per second before 429. @default 25 (Stripe's documented default for test mode) */
  readonly ratePerSecond?: number;
}

interface MeterEventRecord {
  readonly identifier: string;
  readonly eventName: string;
  readonly customer: string;
  readonly value: number;
  readonly timestamp: number;
  readonly created: number;
}

/**
 * What the next meter event request does instead of answering: record it and drop the connection (an unknown
 * outcome); drop it unrecorded; or record it and never answer (the caller hangs there, e.g. until it is killed).
 */
export type Fault = 'record-then-drop' | 'drop-before-record' | 'record-then-hang';

export interface StripeEmulator {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly events: readonly MeterEventRecord[];
  /** Sum of recorded meter event values per customer (every event, as Stripe's `sum` meter aggregates). */
  totals(eventName?: string): Map<string, number>;
  /**
   * The next `times` meter event requests fail this way. The `stripe` package resends a request whose connection closed
   * once, even with retries off (its Idempotency-Key lets Stripe dedupe it), so a lost answer takes `times: 2`.
   */
  injectFault(fault: Fault, times?: number): void;
  stop(): Promise<void>;
}

class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** `a[b][c]=v` form fields as nested objects, as Stripe's form encoding writes them. */
export function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function errorBody(error: unknown): [number, string] {
  const e = error instanceof StripeError ? error : new StripeError(500, 'api_error', 'An unknown error occurred');
  const payload = {
    error: { type: e.type, message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.param ? { param: e.param } : {}) },
  };
  return [e.status, JSON.stringify(payload)];
}

function answer(res: ServerResponse, error: unknown): void {
  const [status, body] = errorBody(error);
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

const DROP = Symbol('drop the connection after this answer');
const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;
const bad = (message: string, param?: string, code = 'parameter_invalid') =>
  new StripeError(400, 'invalid_request_error', message, code, param);

export async function startStripeEmulator(options: EmulatorOptions): Promise<StripeEmulator> {
  const now = options.now ?? Date.now;
  const rate = options.ratePerSecond ?? 25;
  const customers = new Map<string, { id: string; name?: string; email?: string }>();
  const meters = new Map<string, { id: string; event_name: string; display_name: string }>();
  const events: MeterEventRecord[] = [];
  const identifiers = new Map<string, number>();
  const faults: Fault[] = [];
  /** Stripe keeps an idempotency key's first answer for 24 h and replays it to a request with the same key. */
  const idempotent = new Map<string, { at: number; status: number; body: string }>();
  let window = { second: 0, count: 0 };

  const authorize = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const key = header.startsWith('Bearer ')
      ? header.slice(7)
      : Buffer.from(header.replace(/^Basic /, ''), 'base64')
          .toString()
          .replace(/:$/, '');
    if (key !== options.secret)
      // Stripe names a wrong key by its last four characters only.
      throw new StripeError(401, 'invalid_request_error', `Invalid API Key provided: ****${key.slice(-4)}`);
  };

  const limit = () => {
    const second = Math.floor(now() / 1000);
    window = window.second === second ? { second, count: window.count + 1 } : { second, count: 1 };
    if (window.count > rate)
      throw new StripeError(
        429,
        'invalid_request_error',
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        'rate_limit',
      );
  };

  const createMeterEvent = (form: Record<string, unknown>) => {
    const eventName = String(form.event_name ?? '');
    if (![...meters.values()].some((m) => m.event_name === eventName))
      throw bad(`No active meter found for event_name ${eventName}`, 'event_name');
    const payload = (form.payload ?? {}) as Record<string, string>;
    const customer = payload.stripe_customer_id;
    if (!customer || !customers.has(customer))
      throw bad(`No such customer: '${customer ?? ''}'`, 'payload[stripe_customer_id]', 'resource_missing');
    const value = Number(payload.value);
    if (!Number.isFinite(value) || payload.value === undefined || payload.value === '')
      throw bad('value must be a number', 'payload[value]');
    const nowS = Math.floor(now() / 1000);
    const timestamp = form.timestamp === undefined ? nowS : Number(form.timestamp);
    if (!Number.isInteger(timestamp)) throw bad('Invalid integer', 'timestamp', 'parameter_invalid_integer');
    if (timestamp < nowS - MAX_AGE_S) throw bad('Timestamp must be within the past 35 days.', 'timestamp', 'timestamp_too_far_in_past');
    if (timestamp > nowS + MAX_AHEAD_S)
      throw bad('Timestamp must not be more than 5 minutes in the future.', 'timestamp', 'timestamp_in_future');
    const identifier = form.identifier === undefined ? id('evt') : String(form.identifier);
    if (identifier.length > 100) throw bad('identifier must be at most 100 characters', 'identifier');
    const seen = identifiers.get(identifier);
    if (seen !== undefined && nowS - seen < IDENTIFIER_WINDOW_S)
      throw bad(`An event already exists with identifier ${identifier}.`, 'identifier', 'duplicate_meter_event');
    identifiers.set(identifier, nowS);
    const record = { identifier, eventName, customer, value, timestamp, created: nowS };
    events.push(record);
    return { object: 'billing.meter_event', created: nowS, event_name: eventName, identifier, livemode: false, payload, timestamp };
  };

  const summaries = (meterId: string, query: URLSearchParams) => {
    const meter = meters.get(meterId);
    if (!meter) throw new StripeError(404, 'invalid_request_error', `No such billing meter: '${meterId}'`, 'resource_missing', 'id');
    const customer = query.get('customer');
    if (!customer) throw bad('Missing required param: customer.', 'customer', 'parameter_missing');
    const start = Number(query.get('start_time'));
    const end = Number(query.get('end_time'));
    // Stripe: start_time and end_time "Must be aligned with minute boundaries".
    for (const [name, value] of [
      ['start_time', start],
      ['end_time', end],
    ] as const) {
      if (!Number.isInteger(value) || value % 60 !== 0) throw bad(`${name} must be aligned with minute boundaries`, name);
    }
    const value = events
      .filter((e) => e.eventName === meter.event_name && e.customer === customer && e.timestamp >= start && e.timestamp < end)
      .reduce((sum, e) => sum + e.value, 0);
    const data = [
      {
        id: id('mtrusg'),
        object: 'billing.meter_event_summary',
        aggregated_value: value,
        start_time: start,
        end_time: end,
        livemode: false,
        meter: meterId,
      },
    ];
    return { object: 'list', data, has_more: false, url: `/v1/billing/meters/${meterId}/event_summaries` };
  };

  const route = (method: string, url: URL, form: Record<string, unknown>, res: ServerResponse): unknown => {
    const path = url.pathname;
    if (method === 'POST' && path === '/v1/customers') {
      const customer = {
        id: id('cus').replace('_test', ''),
        name: form.name as string | undefined,
        email: form.email as string | undefined,
      };
      customers.set(customer.id, customer);
      return { object: 'customer', livemode: false, ...customer };
    }
    const customer = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (method === 'GET' && customer) {
      const found = customers.get(customer[1]);
      if (!found) throw new StripeError(404, 'invalid_request_error', `No such customer: '${customer[1]}'`, 'resource_missing', 'id');
      return { object: 'customer', livemode: false, ...found };
    }
    if (method === 'POST' && path === '/v1/billing/meters') {
      const eventName = String(form.event_name ?? '');
      if (!eventName) throw bad('Missing required param: event_name.', 'event_name', 'parameter_missing');
      if ([...meters.values()].some((m) => m.event_name === eventName))
        throw bad(`A meter with event_name ${eventName} already exists.`, 'event_name');
      const meter = { id: id('mtr'), event_name: eventName, display_name: String(form.display_name ?? eventName) };
      meters.set(meter.id, meter);
      return { object: 'billing.meter', status: 'active', default_aggregation: { formula: 'sum' }, livemode: false, ...meter };
    }
    if (method === 'GET' && path === '/v1/billing/meters') {
      const data = [...meters.values()].map((m) => ({
        object: 'billing.meter',
        status: 'active',
        default_aggregation: { formula: 'sum' },
        ...m,
      }));
      return { object: 'list', data, has_more: false, url: path };
    }
    const summary = /^\/v1\/billing\/meters\/([^/]+)\/event_summaries$/.exec(path);
    if (method === 'GET' && summary) return summaries(summary[1], url.searchParams);
    if (method === 'POST' && path === '/v1/billing/meter_events') {
      const injected = faults.shift();
      const event = createMeterEvent(form);
      // Recorded, then the connection drops before the answer: the caller cannot know (Stripe keeps the answer for
      // the request's Idempotency-Key all the same).
      if (injected === 'record-then-hang') return undefined;
      return injected === 'record-then-drop' ? { [DROP]: event } : event;
    }
    throw new StripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        authorize(req);
        limit();
      } catch (error) {
        answer(res, error);
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/billing/meter_events' && faults[0] === 'drop-before-record') {
        faults.shift();
        res.socket?.destroy();
        return;
      }
      const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
      const replay = typeof key === 'string' ? idempotent.get(key) : undefined;
      if (replay && now() - replay.at < DAY_S * 1000) {
        res.writeHead(replay.status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(replay.body);
        return;
      }
      let status = 200;
      let body: string;
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const result = route(req.method ?? 'GET', url, parseForm(Buffer.concat(chunks).toString('utf8')), res);
        if (result === undefined) return;
        const dropped = (result as Record<symbol, unknown>)[DROP];
        body = JSON.stringify(dropped ?? result);
        if (dropped !== undefined) {
          if (typeof key === 'string') idempotent.set(key, { at: now(), status, body });
          res.socket?.destroy();
          return;
        }
      } catch (error) {
        [status, body] = errorBody(error);
      }
      if (typeof key === 'string') idempotent.set(key, { at: now(), status, body });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    events,
    totals: (eventName) => {
      const totals = new Map<string, number>();
      for (const e of events) if (!eventName || e.eventName === eventName) totals.set(e.customer, (totals.get(e.customer) ?? 0) + e.value);
      return totals;
    },
    injectFault: (f, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(f);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
