// Runs async tasks with a bounded number in flight: the one helper the aggregator and the daily job share.

/**
 * Runs `task` on every item with at most `limit` in flight. After a failure no new task starts and the
 * first error is rethrown once the running ones end; errors of the `swallow` class only end their own task.
 */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
  swallow?: new (...args: never[]) => Error,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        if (swallow && error instanceof swallow) continue;
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}
