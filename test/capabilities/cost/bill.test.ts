// The bill of a stage: lines add up to the total exactly, the metering share is its marked lines, each telemetry
// setting moves its own line only, and the measured unit counts are the ones used (with the batch fill they hold for).
import {
  accessLogLineBytes,
  aggregationPointFor,
  batchFill,
  billFor,
  type MeasuredUnits,
  tracesPerMonth,
} from '../../../capabilities/cost/bill';
import { perMillion, sum } from '../../../capabilities/cost/money';
import { STAGES, type StageConfig } from '../../../contracts/stages';

const MEASURED: MeasuredUnits = {
  aggregation: [
    { batchSize: 1_000, workload: 'prod-routes', wcuPerEvent: 0.296, eventsPerSecond: 1_000, source: 'a' },
    { batchSize: 5_000, workload: 'prod-routes', wcuPerEvent: 0.112, eventsPerSecond: 3_800, source: 'b' },
  ],
  routeLogBytesPerRequest: { value: 883, source: 'c' },
  routeChainP50Us: { value: 243, source: 'c' },
};
const line = (stage: StageConfig, item: string, requests = 100_000_000) =>
  billFor({ stage, requestsPerMonth: requests, measured: MEASURED }).lines.find((l) => l.item.startsWith(item))!;

test.each([1_000_000, 100_000_000, 1_000_000_000, 123_456_789])(
  '%s requests: the lines sum to the total exactly; metering is the marked lines',
  (requests) => {
    const bill = billFor({ stage: STAGES.prod, requestsPerMonth: requests, measured: MEASURED });
    expect(sum(bill.lines.map((l) => l.cost))).toBe(bill.total);
    expect(sum(bill.lines.filter((l) => l.metering).map((l) => l.cost))).toBe(bill.metering);
    expect(bill.restFloor).toBe(bill.lines[0].cost);
    expect(bill.lines.every((l) => l.cost >= 0n && l.basis.length > 0)).toBe(true);
  },
);

test('the REST floor is $3.50 per million up to 333 M a month, less above', () => {
  const at = (requests: number) => {
    const bill = billFor({ stage: STAGES.prod, requestsPerMonth: requests, measured: MEASURED });
    return perMillion(bill.restFloor, requests);
  };
  expect(at(100_000_000)).toBe(3_500_000_000_000n);
  expect(at(1_000_000_000)).toBe(3_033_100_000_000n);
});

test('WAF lines only where the stage turns WAF on', () => {
  expect(billFor({ stage: STAGES.dev, requestsPerMonth: 1_000_000, measured: MEASURED }).lines.some((l) => l.service === 'WAF')).toBe(
    false,
  );
  expect(line(STAGES.prod, 'requests inspected').cost).toBe(60_000_000_000_000n);
});

test('each telemetry setting changes its own line', () => {
  const prod = STAGES.prod;
  const withInfo = { ...prod, telemetry: { ...prod.telemetry, lambdaSystemLogLevel: 'INFO' as const } };
  expect(line(prod, 'Lambda platform lines').cost).toBe(0n);
  expect(line(withInfo, 'Lambda platform lines').cost).toBeGreaterThan(0n);
  const noAccessLog = { ...prod, telemetry: { ...prod.telemetry, accessLog: false } };
  expect(line(noAccessLog, 'API Gateway access log').cost).toBe(0n);
  expect(line(prod, 'API Gateway access log').cost).toBeGreaterThan(0n);
  const wafAll = { ...prod, waf: { ...prod.waf, logging: 'all' as const } };
  expect(Number(line(wafAll, 'WAF log').cost) / Number(line(prod, 'WAF log').cost)).toBeCloseTo(100, 3); // blocked share assumed 1 %
  const untraced = { ...prod, telemetry: { ...prod.telemetry, tracing: { reservoirPerSecond: 0, rate: 0 } } };
  expect(line(untraced, 'traces recorded').cost).toBe(0n);
});

test('X-Ray: the reservoir first, then the rate of the rest', () => {
  expect(tracesPerMonth({ reservoirPerSecond: 0, rate: 0.01 }, 100_000_000)).toBe(1_000_000);
  expect(tracesPerMonth({ reservoirPerSecond: 1, rate: 0.05 }, 1_000_000)).toBe(1_000_000); // all of a quiet month
});

test('the batch fill follows the rate and the window, and picks the measured WCU for it (flagged when below every measured size)', () => {
  expect(batchFill(STAGES.prod, 2_628_000_000)).toBe(5_000); // 1,000/s × 30 s / 5 pollers = 6,000 → the batch size
  expect(Math.round(batchFill(STAGES.prod, 100_000_000))).toBe(228);
  expect(aggregationPointFor(MEASURED.aggregation, 5_000)).toEqual({ point: MEASURED.aggregation[1], understated: false });
  expect(aggregationPointFor(MEASURED.aggregation, 4_999)).toEqual({ point: MEASURED.aggregation[0], understated: false });
  expect(aggregationPointFor(MEASURED.aggregation, 228)).toEqual({ point: MEASURED.aggregation[0], understated: true });
  expect(line(STAGES.prod, 'counting writes').basis).toMatch(/below any measured size: understated/);
  expect(() => aggregationPointFor([], 1)).toThrow(/run `npm run bench -- aggregation`/);
});

test('the access log line is priced from the stage fields, never the key', () => {
  expect(accessLogLineBytes()).toBeGreaterThan(300);
  expect(accessLogLineBytes()).toBeLessThan(600);
});
