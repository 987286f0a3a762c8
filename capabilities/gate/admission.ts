// The gate's decision as data: the one conditional UpdateItem that checks and takes a request's units from every
// window and the credit balance at once, and what a stored gate item means at an instant (counts, what is left,
// which limit refuses, when it resets). Pure; capabilities/gate/gate.ts sends the write.
import { GATE_ATTRIBUTES } from '../../contracts/table';
import { type GateWindow, secondsUntil, staleWindows, WINDOWS, windowsAt } from './windows';

/** The limits a gate holds a client to, in units: per second (the burst), per minute, per UTC day and month. */
export interface GateLimits {
  readonly burst: number;
  readonly ratePerMinute: number;
  readonly dailyQuota: number;
  /** Enforced monthly allowance; null = counted, not limited. */
  readonly monthlyQuota: number | null;
}

/** A gate item as stored (GATE_ATTRIBUTES), each value only where present. */
export interface GateItem {
  readonly resetAt?: number;
  readonly second?: number;
  readonly minute?: number;
  readonly day?: number;
  readonly month?: number;
  readonly credits?: number;
  /** The shards the item counts for (capabilities/gate/shards.ts); undefined = 1, the client's one gate item. */
  readonly shards?: number;
}

/** One window as a client sees it at an instant. */
export interface WindowState {
  readonly window: GateWindow;
  /** null when the window is counted but not limited (an unenforced monthly allowance). */
  readonly limit: number | null;
  readonly used: number;
  readonly remaining: number | null;
  /** Whole seconds until the window resets (at least 1). */
  readonly resetSeconds: number;
}

export type Refusal = GateWindow | 'credits';

export interface GateAnswer {
  readonly admitted: boolean;
  readonly units: number;
  /** What refused the request: the window that resets last among those it would overflow, else `credits`. */
  readonly refusedBy?: Refusal;
  /** Seconds until the refusing window resets (none for credits: only a top-up helps). */
  readonly retryAfterSeconds?: number;
  /** The windows after the request (admitted) or as they stood (refused), smallest first. */
  readonly windows: readonly WindowState[];
  /** The credit balance in units after the request; undefined when the client holds no credits. */
  readonly credits?: number;
}

/** Which update to send: how many windows the writer believes stale, and whether it believes the client holds credits. */
export interface Variant {
  readonly stale: number;
  readonly credits: boolean;
}

/** The layout an item counts for: its shard count (1 = the client's one, unsharded gate item). */
export const layoutOf = (item: GateItem | undefined): number => item?.shards ?? 1;

const A = GATE_ATTRIBUTES;

export function limitOf(limits: GateLimits, window: GateWindow): number | null {
  switch (window) {
    case 'second':
      return limits.burst;
    case 'minute':
      return limits.ratePerMinute;
    case 'day':
      return limits.dailyQuota;
    case 'month':
      return limits.monthlyQuota;
  }
}

/** The gate item from DynamoDB's (unmarshalled) attributes. */
export function gateItemOf(attributes: Record<string, unknown> | undefined): GateItem | undefined {
  if (!attributes) return undefined;
  const read = (name: string) => (typeof attributes[name] === 'number' ? (attributes[name] as number) : undefined);
  return {
    resetAt: read(A.resetAt),
    second: read(A.second),
    minute: read(A.minute),
    day: read(A.day),
    month: read(A.month),
    credits: read(A.credits),
    shards: read(A.shards),
  };
}

/** The variant that matches a stored item exactly at `now`. */
export function variantOf(item: GateItem | undefined, now: number): Variant {
  return { stale: staleWindows(item?.resetAt, now), credits: item?.credits !== undefined };
}

/** Units already taken in each window at `now` (0 in a stale one), smallest first. */
export function usedAt(item: GateItem | undefined, now: number): readonly number[] {
  const stale = staleWindows(item?.resetAt, now);
  return WINDOWS.map((window, i) => (i < stale ? 0 : (item?.[window] ?? 0)));
}

/** The windows of an item at `now`, as the RateLimit headers and GET /v1/usage show them. */
export function windowStates(item: GateItem | undefined, limits: GateLimits, now: number): readonly WindowState[] {
  const used = usedAt(item, now);
  return windowsAt(now).map((span, i) => {
    const limit = limitOf(limits, span.window);
    return {
      window: span.window,
      limit,
      used: used[i],
      remaining: limit === null ? null : Math.max(0, limit - used[i]),
      resetSeconds: secondsUntil(span.end, now),
    };
  });
}

