// A small in-memory model of the DynamoDB operations the aggregator sends (Get, Put, Update, Delete, Query,
// BatchGet, and TransactWrite for the low credit balance alerts' claims and top-ups; Query on a partition, or a sort-key range with BETWEEN, with a FilterExpression for the alert sweeper) with the expression forms it uses: conditions joined by AND over attribute_exists /
// attribute_not_exists / = / <> / < / <= / > / >=, and updates with SET (a value or if_not_exists), ADD and REMOVE. Each call is
// atomic. test/sim/table-model.differential.test.ts runs the same sequences against DynamoDB Local to keep it honest.
// With stale reads on (sim/stale-reads.ts), a read without `ConsistentRead: true` is answered from a recent version of
// the items (each item's versions of the last max lag are kept, with the virtual time each was written).
import { marshall } from '@aws-sdk/util-dynamodb';
import type { StaleReadOptions } from './stale-reads';
import { stacklessError } from './stackless-error';
import type { SimStore } from './store';

type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

function modelError(name: string, message: string): Error {
  return Object.assign(stacklessError(message), { name, $metadata: { httpStatusCode: 400 } });
}

const conditionFailed = () => modelError('ConditionalCheckFailedException', 'The conditional request failed');

function copy<T>(value: T): T {
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  // An undefined attribute is no attribute: the document client's marshaller (removeUndefinedValues) drops it.
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = copy(v);
    }
    return out as T;
  }
  return value;
}

function operand(token: string, item: Item | undefined, names: Names, values: Values): unknown {
  if (token.startsWith(':')) {
    // The production document client removes undefined values (removeUndefinedValues), so DynamoDB finds
    // the value missing and refuses the expression, as it refuses one never given.
    if (values?.[token] === undefined) throw modelError('ValidationException', `value ${token} not defined`);
    return values[token];
  }
  return item?.[attributeName(token, names)];
}

function attributeName(token: string, names: Names): string {
  if (!token.startsWith('#')) return token;
  const name = names?.[token];
  if (name === undefined) throw modelError('ValidationException', `name ${token} not defined`);
  return name;
}

const EXPRESSIONS = ['ConditionExpression', 'FilterExpression', 'UpdateExpression', 'KeyConditionExpression', 'ProjectionExpression'];

/**
 * DynamoDB checks a request's expressions before anything else, whether or not a term is ever evaluated: each
 * `#name` and `:value` they use must be defined (the document client drops a value left undefined), and each one
 * defined must be used ("Value provided in ExpressionAttributeNames unused in expressions").
 */
