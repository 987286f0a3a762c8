// `npm run bench -- gate`: the admission gate at 100,000 clients with Zipf traffic on DynamoDB Local (bench/gate-scale.ts):
// decisions/s, p50/p99 of the gate check, write units per admitted request from ConsumedCapacity, the hottest client,
// exactness against a model of every client's windows; beside it, what the gateway path and the gate cost per million
// requests (capabilities/cost, contracts/aws-prices.ts); and the gate's added latency in a route function's chain
// (bench/gate-chain.ts). Load average printed beside every timed figure.
// Env: QUICK=1 (10,000 clients, 20,000 requests), CLIENTS, REQUESTS (100,000), ZIPF_S (1.1), SECONDS (100), CONCURRENCY (8),
// PROBE_SECONDS (3, run one admission at a time), ENVIRONMENTS (10), PAIRS (2,000 chain calls each side), SEED, RESULTS_NAME.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { billFor, perMillionOf } from '../capabilities/cost/bill';
import { costOf, formatUsd } from '../capabilities/cost/money';
import { PRICES, PRICES_CHECKED_ON } from '../contracts/aws-prices';
import { STAGES } from '../contracts/stages';
import { startDynamoDbLocal } from '../local/services/dynamodb-local';
import { measuredUnits } from '../scripts/support/bench-units';
import { measureGateInChain } from './gate-chain';
import { runGateScale } from './gate-scale';
import { QUICK, round, summarize, writeResults } from './support';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CLIENTS = num('CLIENTS', QUICK ? 10_000 : 100_000);
const REQUESTS = num('REQUESTS', QUICK ? 20_000 : 100_000);
/** The monthly volume the per-million figures are priced at (`npm run cost`'s default). */
const VOLUME = 100_000_000;

