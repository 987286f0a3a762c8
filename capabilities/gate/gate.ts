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
  layoutOf,
  windowStates,
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
import { gateShardsOf, shardLimitsOf } from './shards';

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
 * What this execution environment last saw of each client's gate items (and of the layout they count for), so the
 * first write usually matches an item's state (a wrong guess costs one more write, never a wrong answer). Bounded;
 * oldest entries go first. Items are keyed by `guessKey` (the clientId for its one or first item).
 */
export class GateGuesses {
  private readonly seen = new Map<string, GateItem>();
  private readonly layouts = new Map<string, number>();
  constructor(private readonly capacity = 10_000) {}

  variant(key: string, now: number): Variant {
    const item = this.seen.get(key);
    // Unknown here: guess an active client in a new second (the commonest state of a client that calls at all); that
    // write also fits a client with no gate item yet (admission.ts gateUpdate), so a first request ever costs one.
    if (!item) return { stale: 1, credits: false };
    return variantOf(item, now);
  }

  /** The item as last seen; undefined when never seen here. */
  item(key: string): GateItem | undefined {
    return this.seen.get(key);
  }

  remember(key: string, item: GateItem | undefined): void {
    this.seen.delete(key);
    if (!item) return;
    this.seen.set(key, item);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
  }

  /** The shard count the client's items were last seen counting for; undefined when not seen here. */
  layout(clientId: string): number | undefined {
    return this.layouts.get(clientId);
  }

  rememberLayout(clientId: string, shards: number): void {
    this.layouts.delete(clientId);
    this.layouts.set(clientId, shards);
    if (this.layouts.size > this.capacity) this.layouts.delete(this.layouts.keys().next().value as string);
  }
}

/** The GateGuesses key of one shard item. */
export const guessKey = (clientId: string, shard: number) => (shard === 0 ? clientId : `${clientId}#${shard}`);

const guesses = new GateGuesses();

/** Layout changes followed within one request before giving up (a reshard happens on an operator's command). */
const MAX_LAYOUT_CHANGES = 3;

/**
 * Admits (takes the units) or refuses (takes nothing) one request; the answer carries the windows either way. A
 * client whose limits call for S > 1 shards (capabilities/gate/shards.ts) and whose items were split so
 * (capabilities/gate/reshard.ts) is admitted by one of its S items, each holding its share of every limit.
 */
export async function admit(store: GateStore, request: AdmissionRequest, known: GateGuesses = guesses): Promise<GateAnswer> {
  const { clientId, limits, units } = request;
  const now = request.now.getTime();

  if (exceedsALimit(limits, units)) {
    // No state could admit these units: nothing to write, the answer shows the windows as they stand.
    const { Item } = await store.db.send(new GetCommand({ TableName: store.tableName, Key: itemKey.gate(clientId), ConsistentRead: true }));
    const item = gateItemOf(Item);
    const shards = layoutOf(item);
    return clientView(refusalOf(item, shardLimitsOf(limits, shards, 0), units, now) as GateAnswer, limits, shards, now);
  }

  let shards = known.layout(clientId) ?? gateShardsOf(limits);
  for (let change = 0; change <= MAX_LAYOUT_CHANGES; change++) {
    const outcome = await admitOnShards(store, request, shards, known);
    if (!('layout' in outcome)) return outcome;
    shards = outcome.layout;
    known.rememberLayout(clientId, shards);
  }
  throw new GateContentionError(clientId);
}

/**
 * Tries the S shards from a random one on, until one admits: after the first, a shard this environment last saw
 * refusing the units (its windows only fill until they reset) is passed over without a write. Refused by all: the refusal whose retry
 * comes first (before it no shard can admit). Answers `{ layout }` when an item counts for another layout.
 */
async function admitOnShards(
  store: GateStore,
  request: AdmissionRequest,
  shards: number,
  known: GateGuesses,
): Promise<GateAnswer | { layout: number }> {
  const { clientId, limits, units } = request;
  const now = request.now.getTime();
  const first = shards === 1 ? 0 : Math.floor(Math.random() * shards);
  let refused: GateAnswer | undefined;
  for (let k = 0; k < shards; k++) {
    const shard = (first + k) % shards;
    const share = shardLimitsOf(limits, shards, shard);
    const seen = known.item(guessKey(clientId, shard));
    // The shard drawn first is always written (so what this environment remembers heals after a reshard); another
    // shard last seen refusing the units is passed over.
    const foreseen = k > 0 && layoutOf(seen) === shards ? refusalOf(seen, share, units, now) : undefined;
    const answer =
      foreseen?.refusedBy !== undefined && foreseen.refusedBy !== 'credits'
        ? foreseen
        : await admitOnItem(store, request, shards, shard, share, known);
    if ('layout' in answer) return answer;
    if (answer.admitted) return clientView(answer, limits, shards, now);
    if (!refused || (answer.retryAfterSeconds ?? Infinity) < (refused.retryAfterSeconds ?? Infinity)) refused = answer;
    // Credits are held only by an unsharded client: no other shard can do better.
    if (answer.refusedBy === 'credits') break;
  }
  return clientView(refused as GateAnswer, limits, shards, now);
}

/** One item's conditional write, sent again (at most MAX_GATE_ATTEMPTS) while only our guess of its state was wrong. */
async function admitOnItem(
  store: GateStore,
  request: AdmissionRequest,
  shards: number,
  shard: number,
  share: GateLimits,
  known: GateGuesses,
): Promise<GateAnswer | { layout: number }> {
  const { clientId, units } = request;
  const now = request.now.getTime();
  const key = guessKey(clientId, shard);
  // Units above a shard's share of a limit: no state of this shard admits them (a stale window would restart at them).
  if (exceedsALimit(share, units)) return refusalOf(known.item(key), share, units, now) as GateAnswer;
  let variant = known.variant(key, now);
  for (let attempt = 1; attempt <= MAX_GATE_ATTEMPTS; attempt++) {
    try {
      const { Attributes } = await store.db.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: itemKey.gateShard(clientId, shard),
          ...gateUpdate(variant, share, units, now, shards),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const item = gateItemOf(Attributes);
      known.remember(key, item);
      return admittedAnswer(item, share, units, now);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = gateItemOf(error.Item ? unmarshall(error.Item) : undefined);
      known.remember(key, item);
      // The item counts for another layout (a reshard, or a shard that was never written): follow it.
      if (layoutOf(item) !== shards) return { layout: layoutOf(item) };
      const refusal = refusalOf(item, share, units, now);
      if (refusal) return refusal;
      // The units fit: only our guess of the item's state was wrong. Send the write that matches it.
      variant = variantOf(item, now);
    }
  }
  throw new GateContentionError(clientId);
}

/**
 * A shard's answer as the client sees it: each window's limit is the client's, `remaining` the answering shard's
 * (a lower bound of what the S shards hold together: exact for an unsharded client), `used` the shard's.
 */
function clientView(answer: GateAnswer, limits: GateLimits, shards: number, now: number): GateAnswer {
  if (shards === 1) return answer;
  const whole = windowStates(undefined, limits, now);
  return { ...answer, windows: answer.windows.map((w, i) => ({ ...w, limit: whole[i].limit })) };
}
