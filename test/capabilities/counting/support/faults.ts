// Fault injection around a DynamoDB client (middleware before the SDK's own retries): throttling,
// transaction conflicts, timeouts before or after the request reached DynamoDB, and crashes.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'SimulatedCrash';
  }
}

export interface FaultPlan {
  /** Share of calls failing with ProvisionedThroughputExceededException / ThrottlingException. */
  throttleShare?: number;
  /** Share of calls failing with TransactionCanceledException (TransactionConflict). */
  conflictShare?: number;
  /** Share of calls timing out before reaching DynamoDB. */
  timeoutBeforeShare?: number;
  /** Share of write calls that reach DynamoDB, take effect, and then time out anyway. */
  timeoutAfterShare?: number;
}

export interface FaultInjector {
  plan: FaultPlan;
  /** After n more successful writes, every call fails (the process "died") until revive(). */
  crashAfter(n: number): void;
  revive(): void;
  readonly crashed: boolean;
  readonly injected: Record<string, number>;
  readonly writes: number;
}

function error(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: {}, ...extra });
}

export function injectFaults(client: DynamoDBClient, rng: () => number, plan: FaultPlan = {}): FaultInjector {
  let crashIn: number | undefined;
  let crashed = false;
  let writes = 0;
  const injected: Record<string, number> = {};
  const count = (kind: string) => {
    injected[kind] = (injected[kind] ?? 0) + 1;
  };
  const injector: FaultInjector = {
    plan,
    crashAfter(n) {
      crashIn = n;
      crashed = false;
    },
    revive() {
      crashIn = undefined;
      crashed = false;
    },
    get crashed() {
      return crashed;
    },
    injected,
    get writes() {
      return writes;
    },
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const isWrite = WRITES.has(command);
      if (crashed) throw new SimulatedCrash();
      if (isWrite && crashIn !== undefined && writes >= crashIn) {
        crashed = true;
        count('crash');
        throw new SimulatedCrash();
      }
      const p = injector.plan;
      const roll = rng();
      let edge = p.throttleShare ?? 0;
      if (roll < edge) {
        count('throttle');
        throw rng() < 0.5
          ? error('ProvisionedThroughputExceededException', 'injected: throughput exceeded')
          : error('ThrottlingException', 'injected: rate exceeded');
      }
      if (roll < (edge += p.conflictShare ?? 0)) {
        count('conflict');
        throw error(
          'TransactionCanceledException',
          'injected: Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          {
            CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
          },
        );
      }
      if (roll < (edge += p.timeoutBeforeShare ?? 0)) {
        count('timeoutBefore');
        throw error('TimeoutError', 'injected: socket timed out before sending');
      }
      const result = await next(args);
      if (isWrite) writes += 1;
      if (isWrite && roll < edge + (p.timeoutAfterShare ?? 0)) {
        count('timeoutAfter');
        throw error('TimeoutError', 'injected: response lost after the write took effect');
      }
      return result;
    },
    { step: 'initialize', name: 'faultInjection', priority: 'high' },
  );
  return injector;
}
