// The last two steps of every alert send (outbox item claimed → PutEvents → mark sent): the events go out, then
// their outbox items are marked. A mark that fails leaves its item pending, so the sweeper sends it again and
// consumers dedupe by `detail.eventId`; the events were still delivered, and the caller must not report them unsent.

/** PutEvents accepted every event, then marking their outbox items failed; `sent` is how many went out. */
export class SentButUnmarked extends Error {
  override readonly name = 'SentButUnmarked';
  constructor(
    readonly sent: number,
    cause: unknown,
  ) {
    super(`${sent} alert(s) sent, but marking them sent failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Sends `events`, then marks them; returns them. Throws SentButUnmarked when only the marking failed. */
export async function sendThenMark<E>(
  events: readonly E[],
  send: (events: readonly E[]) => Promise<void>,
  mark: (events: readonly E[]) => Promise<void>,
): Promise<E[]> {
  if (events.length === 0) return [];
  await send(events);
  try {
    await mark(events);
  } catch (error) {
    throw new SentButUnmarked(events.length, error);
  }
  return [...events];
}

/** How many events a failed send delivered all the same (0 unless only the marking failed). */
export const sentDespite = (error: unknown): number => (error instanceof SentButUnmarked ? error.sent : 0);
