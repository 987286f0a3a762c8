// `npm run reconcile -- --day YYYY-MM-DD (--stage dev|prod | --local)`: per client, the metered count of a
// UTC day against API Gateway's own per-key usage (GetUsage on each usage plan; on the twin, its usage plans'
// file), with each difference explained and the units beside; clients of gate plans as one pool per plan (they share
// its pool keys). Exits 1 when they differ, so it can run on a schedule.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { APIGatewayClient, GetUsageCommand } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { OUTPUT } from '../contracts/deployment';
import { GATE_PLAN_NAMES, isGatePlan, PLAN_NAMES } from '../contracts/plans';
import { CLIENTS_PK, itemKey } from '../contracts/table';
import { queryAll } from '../capabilities/aws/query-pages';
import { runLimited } from '../capabilities/aws/bounded-concurrency';
import { countersFromItem } from '../capabilities/usage/counters';
import { twinClientConfig } from '../local/state-file';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import { formatReconciliation, type PipelineBacklog, reconcile, type Reconciliation } from './support/reconciliation';
import { chooseTarget, outputOf, resolveTarget, TARGET_FLAGS, TARGET_HELP, TARGET_USAGE } from './support/stage-target';

const USAGE = `usage: npm run reconcile -- --day YYYY-MM-DD ${TARGET_USAGE} [--json]
  --day     the UTC day whose metered counts are compared with API Gateway's per-key usage (GetUsage on the
            stage's usage plans; on the twin, its usage plans' file)
${TARGET_HELP}
Exits 1 when the counts differ.`;

export interface ClientKeys {
  readonly clientId: string;
  /** The client's plan now (a gate plan's clients are metered by API Gateway on the plan's pool keys). */
  readonly plan?: string;
  /** SHA-256 of the key API Gateway meters (the twin's usage file is keyed by it). */
  readonly keyHash?: string;
  /** API Gateway's id of the client's key (deployed stages). */
  readonly apiGatewayKeyId?: string;
  /** The client's own usage plan while it has an override (`keys override`): its key is metered there. */
  readonly overrideUsagePlanId?: string;
}

interface Sources {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly sqs: SQSClient;
  readonly queueUrls: readonly [usage: string, deadLetters: string];
  /** API Gateway's usage of the day, by whatever key identity the source uses; gate plans' pool keys per plan. */
  gatewayUsage(clients: readonly ClientKeys[]): Promise<GatewayUsage>;
}

export interface GatewayUsage {
  readonly byClient: Map<string, number>;
  /** Requests on each gate plan's pool keys (absent where the source has none). */
  readonly pools?: Map<string, number>;
  readonly unknownKeys: number;
}

/** Day-counter reads in flight at once. */
const COUNTER_READS_IN_FLIGHT = 16;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function overrideUsagePlanIdOf(override: unknown): string | undefined {
  const id = (override as { usagePlanId?: unknown } | undefined)?.usagePlanId;
  return typeof id === 'string' ? id : undefined;
}

export async function clientKeys(db: DynamoDBDocumentClient, tableName: string): Promise<ClientKeys[]> {
  const items = await queryAll(db, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': CLIENTS_PK },
  });
  return items.map((item) => ({
    clientId: String(item.clientId),
    ...(typeof item.plan === 'string' ? { plan: item.plan } : {}),
    // The key API Gateway meters: the client's usage identifier (never its secret); older records metered the secret's hash.
    keyHash: typeof item.usageKey === 'string' ? sha256(item.usageKey) : typeof item.keyHash === 'string' ? item.keyHash : undefined,
    apiGatewayKeyId: typeof item.apiGatewayKeyId === 'string' ? item.apiGatewayKeyId : undefined,
    overrideUsagePlanId: overrideUsagePlanIdOf(item.override),
  }));
}

async function backlogOf(sqs: SQSClient, [usage, deadLetters]: readonly [string, string]): Promise<PipelineBacklog> {
  const count = async (queueUrl: string) => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  };
  return { queued: await count(usage), deadLetters: await count(deadLetters) };
}

export async function reconcileDay(day: string, sources: Sources): Promise<Reconciliation> {
  const clients = await clientKeys(sources.db, sources.tableName);
  const metered = new Map<string, number>();
  const meteredUnits = new Map<string, number>();
  // One GetItem per client, a few at once: 100,000 gate-plan clients are 100,000 reads (bench/README.md "over HTTP").
  await runLimited(clients, COUNTER_READS_IN_FLIGHT, async ({ clientId }) => {
    const out = await sources.db.send(new GetCommand({ TableName: sources.tableName, Key: itemKey.dayCounter(clientId, day) }));
    const counted = countersFromItem(out.Item);
    if (counted.requests > 0) {
      metered.set(clientId, counted.requests);
      meteredUnits.set(clientId, counted.units);
    }
  });
  const gatePlanOf = new Map(clients.flatMap((c) => (c.plan !== undefined && isGatePlan(c.plan) ? [[c.clientId, c.plan] as const] : [])));
  const { byClient, pools, unknownKeys } = await sources.gatewayUsage(clients);
  return reconcile({
    day,
    metered,
    meteredUnits,
    gatePlanOf,
    pools,
    gateway: byClient,
    unknownKeys,
    backlog: await backlogOf(sources.sqs, sources.queueUrls),
  });
}

