// Prints a stage's bill per month and per million requests, line by line, at a monthly volume:
// `npm run cost -- --stage dev|prod [--requests-per-month 100M] [--active-keys N] [--json]`.
// Unit counts come from bench/results (rerun the benches to change them) or stated assumptions; prices from
// contracts/aws-prices.ts. Nothing is called on AWS.
import { type Bill, batchFill, billFor, perMillionOf } from '../capabilities/cost/bill';
import { formatUsd } from '../capabilities/cost/money';
import { PRICES_CHECKED_ON } from '../contracts/aws-prices';
import { type StageConfig, stageConfig } from '../contracts/stages';
import { measuredUnits } from './support/bench-units';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';

const USAGE = `usage: npm run cost -- --stage dev|prod [--requests-per-month N] [--active-keys N] [--json]
  --stage                the stage whose settings are priced (contracts/stages.ts)
  --requests-per-month   monthly volume: 1000000, 250k, 100M, 1B (default 100M)
  --active-keys          clients calling in a month: authorizer cache misses, counters (default 1,000)
  --json                 the bill as JSON (costs in USD as decimal strings)
Prices: us-east-1 list prices in contracts/aws-prices.ts; free tiers not subtracted. Unit counts: bench/results/*.json
where measured, otherwise the assumption printed on the line.`;

/** `100M` → 100,000,000; `250k`, `1B`, `1,000,000` and plain numbers too. */
export function parseVolume(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmMbB]?)$/.exec(text.replaceAll(',', '').replaceAll('_', ''));
  const value = match ? Number(match[1]) * { '': 1, k: 1e3, m: 1e6, b: 1e9 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'b'] : Number.NaN;
  if (!Number.isInteger(value) || value <= 0)
    throw new UsageError(`a volume must be a whole number above 0 like 100M, got ${JSON.stringify(text)}`, { withUsage: false });
  return value;
}

/** The stage settings that cut the bill, each with what its other value would cost (per million requests). */
export function settingCosts(bill: Bill, stage: StageConfig, volume: number, activeKeys: number | undefined): string[] {
  const measured = measuredUnits();
  const alternatives: [string, StageConfig][] = [
    [
      `telemetry.lambdaSystemLogLevel ${stage.telemetry.lambdaSystemLogLevel}`,
      {
        ...stage,
        telemetry: { ...stage.telemetry, lambdaSystemLogLevel: stage.telemetry.lambdaSystemLogLevel === 'INFO' ? 'WARN' : 'INFO' },
      },
    ],
    [
      `telemetry.routeRequestLog ${stage.telemetry.routeRequestLog}`,
      // `errors` needs the access log: the alternative of `all` keeps it as it is, that of `errors` turns it on.
      stage.telemetry.routeRequestLog === 'all'
        ? { ...stage, telemetry: { ...stage.telemetry, routeRequestLog: 'errors', accessLog: true } }
        : { ...stage, telemetry: { ...stage.telemetry, routeRequestLog: 'all' } },
    ],
    [
      `telemetry.tracing ${stage.telemetry.tracing.reservoirPerSecond}/s + ${stage.telemetry.tracing.rate * 100} %`,
      {
        ...stage,
        telemetry: {
          ...stage.telemetry,
          tracing:
            stage.telemetry.tracing.reservoirPerSecond === 1 && stage.telemetry.tracing.rate === 0.05
              ? { reservoirPerSecond: 0, rate: 0 }
              : { reservoirPerSecond: 1, rate: 0.05 },
        },
      },
    ],
  ];
  // The aggregator's batching window: fuller batches write each client-day's counters once for more events, and counts
  // (usage routes, quota alerts) lag by up to the window. 300 s is the most Lambda's SQS event source allows.
  alternatives.push([
    `usageBatchWindowSeconds ${stage.usageBatchWindowSeconds}`,
    { ...stage, usageBatchWindowSeconds: stage.usageBatchWindowSeconds >= MAX_BATCH_WINDOW_SECONDS ? 30 : MAX_BATCH_WINDOW_SECONDS },
  ]);
  if (stage.waf.enabled) {
    alternatives.push([
      `waf.logging ${stage.waf.logging ?? 'all'}`,
      { ...stage, waf: { ...stage.waf, logging: (stage.waf.logging ?? 'all') === 'all' ? 'blocked' : 'all' } },
    ]);
  }
  return alternatives.map(([setting, other]) => {
    const otherBill = billFor({ stage: other, requestsPerMonth: volume, measured, activeKeys });
    const delta = otherBill.total - bill.total;
    const what = describeAlternative(setting, other, volume);
    const sign = delta >= 0n ? '+' : '−';
    const abs = delta >= 0n ? delta : -delta;
    return `  ${setting.padEnd(42)} ${what.padEnd(34)} ${sign}${formatUsd(perMillionOf(bill, abs), 4)}/M  (${sign}${formatUsd(abs)}/month)`;
  });
}

