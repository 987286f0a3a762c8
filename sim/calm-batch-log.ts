// What one aggregator batch asked DynamoDB and what it was answered, request by request, as its own client saw it
// (above the SDK's retries: one entry per `send`). The batch a request belongs to is the one whose code sent it
// (AsyncLocalStorage follows the batch's awaits), so a request a container's previous batch left running is never
// charged to the next one. sim/calm-batch-monitor.ts judges the logs of batches run wholly in calm.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AGGREGATOR_ATTRIBUTES as A } from '../contracts/table';

type Item = Record<string, unknown>;
type Command = { constructor: { name: string }; input: unknown };

/** One request of a batch: its kind (`Put`, `Query`, …), its input, and its answer or the error it met. */
export interface LoggedRequest {
  readonly op: string;
  readonly input: Item;
  /** True (virtual) time it was sent. */
  readonly sentAt: number;
  /** True (virtual) time the answer came back. */
  readonly at: number;
  readonly output?: Item;
  readonly error?: string;
}

/** A journal head as a batch was told it (a BatchGet or Get answer, or a transition's ALL_NEW). */
export interface HeadView {
  readonly journalId: string;
  readonly status: string;
  readonly lease: number;
  readonly at: number;
  /** Read alone after one of the batch's writes to it was refused: someone else decided. */
  readonly afterRefusal: boolean;
}

/** What a container's code may remember from earlier batches (capabilities/counting/journal-cache.ts), mirrored. */
export interface ContainerMemory {
  /** Journals whose head this container was told is final (complete or aborted), or found gone. */
  readonly final: Set<string>;
  /** Journals named by markers this container saw on counter items. */
  readonly markerJournals: Set<string>;
  /** True time of this container's last look through the pending-journal index. */
  pendingListedAt: number;
}

export class BatchLog {
  readonly requests: LoggedRequest[] = [];
  /** Whether the batch has looked through the pending-journal index (its first Query of it counts). */
  listedPending = false;
  constructor(
    readonly containerId: string,
    readonly memory: ContainerMemory,
    /** The container's memory as it was when the batch began. */
    readonly before: {
      readonly final: ReadonlySet<string>;
      readonly markerJournals: ReadonlySet<string>;
      readonly pendingListedAt: number;
    },
  ) {}
}

const batches = new AsyncLocalStorage<BatchLog>();

export class BatchLogs {
  private readonly memories = new Map<string, ContainerMemory>();

  constructor(private readonly now: () => number) {}

  /** Runs one batch with a fresh log: every request its code sends is logged there. */
  run<T>(containerId: string, batch: (log: BatchLog) => Promise<T>): { log: BatchLog; outcome: Promise<T> } {
    const memory = this.memoryOf(containerId);
    const log = new BatchLog(containerId, memory, {
      final: new Set(memory.final),
      markerJournals: new Set(memory.markerJournals),
      pendingListedAt: memory.pendingListedAt,
    });
    return { log, outcome: batches.run(log, () => batch(log)) };
  }

  /** The aggregator's client in one container: each request logged in the batch that sent it, and remembered. */
  client<C extends { send(command: never): Promise<unknown> }>(containerId: string, doc: C): C {
    const memory = this.memoryOf(containerId);
    const send = async (command: Command) => {
      const log = batches.getStore();
      const op = command.constructor.name.replace(/Command$/, '');
      const input = command.input as Item;
      const sentAt = this.now();
      // step 5b's time is when its first Query is sent (a retry of it within the batch is the same look).
      if (op === 'Query' && pkOf(input) === PENDING && input.ExclusiveStartKey === undefined && log && !log.listedPending) {
        log.listedPending = true;
        memory.pendingListedAt = sentAt;
      }
      try {
        const output = (await doc.send(command as never)) as Item;
        remember(memory, op, input, output, this.now());
        log?.requests.push({ op, input, sentAt, at: this.now(), output });
        return output;
      } catch (error) {
        log?.requests.push({ op, input, sentAt, at: this.now(), error: (error as Error).name });
        throw error;
      }
    };
    return { send } as unknown as C;
  }

  private memoryOf(containerId: string): ContainerMemory {
    let memory = this.memories.get(containerId);
    if (!memory) {
      memory = { final: new Set(), markerJournals: new Set(), pendingListedAt: Number.NEGATIVE_INFINITY };
      this.memories.set(containerId, memory);
    }
    return memory;
  }
}

function remember(memory: ContainerMemory, op: string, input: Item, output: Item, now: number): void {
  for (const head of headsIn({ op, input, sentAt: now, at: now, output })) {
    if (head.status === 'complete' || head.status === 'aborted') memory.final.add(head.journalId);
  }
  if (op === 'Update' && String((input.Key as Item | undefined)?.pk).startsWith('USAGE#')) {
    for (const name of Object.keys((output.Attributes as Item | undefined) ?? {}))
      if (name.startsWith(A.markerPrefix)) memory.markerJournals.add(name.slice(A.markerPrefix.length));
  }
}

const PENDING = 'JOURNAL#PENDING';

/** The key's partition of a request (its Key, its Item, or a Query's `:pk`). */
export function pkOf(input: Item): string {
  const key = (input.Key ?? input.Item) as Item | undefined;
  if (key) return String(key.pk);
  return String((input.ExpressionAttributeValues as Item | undefined)?.[':pk']);
}

export function skOf(input: Item): string {
  return String(((input.Key ?? input.Item) as Item | undefined)?.sk);
}

const journalOf = (pk: string) => pk.slice('JOURNAL#'.length);

/** The journal heads one answered request told its batch about. */
export function headsIn(request: LoggedRequest, afterRefusal = false): HeadView[] {
  const { op, input, output, at } = request;
  if (!output) return [];
  const view = (item: Item): HeadView => ({
    journalId: journalOf(String(item.pk)),
    status: String(item[A.journalStatus]),
    lease: Number(item[A.journalLease] ?? 0),
    at,
    afterRefusal,
  });
  if (op === 'BatchGet') {
    return Object.values((output.Responses as Record<string, Item[]> | undefined) ?? {})
      .flat()
      .filter((item) => item.sk === 'HEAD')
      .map(view);
  }
  if (op === 'Get' && output.Item && skOf(input) === 'HEAD') return [view(output.Item as Item)];
  if (op === 'Update' && skOf(input) === 'HEAD' && output.Attributes) return [view({ ...(output.Attributes as Item), pk: pkOf(input) })];
  return [];
}
