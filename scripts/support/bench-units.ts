// The unit counts the benchmarks recorded, read from bench/results/*.json for the cost model (`npm run cost`):
// write units and throughput of the aggregator per batch size, and a route function's log bytes and chain time.
import fs from 'node:fs';
import path from 'node:path';
import type { AggregationPoint, MeasuredUnits } from '../../capabilities/cost/bill';

export const BENCH_RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');

interface AggregationResult {
  readonly at?: string;
  readonly workloads?: readonly {
    readonly workload?: { readonly name?: string; readonly batchSize?: number };
    readonly designs?: readonly {
      readonly design?: string;
      readonly eventsPerSecond?: number;
      readonly perThousandEvents?: { readonly modelWcu?: number };
    }[];
  }[];
}

interface RequestPathResult {
  readonly at?: string;
  readonly overhead?: { readonly logBytesPerRequest?: number; readonly full?: { readonly p50?: number } };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const sourceOf = (dir: string, file: string, at: string | undefined) =>
  `${path.relative(path.resolve(dir, '..', '..'), path.join(dir, file))}${at ? ` of ${at.slice(0, 16).replace('T', ' ')} UTC` : ''}`;

/**
 * The workload the cost model prices: `prod-routes`, the route contract's routes with their counter codes (what prod
 * meters); `realistic` (10 made-up routes with long keys, no codes) only where no run of the former exists.
 */
export const PRICED_WORKLOADS = ['prod-routes', 'realistic'] as const;

/** This aggregator on the priced workload, one point per batch size (the latest run of each size), with concurrent pollers where measured. */
export function aggregationPoints(dir = BENCH_RESULTS_DIR): AggregationPoint[] {
  const byWorkload = new Map<string, Map<number, AggregationPoint & { at: string }>>();
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^aggregation.*\.json$/.test(f)) : [];
  for (const file of files.sort()) {
    const result = readJson<AggregationResult>(path.join(dir, file));
    for (const entry of result?.workloads ?? []) {
      const batchSize = entry.workload?.batchSize;
      const workload = entry.workload?.name ?? '';
      // Prod-like first: the stage's pollers filling batches of the same seconds at once (issue 23), which costs more
      // than batches one after another (failed claim appends); a result from before that run has only the latter.
      const ours =
        entry.designs?.find((d) => d.design?.includes('pollers at once')) ??
        entry.designs?.find((d) => d.design?.startsWith('this aggregator'));
      const wcu = ours?.perThousandEvents?.modelWcu;
      if (!(PRICED_WORKLOADS as readonly string[]).includes(workload) || !batchSize || wcu === undefined || !ours?.eventsPerSecond)
        continue;
      const at = result?.at ?? '';
      const bySize = byWorkload.get(workload) ?? new Map<number, AggregationPoint & { at: string }>();
      byWorkload.set(workload, bySize);
      const known = bySize.get(batchSize);
      if (known && known.at >= at) continue;
      bySize.set(batchSize, {
        batchSize,
        workload,
        wcuPerEvent: Math.round(wcu) / 1_000,
        eventsPerSecond: ours.eventsPerSecond,
        source: sourceOf(dir, file, result?.at),
        at,
      });
    }
  }
  const priced = PRICED_WORKLOADS.map((w) => byWorkload.get(w)).find((points) => points !== undefined) ?? new Map();
  return [...priced.values()].map(({ at: _at, ...point }) => point).sort((a, b) => a.batchSize - b.batchSize);
}

/** Everything the cost model takes from the benchmarks' results. */
export function measuredUnits(dir = BENCH_RESULTS_DIR): MeasuredUnits {
  const requestPath = readJson<RequestPathResult>(path.join(dir, 'request-path.json'));
  const source = sourceOf(dir, 'request-path.json', requestPath?.at);
  const logBytes = requestPath?.overhead?.logBytesPerRequest;
  const p50 = requestPath?.overhead?.full?.p50;
  return {
    aggregation: aggregationPoints(dir),
    routeLogBytesPerRequest: logBytes === undefined ? undefined : { value: logBytes, source },
    routeChainP50Us: p50 === undefined ? undefined : { value: Math.round(p50), source },
  };
}