/** Lambda's largest batching window for an SQS event source. */
const MAX_BATCH_WINDOW_SECONDS = 300;

function describeAlternative(setting: string, other: StageConfig, volume: number): string {
  if (setting.startsWith('usageBatchWindowSeconds')) {
    const fill = Math.round(batchFill(other, volume)).toLocaleString('en-US');
    return `with ${other.usageBatchWindowSeconds} s (batches ~${fill}, counts up to ${other.usageBatchWindowSeconds} s late):`;
  }
  if (setting.startsWith('telemetry.lambdaSystemLogLevel')) return `with ${other.telemetry.lambdaSystemLogLevel}:`;
  if (setting.startsWith('telemetry.routeRequestLog')) return `with ${other.telemetry.routeRequestLog}:`;
  if (setting.startsWith('telemetry.tracing')) {
    const t = other.telemetry.tracing;
    return t.rate === 0 && t.reservoirPerSecond === 0
      ? 'with tracing off:'
      : `with ${t.reservoirPerSecond}/s + ${t.rate * 100} % (Lambda's default):`;
  }
  return `with ${other.waf.logging}:`;
}

export function renderBill(bill: Bill): string {
  const rows = bill.lines.map((line) => [
    `${line.metering ? '*' : ' '} ${line.service}`,
    line.item,
    line.quantity,
    formatUsd(line.cost),
    formatUsd(perMillionOf(bill, line.cost), 4),
    line.basis,
  ]);
  const header = ['  service', 'item', 'quantity', '$/month', '$/M req', 'unit count from'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.slice(0).map((r) => r[i].length)));
  const money = new Set([3, 4]);
  const format = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : money.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ');
  const totalRow = ['  total', '', '', formatUsd(bill.total), formatUsd(perMillionOf(bill, bill.total), 4), ''];
  const meteringShare = perMillionOf(bill, bill.metering);
  return [
    `Bill of stage ${bill.stageName} at ${bill.requestsPerMonth.toLocaleString('en-US')} requests a month (us-east-1 list prices checked ${PRICES_CHECKED_ON}; free tiers not subtracted)`,
    '',
    format(header),
    ...rows.map(format),
    format(totalRow),
    '',
    `per million requests: ${formatUsd(perMillionOf(bill, bill.total), 3)}  (REST API calls alone, the floor: ${formatUsd(perMillionOf(bill, bill.restFloor), 3)})`,
    `metering's own share (lines marked *): ${formatUsd(meteringShare, 3)} per million above the REST floor, ${formatUsd(bill.metering)} a month`,
  ].join('\n');
}

function billJson(bill: Bill): unknown {
  const usd = (cost: bigint) => formatUsd(cost, 6).replace(/[$,]/g, '');
  return {
    stage: bill.stageName,
    requestsPerMonth: bill.requestsPerMonth,
    pricesCheckedOn: PRICES_CHECKED_ON,
    lines: bill.lines.map((line) => ({
      ...line,
      cost: undefined,
      usdPerMonth: usd(line.cost),
      usdPerMillion: usd(perMillionOf(bill, line.cost)),
    })),
    usdPerMonth: usd(bill.total),
    usdPerMillion: usd(perMillionOf(bill, bill.total)),
    restFloorUsdPerMillion: usd(perMillionOf(bill, bill.restFloor)),
    meteringUsdPerMillion: usd(perMillionOf(bill, bill.metering)),
  };
}

async function main(argv: string[]): Promise<undefined> {
  const { values } = parseFlags(argv, {
    stage: { type: 'string' },
    'requests-per-month': { type: 'string' },
    'active-keys': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.stage === undefined) throw new UsageError('--stage is required (dev or prod)');
  let stage: StageConfig;
  try {
    stage = stageConfig(values.stage);
  } catch (error) {
    throw new UsageError(`--stage: ${(error as Error).message}`, { withUsage: false });
  }
  const volume = parseVolume(values['requests-per-month'] ?? '100M');
  const activeKeys = values['active-keys'] === undefined ? undefined : parseVolume(values['active-keys']);
  const bill = billFor({ stage, requestsPerMonth: volume, measured: measuredUnits(), activeKeys });
  if (values.json) {
    console.log(JSON.stringify(billJson(bill), null, 2));
    return;
  }
  console.log(renderBill(bill));
  console.log('');
  console.log('stage settings that cut the bill (contracts/stages.ts), and what the other choice would cost:');
  for (const line of settingCosts(bill, stage, volume, activeKeys)) console.log(line);
}

export const costCommand: Command = { name: 'cost', usage: USAGE, run: main };

runCommand(costCommand, module);