const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
const fmt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: __dirname, encoding: 'utf8' }).trim() !== '';
  const dynamo = await startDynamoDbLocal();
  try {
    console.log(`gate at scale on DynamoDB Local, commit ${commit}${dirty ? ' (with uncommitted changes)' : ''}, load average ${load()}`);
    const run = await runGateScale(
      {
        endpoint: dynamo.endpoint,
        tableName: 'gate-scale',
        clients: CLIENTS,
        requests: REQUESTS,
        zipfS: num('ZIPF_S', 1.1),
        seconds: num('SECONDS', 100),
        secondSpacingMs: 30_000,
        concurrency: num('CONCURRENCY', 8),
        probeSeconds: num('PROBE_SECONDS', QUICK ? 2 : 3),
        environments: num('ENVIRONMENTS', 10),
        seed: num('SEED', 20),
      },
      (line) => console.log(`${line}  (load ${load()})`),
    );
    const admissionLoad = load();
    const all = summarize(run.latenciesMs);
    const { meter } = run;
    const top = summarize(run.topClientLatenciesMs);
    const probe = summarize(run.probeLatenciesMs);
    const decisionsPerSecond = run.loadedDecisions / run.admissionSeconds;
    const wrongGuesses = meter.failedConditions - run.refused;
    // A refused conditional write is billed 1 WCU on AWS (items under 1 KB); DynamoDB Local reports nothing for it.
    const wcu = meter.reportedWcu + meter.failedConditions;
    const wcuPerDecision = wcu / run.decisions;
    const wcuPerAdmitted = wcu / run.admitted;
    const rcuPerDecision = meter.reportedRcu / run.decisions;
    const topWritesPerSecond = run.topClientShare * decisionsPerSecond;

    // Cost beside the gateway path: API Gateway's usage plans enforce at no charge beyond the REST call both paths pay.
    const bill = billFor({ stage: STAGES.prod, requestsPerMonth: VOLUME, measured: measuredUnits() });
    const baselinePerMillion = perMillionOf(bill, bill.total);
    const gatePerMillion = (perRequest: number) =>
      costOf(PRICES.dynamoDbWriteRequestUnit, perRequest * 1_000_000) + costOf(PRICES.dynamoDbReadRequestUnit, rcuPerDecision * 1_000_000);
    const perMillionDecisions = gatePerMillion(wcuPerDecision);
    const perMillionAdmitted = gatePerMillion(wcuPerAdmitted);
    const share = (pico: bigint) => `${((Number(pico) / Number(baselinePerMillion)) * 100).toFixed(1)} %`;

    const rows = [
      ['clients seeded (BatchWriteItem, 25 a call)', `${fmt(run.seededItems)} in ${run.seedSeconds.toFixed(1)} s`],
      [
        'requests (Zipf s over clients)',
        `${fmt(run.decisions)} (s = ${run.options.zipfS}), ${run.options.seconds} request seconds 30 s apart`,
      ],
      ['admitted / refused', `${fmt(run.admitted)} / ${fmt(run.refused)}`],
      ['admission decisions/s', `${fmt(Math.round(decisionsPerSecond))} (concurrency ${run.options.concurrency}; load ${admissionLoad})`],
      ['gate check p50 / p99 (ms), under that load', `${round(all.p50, 2)} / ${round(all.p99, 2)} (load ${admissionLoad})`],
      [
        'gate check p50 / p99 (ms), one at a time',
        `${round(probe.p50, 2)} / ${round(probe.p99, 2)} (${fmt(probe.n)} decisions; load ${admissionLoad})`,
      ],
      ['hottest client: share, p50 / p99 (ms)', `${(run.topClientShare * 100).toFixed(1)} %, ${round(top.p50, 2)} / ${round(top.p99, 2)}`],
      [
        'UpdateItem calls / decision',
        `${round(meter.updates / run.decisions, 3)} (failed conditions: ${fmt(run.refused)} refusals + ${fmt(wrongGuesses)} wrong guesses)`,
      ],
      ['WCU / decision (reported + 1 per failed condition)', `${round(wcuPerDecision, 3)}`],
      ['WCU / admitted request', `${round(wcuPerAdmitted, 3)}`],
      ['RCU / decision', `${round(rcuPerDecision, 3)} (${meter.reads} reads)`],
      ['over-admitted units (vs model)', `${run.overAdmitted}`],
      ['under-admitted units (vs model)', `${run.underAdmitted}`],
      [
        'clients refused at least once; of those exact',
        `${fmt(run.limitedClients)}; ${run.overAdmitted + run.underAdmitted === 0 ? 'all' : 'not all'}`,
      ],
      ['clients over the daily quota; admitted exactly the quota', `${fmt(run.overQuotaClients)}; ${fmt(run.overQuotaAtQuota)}`],
      ['gate items whose day count ≠ admitted', `${run.storedMismatches}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log();
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    console.log(`\ncost per million requests, prod, ${fmt(VOLUME)} a month (list prices checked ${PRICES_CHECKED_ON}):`);
    console.log(
      `  gateway plans (usage plans enforce; no extra unit)   ${formatUsd(baselinePerMillion, 4)}  (npm run cost -- --stage prod)`,
    );
    console.log(
      `  gate plans: + gate writes per decision               +${formatUsd(perMillionDecisions, 4)}  (+${share(perMillionDecisions)})`,
    );
    console.log(
      `  gate plans: + gate writes per admitted request       +${formatUsd(perMillionAdmitted, 4)}  (+${share(perMillionAdmitted)})`,
    );
    console.log(
      `\nhot key: at ${fmt(Math.round(decisionsPerSecond))} decisions/s the hottest client's item takes ${fmt(Math.round(topWritesPerSecond))} decisions/s (a write or more each);` +
        ` DynamoDB's ~1,000 WCU/s per item is reached at ${fmt(Math.round(1000 / run.topClientShare))} decisions/s of this mix (derived)`,
    );
    // The gate in the chain: the same route function, a gateway-plan and a gate-plan caller interleaved.
    const chain = await measureGateInChain({
      endpoint: dynamo.endpoint,
      tableName: 'gate-chain',
      pairs: num('PAIRS', QUICK ? 500 : 2_000),
      clients: CLIENTS,
      zipfS: run.options.zipfS,
      seed: run.options.seed + 1,
    });
    const chainLoad = load();
    const viaGateway = summarize(chain.gateway.latenciesMs);
    const viaGate = summarize(chain.gate.latenciesMs);
    console.log(`
GET /v1/hello through the route chain, one call at a time, ${fmt(viaGate.n)} pairs interleaved (load ${chainLoad}):`);
    console.log(
      `  gateway plan (standard): p50 ${round(viaGateway.p50, 2)} ms, p99 ${round(viaGateway.p99, 2)} ms  ${JSON.stringify(chain.gateway.statuses)}`,
    );
    console.log(
      `  gate plan (free):        p50 ${round(viaGate.p50, 2)} ms, p99 ${round(viaGate.p99, 2)} ms  ${JSON.stringify(chain.gate.statuses)}`,
    );
    console.log(
      `  added by the gate:       p50 +${round(viaGate.p50 - viaGateway.p50, 2)} ms, p99 +${round(viaGate.p99 - viaGateway.p99, 2)} ms (DynamoDB Local)`,
    );

    const exact = run.overAdmitted === 0 && run.underAdmitted === 0 && run.storedMismatches === 0;
    console.log(
      `target: over-admission 0 at ${fmt(CLIENTS)} clients: ${exact ? 'met' : 'MISSED'} (over ${run.overAdmitted}, under ${run.underAdmitted})`,
    );

    console.log(
      `wrote ${writeResults(process.env.RESULTS_NAME ?? (QUICK ? 'gate-quick' : 'gate'), {
        commit,
        dirty,
        loadAverage: os.loadavg(),
        options: run.options,
        limits: run.limits,
        seed: { clients: run.seededItems, seconds: round(run.seedSeconds, 2) },
        decisions: run.decisions,
        admitted: run.admitted,
        refused: run.refused,
        decisionsPerSecond: round(decisionsPerSecond, 0),
        loadedDecisions: run.loadedDecisions,
        admissionSeconds: round(run.admissionSeconds, 2),
        latencyMs: { p50: round(all.p50, 3), p90: round(all.p90, 3), p99: round(all.p99, 3), mean: round(all.mean, 3) },
        probeLatencyMs: { n: probe.n, p50: round(probe.p50, 3), p99: round(probe.p99, 3) },
        hottestClient: {
          share: round(run.topClientShare, 4),
          decisions: run.topClientLatenciesMs.length,
          latencyMs: { p50: round(top.p50, 3), p99: round(top.p99, 3) },
          itemWritesPerSecond: round(topWritesPerSecond, 0),
          decisionsPerSecondAtItemCeiling: Math.round(1000 / run.topClientShare),
        },
        capacity: {
          updateItemCalls: meter.updates,
          failedConditions: meter.failedConditions,
          refusals: run.refused,
          wrongGuesses,
          reportedWcu: meter.reportedWcu,
          reportedWrites: meter.reportedWrites,
          wcuPerDecision: round(wcuPerDecision, 4),
          wcuPerAdmitted: round(wcuPerAdmitted, 4),
          rcuPerDecision: round(rcuPerDecision, 4),
        },
        exactness: {
          overAdmitted: run.overAdmitted,
          underAdmitted: run.underAdmitted,
          limitedClients: run.limitedClients,
          overQuotaClients: run.overQuotaClients,
          overQuotaAtQuota: run.overQuotaAtQuota,
          storedMismatches: run.storedMismatches,
        },
        chain: {
          loadAverage: chainLoad,
          pairs: viaGate.n,
          gatewayMs: { p50: round(viaGateway.p50, 3), p99: round(viaGateway.p99, 3), statuses: chain.gateway.statuses },
          gateMs: { p50: round(viaGate.p50, 3), p99: round(viaGate.p99, 3), statuses: chain.gate.statuses },
          addedMs: { p50: round(viaGate.p50 - viaGateway.p50, 3), p99: round(viaGate.p99 - viaGateway.p99, 3) },
        },
        costPerMillionUsd: {
          volumePerMonth: VOLUME,
          pricesCheckedOn: PRICES_CHECKED_ON,
          gatewayPath: formatUsd(baselinePerMillion, 4),
          gateAddedPerDecision: formatUsd(perMillionDecisions, 4),
          gateAddedPerAdmitted: formatUsd(perMillionAdmitted, 4),
        },
      })}`,
    );
    if (!exact) process.exitCode = 1;
  } finally {
    await dynamo.stop();
  }
}

void main();
