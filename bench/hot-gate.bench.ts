// `npm run bench -- hot-gate`: one hot gate-plan client (a burst of 2,000 a second) hammered past its burst on DynamoDB
// Local, on its one gate item and then resharded over 4 (capabilities/gate/shards.ts): admitted per request second
// (must be the burst exactly), writes per decision, and the most writes one item took in one request second — the
// figure DynamoDB's ~1,000 write units per second per item bounds (DynamoDB Local never throttles: the protocol only).
// Env: SECONDS (5; QUICK=1: 2), PER_SECOND (2,400 requests a request second), CONCURRENCY (16), ENVIRONMENTS (8), RESULTS_NAME.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { GateLimits } from '../capabilities/gate/admission';
import { admit, GateGuesses } from '../capabilities/gate/gate';
import { reshardGate } from '../capabilities/gate/reshard';
import { runLimited } from '../capabilities/aws/bounded-concurrency';
import { createUsageTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/resources';
import { startDynamoDbLocal } from '../local/services/dynamodb-local';
import { QUICK, round, writeResults } from './support';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = num('SECONDS', QUICK ? 2 : 5);
const PER_SECOND = num('PER_SECOND', 2_400);
const CONCURRENCY = num('CONCURRENCY', 16);
const ENVIRONMENTS = num('ENVIRONMENTS', 8);
const LIMITS: GateLimits = { burst: 2_000, ratePerMinute: 1_000_000, dailyQuota: 10_000_000, monthlyQuota: null };
const START = Date.UTC(2026, 11, 2, 12, 0, 0, 100);
const load = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');

interface Variant {
  readonly name: string;
  readonly shards: number;
  readonly admittedPerSecond: number[];
  readonly decisions: number;
  readonly updates: number;
  readonly maxWritesOneItemOneSecond: number;
  readonly seconds: number;
}

async function runVariant(endpoint: string, tableName: string, name: string, reshard: boolean): Promise<Variant> {
  const raw = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const db = DynamoDBDocumentClient.from(raw);
  const clientId = `cl_hot_${name}`;
  let updates = 0;
  let second = 0;
  const writes = new Map<string, number>();
  const counting = {
    send: (command: { input: { Key?: { pk?: string } } }) => {
      if (command instanceof UpdateCommand) {
        updates++;
        const key = `${second}#${command.input.Key?.pk}`;
        writes.set(key, (writes.get(key) ?? 0) + 1);
      }
      return db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const store = { db: counting, tableName };
  const shards = reshard ? (await reshardGate({ db, tableName }, clientId, LIMITS, new Date(START - 1_000))).to : 1;
  const environments = Array.from({ length: ENVIRONMENTS }, () => new GateGuesses());
  const admittedPerSecond: number[] = [];
  const started = process.hrtime.bigint();
  for (second = 0; second < SECONDS; second++) {
    const now = new Date(START + second * 1_000);
    let admitted = 0;
    await runLimited(
      Array.from({ length: PER_SECOND }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const answer = await admit(store, { clientId, limits: LIMITS, units: 1, now }, environments[i % ENVIRONMENTS]);
        if (answer.admitted) admitted++;
      },
    );
    admittedPerSecond.push(admitted);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  raw.destroy();
  return {
    name,
    shards,
    admittedPerSecond,
    decisions: SECONDS * PER_SECOND,
    updates,
    maxWritesOneItemOneSecond: Math.max(...writes.values()),
    seconds,
  };
}

async function main(): Promise<void> {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  const dynamo = await startDynamoDbLocal();
  try {
    const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    await createUsageTable(raw, 'hot-gate');
    raw.destroy();
    console.log(
      `hot gate client on DynamoDB Local, commit ${commit}, burst ${LIMITS.burst}/s, ${PER_SECOND} requests in each of ${SECONDS} request seconds, ` +
        `${CONCURRENCY} in flight, ${ENVIRONMENTS} environments, load ${load()}`,
    );
    const variants = [
      await runVariant(dynamo.endpoint, 'hot-gate', 'one-item', false),
      await runVariant(dynamo.endpoint, 'hot-gate', 'sharded', true),
    ];
    for (const v of variants) {
      console.log(
        `  ${v.name.padEnd(8)} shards ${v.shards}: admitted per request second ${v.admittedPerSecond.join(', ')}; ` +
          `UpdateItem calls per decision ${round(v.updates / v.decisions, 3)}; most writes on one item in one request second ${v.maxWritesOneItemOneSecond}; ` +
          `${Math.round(v.decisions / v.seconds)} decisions/s (load ${load()})`,
      );
    }
    console.log(
      `  ceiling (derived, not measured): ~1,000 WCU/s per item; one item took ${variants[0].maxWritesOneItemOneSecond} writes in a request second, ` +
        `the most loaded of ${variants[1].shards} shards ${variants[1].maxWritesOneItemOneSecond}`,
    );
    const exact = variants.every((v) => v.admittedPerSecond.every((n) => n === LIMITS.burst));
    console.log(`target: a hot client admitted exactly its burst every second, sharded or not: ${exact ? 'met' : 'NOT met'}`);
    console.log(
      `wrote ${writeResults(process.env.RESULTS_NAME ?? (QUICK ? 'hot-gate-quick' : 'hot-gate'), { commit, load: load(), limits: LIMITS, SECONDS, PER_SECOND, CONCURRENCY, ENVIRONMENTS, variants })}`,
    );
  } finally {
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