function validateTokens(request: Record<string, unknown>): void {
  const text = EXPRESSIONS.map((e) => request[e])
    .filter((e) => typeof e === 'string')
    .join(' ');
  const used = new Set(text.match(/[#:][A-Za-z0-9_]+/g) ?? []);
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, unknown>;
  const values = Object.entries((request.ExpressionAttributeValues ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  for (const token of used) {
    if (token.startsWith('#') && names[token] === undefined) {
      throw modelError(
        'ValidationException',
        `An expression attribute name used in the document path is not defined; attribute name: ${token}`,
      );
    }
    if (token.startsWith(':') && !values.some(([k]) => k === token)) {
      throw modelError('ValidationException', `An expression attribute value used in expression is not defined; attribute value: ${token}`);
    }
  }
  const unusedNames = Object.keys(names).filter((k) => !used.has(k));
  if (unusedNames.length > 0) {
    throw modelError(
      'ValidationException',
      `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
    );
  }
  const unusedValues = values.map(([k]) => k).filter((k) => !used.has(k));
  if (unusedValues.length > 0) {
    throw modelError(
      'ValidationException',
      `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
    );
  }
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  return undefined;
}

/**
 * DynamoDB's string order, the order of the UTF-8 bytes, without encoding: UTF-16 code units sort as UTF-8 bytes
 * except where both differing units are surrogates or above (U+D800 and up), which are compared as bytes.
 */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
    return x - y;
  }
  return a.length - b.length;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  return a !== undefined && a === b;
}

/** Evaluates `term AND term AND …` against an item (undefined when it does not exist). */
export function evaluateCondition(expression: string, item: Item | undefined, names: Names, values: Values): boolean {
  return expression.split(/\s+AND\s+/i).every((raw) => {
    const term = raw.trim().replace(/^\((.*)\)$/, '$1');
    const fn = /^(attribute_exists|attribute_not_exists)\(\s*([#\w]+)\s*\)$/.exec(term);
    if (fn) {
      const present = item !== undefined && item[attributeName(fn[2], names)] !== undefined;
      return fn[1] === 'attribute_exists' ? present : !present;
    }
    const cmp = /^([#:\w]+)\s*(=|<>|<=|>=|<|>)\s*([#:\w]+)$/.exec(term);
    if (!cmp) throw modelError('ValidationException', `unsupported condition term: ${term}`);
    const a = operand(cmp[1], item, names, values);
    const b = operand(cmp[3], item, names, values);
    if (cmp[2] === '=') return equal(a, b);
    if (cmp[2] === '<>') return !equal(a, b);
    const order = compare(a, b);
    if (order === undefined) return false;
    return cmp[2] === '<' ? order < 0 : cmp[2] === '<=' ? order <= 0 : cmp[2] === '>' ? order > 0 : order >= 0;
  });
}

/** A SET clause's value: an operand or `if_not_exists(a, :v)`, or two of them added or subtracted (numbers). */
function setValue(expression: string, base: Item, names: Names, values: Values): unknown {
  const term = (raw: string) => {
    const ifNotExists = /^if_not_exists\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)$/i.exec(raw);
    return ifNotExists
      ? (base[attributeName(ifNotExists[1], names)] ?? operand(ifNotExists[2], base, names, values))
      : operand(raw, base, names, values);
  };
  const sum = /^(if_not_exists\([^)]*\)|[#:\w]+)\s*([+-])\s*(if_not_exists\([^)]*\)|[#:\w]+)$/i.exec(expression);
  if (!sum) return term(expression);
  const [a, b] = [term(sum[1]), term(sum[3])];
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw modelError('ValidationException', 'An operand in the update expression has an incorrect data type');
  }
  return sum[2] === '+' ? a + b : a - b;
}

/** Applies `SET a = :v, … ADD b :n, … REMOVE c, …` to a copy of the item. */
export function applyUpdate(expression: string, base: Item, names: Names, values: Values): Item {
  const item = copy(base);
  const sections = expression.split(/\b(SET|ADD|REMOVE)\b/).filter((s) => s.trim() !== '');
  for (let i = 0; i < sections.length; i += 2) {
    const action = sections[i].trim().toUpperCase();
    // Clauses are comma-separated, but a function's arguments are too: split outside parentheses only.
    const clauses = (sections[i + 1] ?? '')
      .split(/,(?![^(]*\))/)
      .map((c) => c.trim())
      .filter(Boolean);
    for (const clause of clauses) {
      if (action === 'SET') {
        const [left, right] = clause.split('=').map((s) => s.trim());
        item[attributeName(left, names)] = copy(setValue(right, base, names, values));
      } else if (action === 'ADD') {
        const [left, right] = clause.split(/\s+/);
        const name = attributeName(left, names);
        const add = operand(right, base, names, values);
        const current = item[name] ?? 0;
        if (typeof add !== 'number' || typeof current !== 'number') {
          throw modelError('ValidationException', 'An operand in the update expression has an incorrect data type');
        }
        item[name] = current + add;
      } else if (action === 'REMOVE') {
        delete item[attributeName(clause, names)];
      } else {
        throw modelError('ValidationException', `unsupported update action ${action}`);
      }
    }
  }
  return item;
}

interface TransactOp {
  readonly TableName: string;
  readonly Key?: Item;
  readonly Item?: Item;
  readonly ConditionExpression?: string;
  readonly UpdateExpression?: string;
  readonly ExpressionAttributeNames?: Names;
  readonly ExpressionAttributeValues?: Values;
  readonly ReturnValuesOnConditionCheckFailure?: string;
}
type TransactItem = Partial<Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', TransactOp>>;

/** One state of an item (undefined: absent) and the virtual time it was written. */
interface Version {
  readonly at: number;
  readonly item: Item | undefined;
}

/** An item written within the last max lag: its partition key value, and its states, oldest first (the last is the current one). */
interface Recent {
  readonly pk: unknown;
  readonly versions: Version[];
}

/** A table's items by id, and the ids of each partition key value (so a Query reads its partition only). */
class Table {
  readonly items = new Map<string, Item>();
  private readonly partitions = new Map<unknown, Map<string, Item>>();
  /**
   * With stale reads: the items written within the last max lag, by id, and their ids by partition key value. An item
   * not in here has been as it is for at least the max lag. Items are never changed in place, so versions share them.
   */
  private recent: Map<string, Recent> | undefined;
  private recentByPartition: Map<unknown, Set<string>> | undefined;

  private now: (() => number) | undefined;

  constructor(private readonly partitionKey: string) {}

  /** From now on, keep each item's recent versions (written at the virtual time `now` tells). */
  keepHistory(now: () => number): void {
    this.now = now;
    this.recent ??= new Map();
    this.recentByPartition ??= new Map();
  }

  /** Records a write (`after` undefined: a delete) in the history, when stale reads are on. */
  private record(id: string, pk: unknown, before: Item | undefined, after: Item | undefined): void {
    if (!this.recent || !this.now) return;
    let recent = this.recent.get(id);
    if (!recent) {
      recent = { pk, versions: [{ at: Number.NEGATIVE_INFINITY, item: before }] };
      this.recent.set(id, recent);
      let ids = this.recentByPartition?.get(pk);
      if (!ids) {
        ids = new Set();
        this.recentByPartition?.set(pk, ids);
      }
      ids.add(id);
    }
    recent.versions.push({ at: this.now(), item: after });
  }

  /** Drops the versions no read can reach: those superseded at or before `horizon` (now less the max lag). */
  prune(horizon: number): void {
    if (!this.recent) return;
    for (const [id, recent] of this.recent) {
      const { versions } = recent;
      let k = versions.length - 1;
      while (k > 0 && versions[k].at > horizon) k--;
      if (k === versions.length - 1) {
        this.recent.delete(id);
        const ids = this.recentByPartition?.get(recent.pk);
        ids?.delete(id);
        if (ids?.size === 0) this.recentByPartition?.delete(recent.pk);
      } else if (k > 0) {
        versions.splice(0, k);
      }
    }
  }

  /** The item as it was at virtual time `at` (undefined: absent then). */
  itemAt(id: string, at: number): Item | undefined {
    const versions = this.recent?.get(id)?.versions;
    if (!versions) return this.items.get(id);
    for (let i = versions.length - 1; i > 0; i--) if (versions[i].at <= at) return versions[i].item;
    return versions[0].item;
  }

  /** The items of a partition as they were at virtual time `at`, in no particular order. */
  partitionAt(value: unknown, at: number): Item[] {
    const ids = this.recentByPartition?.get(value);
    if (!ids) return [...this.partition(value)];
    const out: Item[] = [];
    for (const [id, item] of this.partitions.get(value) ?? []) if (!ids.has(id)) out.push(item);
    for (const id of ids) {
      const item = this.itemAt(id, at);
      if (item) out.push(item);
    }
    return out;
  }

  set(id: string, item: Item): void {
    const before = this.items.get(id);
    this.record(id, item[this.partitionKey], before, item);
    if (before && before[this.partitionKey] !== item[this.partitionKey]) this.partitions.get(before[this.partitionKey])?.delete(id);
    this.items.set(id, item);
    let partition = this.partitions.get(item[this.partitionKey]);
    if (!partition) {
      partition = new Map();
      this.partitions.set(item[this.partitionKey], partition);
    }
    partition.set(id, item);
  }

  delete(id: string): void {
    const item = this.items.get(id);
    if (!item) return;
    this.record(id, item[this.partitionKey], item, undefined);
    this.items.delete(id);
    this.partitions.get(item[this.partitionKey])?.delete(id);
  }

  /** The items whose partition key attribute is `value` (strict equality, as a scan filter would test it). */
  partition(value: unknown): Iterable<Item> {
    return this.partitions.get(value)?.values() ?? [];
  }
}

export class TableModel implements SimStore {
  private readonly tables = new Map<string, Table>();
  /**
   * TransactWrite commands applied: the SDK sends every retry of one with the same ClientRequestToken (it fills
   * one in when the caller gives none), and DynamoDB answers a repeat with success without applying it again.
   */
  private readonly appliedTransactions = new WeakSet<object>();

  /** Stale reads, when on (off: every read is consistent, as the differential test holds it to DynamoDB Local). */
  private stale: StaleReadOptions | undefined;
  /** The virtual time of the next pass that drops versions older than the max lag. */
  private nextPrune = Number.NEGATIVE_INFINITY;

  constructor(private readonly keys = { partitionKey: 'pk', sortKey: 'sk', timeToLive: 'expiresAt' }) {}

  /**
   * Serve each read that does not carry `ConsistentRead: true` (Get, Query, and per table BatchGet) from a replica
   * `lagMs()` behind: the items as they were then, maybe missing one written since. Writes and conditions stay exact.
   */
  serveStaleReads(options: StaleReadOptions): void {
    this.stale = options;
    for (const table of this.tables.values()) table.keepHistory(options.now);
  }

  private table(name: string): Table {
    let table = this.tables.get(name);
    if (!table) {
      table = new Table(this.keys.partitionKey);
      if (this.stale) table.keepHistory(this.stale.now);
      this.tables.set(name, table);
    }
    return table;
  }

  /** The virtual time a read is served as of: now, or now less a drawn lag for an eventually consistent one. */
  private readAt(consistent: unknown): number | undefined {
    const stale = this.stale;
    if (!stale || consistent === true) return undefined;
    return stale.now() - Math.min(stale.maxLagMs, stale.lagMs());
  }

  /** Once per max lag of virtual time: drops the versions no read can reach any more (the history stays bounded). */
  private prune(stale: StaleReadOptions): void {
    const now = stale.now();
    if (now < this.nextPrune) return;
    for (const table of this.tables.values()) table.prune(now - stale.maxLagMs);
    this.nextPrune = now + stale.maxLagMs;
  }

  private id(key: Item): string {
    return `${String(key[this.keys.partitionKey])}\u0000${String(key[this.keys.sortKey])}`;
  }

  /** What DynamoDB refuses before looking at the table: an empty string as a key value, an empty expression. */
  private validate(input: Record<string, unknown>): void {
    const keys = [
      input.Key,
      input.Item,
      ...Object.values((input.RequestItems ?? {}) as Record<string, { Keys: Item[] }>).flatMap((r) => r.Keys),
    ];
    for (const key of keys as (Item | undefined)[]) {
      if (key && (key[this.keys.partitionKey] === '' || key[this.keys.sortKey] === '')) {
        throw modelError('ValidationException', 'One or more parameter values are not valid: a key attribute is an empty string');
      }
    }
    for (const expression of ['ConditionExpression', 'FilterExpression', 'UpdateExpression', 'KeyConditionExpression']) {
      if (input[expression] === '') throw modelError('ValidationException', `Invalid ${expression}: The expression can not be empty`);
    }
    validateTokens(input);
    for (const request of Object.values((input.RequestItems ?? {}) as Record<string, Record<string, unknown>>)) validateTokens(request);
  }

  execute(command: object): unknown {
    const { input } = command as { input: Record<string, unknown> };
    const name = command.constructor.name;
    this.validate(input);
    if (this.stale) this.prune(this.stale);
    const names = input.ExpressionAttributeNames as Names;
    const values = input.ExpressionAttributeValues as Values;
    switch (name) {
      case 'GetCommand': {
        const table = this.table(String(input.TableName));
        const id = this.id(input.Key as Item);
        const at = this.readAt(input.ConsistentRead);
        const item = at === undefined ? table.items.get(id) : table.itemAt(id, at);
        return { Item: item && copy(item) };
      }
      case 'PutCommand': {
        const table = this.table(String(input.TableName));
        const item = input.Item as Item;
        const id = this.id(item);
        if (input.ConditionExpression && !evaluateCondition(String(input.ConditionExpression), table.items.get(id), names, values)) {
          throw conditionFailed();
        }
        table.set(id, copy(item));
        return {};
      }
      case 'UpdateCommand': {
        const table = this.table(String(input.TableName));
        const key = input.Key as Item;
        const id = this.id(key);
        const existing = table.items.get(id);
        if (input.ConditionExpression && !evaluateCondition(String(input.ConditionExpression), existing, names, values)) {
          throw conditionFailed();
        }
        const next = applyUpdate(String(input.UpdateExpression), existing ?? copy(key), names, values);
        table.set(id, next);
        return input.ReturnValues === 'ALL_NEW' ? { Attributes: copy(next) } : {};
      }
      case 'DeleteCommand': {
        const table = this.table(String(input.TableName));
        const id = this.id(input.Key as Item);
        if (input.ConditionExpression && !evaluateCondition(String(input.ConditionExpression), table.items.get(id), names, values)) {
          throw conditionFailed();
        }
        table.delete(id);
        return {};
      }
      case 'QueryCommand': {
        const cond = /^\s*([#\w]+)\s*=\s*(:\w+)\s*(?:AND\s+([#\w]+)\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)\s*)?$/i.exec(
          String(input.KeyConditionExpression),
        );
        if (
          !cond ||
          attributeName(cond[1], names) !== this.keys.partitionKey ||
          (cond[3] !== undefined && attributeName(cond[3], names) !== this.keys.sortKey)
        ) {
          throw modelError('ValidationException', `unsupported key condition: ${String(input.KeyConditionExpression)}`);
        }
        const pk = values?.[cond[2]];
        const inRange = (sk: unknown) =>
          cond[3] === undefined || ((compare(sk, values?.[cond[4]]) ?? -1) >= 0 && (compare(sk, values?.[cond[5]]) ?? 1) <= 0);
        const start = (input.ExclusiveStartKey as Item | undefined)?.[this.keys.sortKey];
        const table = this.table(String(input.TableName));
        const at = this.readAt(input.ConsistentRead);
        const evaluated = (at === undefined ? [...table.partition(pk)] : table.partitionAt(pk, at))
          .filter((item) => inRange(item[this.keys.sortKey]))
          .sort((a, b) => compare(a[this.keys.sortKey], b[this.keys.sortKey]) ?? 0)
          .filter((item) => start === undefined || (compare(item[this.keys.sortKey], start) ?? 0) > 0);
        // Limit counts evaluated items, before the filter; reaching it answers LastEvaluatedKey (maybe before an empty page).
        const limit = typeof input.Limit === 'number' ? input.Limit : Number.POSITIVE_INFINITY;
        const page = evaluated.slice(0, limit);
        const items = page
          .filter((item) => !input.FilterExpression || evaluateCondition(String(input.FilterExpression), item, names, values))
          .map(copy);
        const last = page.length === limit ? page[page.length - 1] : undefined;
        return {
          Items: items,
          Count: items.length,
          ...(last ? { LastEvaluatedKey: { [this.keys.partitionKey]: pk, [this.keys.sortKey]: last[this.keys.sortKey] } } : {}),
        };
      }
      case 'BatchGetCommand': {
        const requests = input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
        const responses: Record<string, Item[]> = {};
        for (const [tableName, { Keys, ConsistentRead }] of Object.entries(requests)) {
          const table = this.table(tableName);
          responses[tableName] = Keys.flatMap((key) => {
            // Each key may be served by another partition's replica: a lag of its own.
            const at = this.readAt(ConsistentRead);
            const item = at === undefined ? table.items.get(this.id(key)) : table.itemAt(this.id(key), at);
            return item ? [copy(item)] : [];
          });
        }
        return { Responses: responses, UnprocessedKeys: {} };
      }
      case 'TransactWriteCommand': {
        if (this.appliedTransactions.has(command)) return {};
        const answer = this.transactWrite(input.TransactItems as TransactItem[]);
        this.appliedTransactions.add(command);
        return answer;
      }
      default:
        throw modelError('ValidationException', `the model does not support ${name}`);
    }
  }

  /**
   * All or nothing: every condition is checked first; one that fails cancels the whole transaction with a
   * TransactionCanceledException whose CancellationReasons hold one entry per item, in order (`ConditionalCheckFailed`
   * with the old item, marshalled, where ReturnValuesOnConditionCheckFailure is ALL_OLD; `None` for the others).
   */
  private transactWrite(transactItems: readonly TransactItem[]): unknown {
    const ops = transactItems.map((entry) => {
      const [kind, op] = Object.entries(entry)[0] as [string, TransactOp];
      this.validate(op as unknown as Record<string, unknown>);
      const key = (op.Key ?? op.Item) as Item;
      return { kind, op, table: this.table(String(op.TableName)), id: this.id(key) };
    });
    if (new Set(ops.map((o) => `${String(o.op.TableName)}\u0000${o.id}`)).size !== ops.length) {
      throw modelError('ValidationException', 'Transaction request cannot include multiple operations on one item');
    }
    const failed = ops.map(
      ({ op, table, id }) =>
        op.ConditionExpression !== undefined &&
        !evaluateCondition(op.ConditionExpression, table.items.get(id), op.ExpressionAttributeNames, op.ExpressionAttributeValues),
    );
    if (failed.some(Boolean)) {
      const reasons = ops.map(({ op, table, id }, i) => {
        if (!failed[i]) return { Code: 'None' };
        const old = table.items.get(id);
        return op.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old
          ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: marshall(old) }
          : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
      });
      throw Object.assign(
        modelError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons`),
        { CancellationReasons: reasons },
      );
    }
    for (const { kind, op, table, id } of ops) {
      if (kind === 'Put') table.set(id, copy(op.Item as Item));
      else if (kind === 'Update')
        table.set(
          id,
          applyUpdate(
            String(op.UpdateExpression),
            table.items.get(id) ?? copy(op.Key as Item),
            op.ExpressionAttributeNames,
            op.ExpressionAttributeValues,
          ),
        );
      else if (kind === 'Delete') table.delete(id);
      else if (kind !== 'ConditionCheck') throw modelError('ValidationException', `unsupported transaction item ${kind}`);
    }
    return {};
  }

  items(tableName: string): Item[] {
    return [...this.table(tableName).items.values()].map(copy);
  }

  expire(nowSeconds: number, lateBySeconds: (item: Item) => number = () => 0): void {
    for (const table of this.tables.values()) {
      for (const [id, item] of table.items) {
        const ttl = item[this.keys.timeToLive];
        // A delay is never negative, so an item not yet past its TTL is kept without asking for its delay.
        if (typeof ttl === 'number' && ttl < nowSeconds && ttl + lateBySeconds(item) < nowSeconds) table.delete(id);
      }
    }
  }
}
