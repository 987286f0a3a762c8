// An open-loop (fixed-rate) HTTP load without coordinated omission: request i is due at start + i / rate,
// evenly spaced, whatever the answers so far; its latency is measured from that intended send time, so a
// request that waits for a free connection or for the generator's own timer counts the wait. autocannon's
// `overallRate` (used before) sends each connection's share at the start of every second, in one burst, and
// measures from the actual send: neither is a steady 500 req/s.
import http from 'node:http';
import { percentile } from './support';

export interface OpenLoopConfig {
  readonly url: string;
  /** Requests rotate over these keys (`x-api-key`). */
  readonly keys: readonly string[];
  readonly rate: number;
  readonly seconds: number;
  /** Most sockets open at once (keep-alive); a due request beyond it waits, and its wait is counted. */
  readonly maxSockets: number;
  /** A request not answered this long after its intended time is a timeout. */
  readonly timeoutMs?: number;
}

export interface OpenLoopResult {
  readonly offered: number;
  /** Answers (any status) per second: over the load's seconds, or to the last answer when that came later. */
  readonly reqPerSec: number;
  /** Latency from the intended send time, ms. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** How late the generator itself sent requests (actual − intended), ms: it must stay small for the figures to hold. */
  readonly sendLagP99: number;
  readonly sendLagMax: number;
  /** Latency from the actual send (what a closed-loop tool reports), ms. */
  readonly serviceP99: number;
  readonly statusCounts: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
  readonly durationS: number;
  /** Most requests in flight at once. */
  readonly maxInFlight: number;
}

export async function runOpenLoop(config: OpenLoopConfig): Promise<OpenLoopResult> {
  const target = new URL(config.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.maxSockets });
  const total = Math.round(config.rate * config.seconds);
  const intervalMs = 1000 / config.rate;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  const serviceTimes: number[] = [];
  const sendLags: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lastAnswer = 0;
  const start = performance.now() + 50;

  const send = (i: number, intended: number) =>
    new Promise<void>((resolve) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const sentAt = performance.now();
      sendLags.push(sentAt - intended);
      let settled = false;
      const done = (status: number | 'error' | 'timeout') => {
        if (settled) return;
        settled = true;
        const now = performance.now();
        inFlight -= 1;
        lastAnswer = Math.max(lastAnswer, now);
        if (status === 'error') errors += 1;
        else if (status === 'timeout') timeouts += 1;
        else {
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
          latencies.push(now - intended);
          serviceTimes.push(now - sentAt);
        }
        resolve();
      };
      const request = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          agent,
          headers: { 'x-api-key': config.keys[i % config.keys.length] },
        },
        (response) => {
          response.resume();
          response.once('end', () => done(response.statusCode ?? 0));
          response.once('error', () => done('error'));
        },
      );
      request.setTimeout(Math.max(1, intended + timeoutMs - sentAt), () => {
        request.destroy();
        done('timeout');
      });
      request.on('error', () => done('error'));
      request.end();
    });

  const pending: Array<Promise<void>> = [];
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        pending.push(send(next, start + next * intervalMs));
        next += 1;
      }
      if (next >= total) return resolve();
      // Sleep until the next request is due; setTimeout's granularity is 1 ms, the lag is recorded anyway.
      setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now() - 0.5));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(pending);
  agent.destroy();

  const sorted = latencies.sort((a, b) => a - b);
  const lags = sendLags.sort((a, b) => a - b);
  const service = serviceTimes.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  const durationS = Math.max(config.seconds, (lastAnswer - start) / 1000);
  return {
    offered: config.rate,
    reqPerSec: sorted.length / durationS,
    p50: r(percentile(sorted, 0.5)),
    p90: r(percentile(sorted, 0.9)),
    p99: r(percentile(sorted, 0.99)),
    p999: r(percentile(sorted, 0.999)),
    max: r(sorted[sorted.length - 1] ?? NaN),
    sendLagP99: r(percentile(lags, 0.99)),
    sendLagMax: r(lags[lags.length - 1] ?? NaN),
    serviceP99: r(percentile(service, 0.99)),
    statusCounts,
    errors,
    timeouts,
    durationS: r(durationS),
    maxInFlight,
  };
}
