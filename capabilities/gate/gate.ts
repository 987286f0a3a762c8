// The admission gate: admits or refuses one request of a gate-plan client with one conditional UpdateItem on its gate
// item (capabilities/gate/admission.ts builds it). A refused write returns the item as it stood
// (ReturnValuesOnConditionCheckFailure ALL_OLD), which says which limit refused and when it resets, or, when only the
// writer's guess of the item's state was wrong, which write to send instead.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { itemKey } from '../../contracts/table';
import {
  admittedAnswer,
  exceedsALimit,
  type GateAnswer,
  type GateItem,
  gateItemOf,
  type GateLimits,
  gateUpdate,
  refusalOf,
  type Variant,
  variantOf,
} from './admission';

export interface GateStore {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface AdmissionRequest {
  readonly clientId: string;
  readonly limits: GateLimits;
  /** The route's units for this request (contracts/routes `units`). */
  readonly units: number;
  readonly now: Date;
}

/**
 * Writes sent before giving up. A write fails on a wrong guess of the item's state only when another writer moved it
 * between our guess and our write (a window rolled over, credits appeared): at most a few times per request.
 */
export const MAX_GATE_ATTEMPTS = 6;

/** The gate's item could not be written within MAX_GATE_ATTEMPTS (a fault, not a refusal: a 500). */
export class GateContentionError extends Error {
  constructor(clientId: string) {
    super(`gate item of ${clientId} changed under ${MAX_GATE_ATTEMPTS} writes in a row`);
    this.name = 'GateContentionError';
  }
}

/**
 * What this execution environment last saw of each client's gate item, so the first write usually matches the
 * item's state (a wrong guess costs one more write, never a wrong answer). Bounded; oldest entries go first.
 */
export class GateGuesses {
  private readonly seen = new Map<string, GateItem>();
  constructor(private readonly capacity = 10_000) {}

  variant(clientId: string, now: number): Variant {
    const item = this.seen.get(clientId);
    // Unknown here: guess an active client in a new second (the commonest state of a client that calls at all).
    if (!item) return { stale: 1, credits: false };
    return variantOf(item, now);
  }

  remember(clientId: string, item: GateItem | undefined): void {
    this.seen.delete(clientId);
    if (!item) return;
    this.seen.set(clientId, item);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
  }
}

const guesses = new GateGuesses();

/** Admits (takes the units) or refuses (takes nothing) one request; the answer carries the windows either way. */
export async function admit(store: GateStore, request: AdmissionRequest, known: GateGuesses = guesses): Promise<GateAnswer> {
  const { clientId, limits, units } = request;
  const now = request.now.getTime();
  const key = itemKey.gate(clientId);

  if (exceedsALimit(limits, units)) {
    // No state could admit these units: nothing to write, the answer shows the windows as they stand.
    const { Item } = await store.db.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
    const item = gateItemOf(Item);
    return refusalOf(item, limits, units, now) as GateAnswer;
  }

  let variant = known.variant(clientId, now);
  for (let attempt = 1; attempt <= MAX_GATE_ATTEMPTS; attempt++) {
    try {
      const { Attributes } = await store.db.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: key,
          ...gateUpdate(variant, limits, units, now),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const item = gateItemOf(Attributes);
      known.remember(clientId, item);
      return admittedAnswer(item, limits, units, now);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = gateItemOf(error.Item ? unmarshall(error.Item) : undefined);
      known.remember(clientId, item);
      const refusal = refusalOf(item, limits, units, now);
      if (refusal) return refusal;
      // The units fit: only our guess of the item's state was wrong. Send the write that matches it.
      variant = variantOf(item, now);
    }
  }
  throw new GateContentionError(clientId);
}