/** Why `units` more would be refused against the item at `now`; undefined when they fit. */
export function refusalOf(item: GateItem | undefined, limits: GateLimits, units: number, now: number): GateAnswer | undefined {
  const windows = windowStates(item, limits, now);
  const over = windows.filter((w) => w.limit !== null && w.used + units > w.limit);
  const credits = item?.credits;
  if (over.length > 0) {
    // The client cannot pass before every window it overflows has reset: name the one that resets last.
    const last = over.reduce((a, b) => (b.resetSeconds >= a.resetSeconds ? b : a));
    return { admitted: false, units, refusedBy: last.window, retryAfterSeconds: last.resetSeconds, windows, credits };
  }
  if (credits !== undefined && credits < units) return { admitted: false, units, refusedBy: 'credits', windows, credits };
  return undefined;
}

/** Whether `units` exceed a limit outright, so that no state of the windows could admit them. */
export function exceedsALimit(limits: GateLimits, units: number): boolean {
  return WINDOWS.some((window) => {
    const limit = limitOf(limits, window);
    return limit !== null && units > limit;
  });
}

/** The answer for an admitted request, from the item the write left. */
export function admittedAnswer(item: GateItem | undefined, limits: GateLimits, units: number, now: number): GateAnswer {
  return { admitted: true, units, windows: windowStates(item, limits, now), credits: item?.credits };
}

export interface GateUpdate {
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, number>;
}

/**
 * The one conditional update for `variant`: it holds only while the item is in the state the variant assumes (which
 * windows are stale, whether credits are held), and only while every limited window has room for `units` and the
 * balance covers them. It then resets the stale windows to `units`, adds `units` to the current ones, and takes
 * `units` from the balance. Any other state fails the condition, and nothing is taken. The item must also count for
 * `shards` (GATE_ATTRIBUTES.shards): `limits` are then its share (capabilities/gate/shards.ts).
 */
export function gateUpdate(variant: Variant, limits: GateLimits, units: number, now: number, shards = 1): GateUpdate {
  const names: Record<string, string> = { '#ts': A.resetAt, '#n': A.shards };
  const values: Record<string, number> = { ':u': units };
  const sets: string[] = [];
  const adds: string[] = [];
  // The item must count for the layout the limits were split for (`limits` are one shard's share of `shards`); a
  // shard item exists only once capabilities/gate/reshard.ts wrote it, so a missing one fails too.
  const conditions: string[] = [shards === 1 ? 'attribute_not_exists(#n)' : '#n = :n'];
  if (shards > 1) values[':n'] = shards;
  const spans = windowsAt(now);
  const { stale } = variant;

  // What the windows must be for this variant: which are stale, and room in the current ones.
  const windowConditions: string[] = [];
  if (stale === 0) {
    windowConditions.push('#ts >= :b0');
    values[':b0'] = spans[0].start;
  } else if (stale < WINDOWS.length) {
    windowConditions.push(`#ts >= :b${stale} AND #ts < :b${stale - 1}`);
    values[`:b${stale}`] = spans[stale].start;
    values[`:b${stale - 1}`] = spans[stale - 1].start;
  } else {
    windowConditions.push(`(attribute_not_exists(#ts) OR #ts < :b${stale - 1})`);
    values[`:b${stale - 1}`] = spans[stale - 1].start;
  }
  if (stale > 0) {
    sets.push('#ts = :now');
    values[':now'] = now;
  }

  WINDOWS.forEach((window, i) => {
    const name = `#${window}`;
    names[name] = A[window];
    if (i < stale) {
      sets.push(`${name} = :u`);
    } else {
      adds.push(`${name} :u`);
    }
    const limit = limitOf(limits, window);
    // A reset window holds `units` after the write (the gate refuses units above a limit before writing). A current
    // one must have room: conditions cannot add, so the room is computed here.
    if (limit === null || i < stale) return;
    windowConditions.push(`${name} <= :room_${window}`);
    values[`:room_${window}`] = limit - units;
  });

  if (stale > 0 && stale < WINDOWS.length) {
    // A write that resets the reset time also fits an item with no windows yet (a client's first request ever, or an
    // item a top-up created): it sets the stale windows to `units` and ADD creates the current ones at `units`, which
    // is what the all-stale write leaves. So the guess for a client never seen here is right for a new client too.
    conditions.push(`(attribute_not_exists(#ts) OR (${windowConditions.join(' AND ')}))`);
  } else {
    conditions.push(...windowConditions);
  }

  names['#cr'] = A.credits;
  if (variant.credits) {
    conditions.push('#cr >= :u');
    adds.push('#cr :spend');
    values[':spend'] = -units;
  } else {
    conditions.push('attribute_not_exists(#cr)');
  }

  const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', adds.length > 0 ? `ADD ${adds.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  return {
    UpdateExpression: expression,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
