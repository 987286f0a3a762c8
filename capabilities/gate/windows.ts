// The gate's fixed windows, nested second ⊂ minute ⊂ UTC day ⊂ UTC month: where each starts and ends for an instant,
// and which of them a stored reset time leaves current. Pure; the admission and the headers read it.

/**
 * The clock skew the gate is built for, in ms: how far apart two route functions' clocks may be, counting the time
 * from reading the clock to the write landing. Within it a request near a window's edge may be charged to the window
 * on the other side of the edge; no window ever admits more than its limit (docs/plans.md, "Clocks").
 */
export const GATE_CLOCK_SKEW_MS = 1_000;

/** The windows from the smallest up; their order is what makes one reset time enough (GATE_ATTRIBUTES.resetAt). */
export const WINDOWS = ['second', 'minute', 'day', 'month'] as const;
export type GateWindow = (typeof WINDOWS)[number];

export interface WindowSpan {
  readonly window: GateWindow;
  /** epoch ms, inclusive */
  readonly start: number;
  /** epoch ms, exclusive: when the window's count resets */
  readonly end: number;
}

/** The four windows that contain `now` (epoch ms), smallest first. */
export function windowsAt(now: number): readonly WindowSpan[] {
  const date = new Date(now);
  const second = Math.floor(now / 1000) * 1000;
  const minute = Math.floor(now / 60_000) * 60_000;
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const month = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  return [
    { window: 'second', start: second, end: second + 1000 },
    { window: 'minute', start: minute, end: minute + 60_000 },
    { window: 'day', start: day, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1) },
    { window: 'month', start: month, end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) },
  ];
}

/**
 * How many windows, from the smallest, are stale at `now` for an item last reset at `resetAt`: 0 = all current,
 * 4 = all stale (or no item). Windows are nested, so if one is stale every smaller one is too. A reset time after
 * `now` (another writer's clock ahead of ours) counts as current: its counts are taken as ours, which only refuses more.
 */
export function staleWindows(resetAt: number | undefined, now: number): number {
  if (resetAt === undefined) return WINDOWS.length;
  const spans = windowsAt(now);
  const current = spans.findIndex((span) => resetAt >= span.start);
  return current === -1 ? WINDOWS.length : current;
}

/** Whole seconds from `now` until `end`, at least 1 (what `Retry-After` and the RateLimit `t` say). */
export function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}