/** The twin's usage plans' file: plan → key hash → day → requests (a gate plan's keys are its pool keys). */
export function twinGatewayUsage(file: string, day: string, clients: readonly ClientKeys[]): GatewayUsage {
  const usage = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, Record<string, number>>>)
    : {};
  const clientOf = new Map(clients.flatMap((c) => (c.keyHash ? [[c.keyHash, c.clientId] as const] : [])));
  const byClient = new Map<string, number>();
  const pools = new Map<string, number>();
  let unknownKeys = 0;
  for (const [plan, keys] of Object.entries(usage)) {
    for (const [hash, days] of Object.entries(keys)) {
      const requests = days[day] ?? 0;
      if (isGatePlan(plan)) {
        pools.set(plan, (pools.get(plan) ?? 0) + requests);
        continue;
      }
      const clientId = clientOf.get(hash);
      if (clientId === undefined) unknownKeys += requests;
      else if (requests > 0) byClient.set(clientId, (byClient.get(clientId) ?? 0) + requests);
    }
  }
  return { byClient, pools, unknownKeys };
}

/** The plans' usage plans and each overridden client's own (`keys override` moves its key there). */
export function usagePlansToRead(planIds: readonly string[], clients: readonly ClientKeys[]): string[] {
  return [...planIds, ...clients.flatMap((c) => (c.overrideUsagePlanId ? [c.overrideUsagePlanId] : []))];
}

/**
 * GetUsage on every usage plan of the stage: key id → [[used, remaining]] for the day. A gate plan's usage plan
 * (`gatePlanOfUsagePlan`: usage plan id → plan) holds only its pool keys: their usage is the plan's pool's.
 */
export async function stageGatewayUsage(
  apigw: APIGatewayClient,
  usagePlanIds: readonly string[],
  day: string,
  clients: readonly ClientKeys[],
  gatePlanOfUsagePlan: ReadonlyMap<string, string> = new Map(),
): Promise<GatewayUsage> {
  const clientOf = new Map(clients.flatMap((c) => (c.apiGatewayKeyId ? [[c.apiGatewayKeyId, c.clientId] as const] : [])));
  const byClient = new Map<string, number>();
  const pools = new Map<string, number>();
  let unknownKeys = 0;
  for (const usagePlanId of usagePlanIds) {
    const gatePlan = gatePlanOfUsagePlan.get(usagePlanId);
    let position: string | undefined;
    do {
      const out = await apigw.send(new GetUsageCommand({ usagePlanId, startDate: day, endDate: day, position }));
      for (const [keyId, days] of Object.entries(out.items ?? {})) {
        const requests = days.reduce((total, [used]) => total + Number(used ?? 0), 0);
        if (gatePlan !== undefined) {
          pools.set(gatePlan, (pools.get(gatePlan) ?? 0) + requests);
          continue;
        }
        const clientId = clientOf.get(keyId);
        if (clientId === undefined) unknownKeys += requests;
        else if (requests > 0) byClient.set(clientId, (byClient.get(clientId) ?? 0) + requests);
      }
      position = out.position;
    } while (position);
  }
  return { byClient, pools, unknownKeys };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { day: { type: 'string' }, json: { type: 'boolean' }, ...TARGET_FLAGS });
  if (!values.day || !/^\d{4}-\d{2}-\d{2}$/.test(values.day) || Number.isNaN(Date.parse(values.day))) {
    throw new UsageError(`--day must be a UTC date YYYY-MM-DD, got ${JSON.stringify(values.day ?? null)}`);
  }
  const day = values.day;
  const target = await resolveTarget(chooseTarget(values));
  let result: Reconciliation;
  if (target.kind === 'local') {
    const state = target.twin;
    if (!state.gatewayUsageFile) throw new Error('this twin keeps no gateway usage file: restart it with npm start');
    const usageFile = state.gatewayUsageFile;
    const sqs = new SQSClient(twinClientConfig(state, 'sqs'));
    const raw = new DynamoDBClient(twinClientConfig(state, 'dynamodb'));
    try {
      result = await reconcileDay(day, {
        db: DynamoDBDocumentClient.from(raw),
        tableName: state.tableName,
        sqs,
        queueUrls: [state.usageQueueUrl, state.deadLetterQueueUrl],
        gatewayUsage: async (clients) => twinGatewayUsage(usageFile, day, clients),
      });
    } finally {
      sqs.destroy();
      raw.destroy();
    }
  } else {
    const planIds = PLAN_NAMES.map((plan) => target.outputs[OUTPUT.usagePlanId(plan)]).filter(Boolean);
    const gatePlanOfUsagePlan = new Map(
      GATE_PLAN_NAMES.flatMap((plan) => {
        const id = target.outputs[OUTPUT.usagePlanId(plan)];
        return id ? [[id, plan] as const] : [];
      }),
    );
    result = await reconcileDay(day, {
      db: DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName: outputOf(target, OUTPUT.tableName),
      sqs: new SQSClient({}),
      queueUrls: [outputOf(target, OUTPUT.usageQueueUrl), outputOf(target, OUTPUT.deadLetterQueueUrl)],
      gatewayUsage: (clients) =>
        stageGatewayUsage(new APIGatewayClient({}), usagePlansToRead(planIds, clients), day, clients, gatePlanOfUsagePlan),
    });
  }
  console.log(values.json ? JSON.stringify(result, null, 2) : formatReconciliation(result));
  return result.matches ? 0 : 1;
}

export const reconcileCommand: Command = { name: 'reconcile', usage: USAGE, run: main };

runCommand(reconcileCommand, module);
