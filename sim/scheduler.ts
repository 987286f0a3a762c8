// A virtual clock and a run loop: every timer of the simulated world is a task here, run in time order,
// and each task's promise continuations run to completion before the next task starts. Nothing waits on
// real time, so a run is fast and a seed always produces the same interleaving.
import type { Random } from './random';

interface Task {
  readonly at: number;
  readonly order: number;
  readonly run: () => void;
}

export class Scheduler {
  /** Virtual time in epoch ms. */
  now: number;
  private readonly tasks: Task[] = [];
  private order = 0;
  steps = 0;

  constructor(
    start: number,
    private readonly random: Random,
  ) {
    this.now = start;
  }

  /** Runs `run` at `now + delayMs`; tasks due at the same instant run in a random (seeded) order. */
  at(delayMs: number, run: () => void): void {
    const task = { at: this.now + Math.max(0, delayMs), order: this.random(), run };
    // Binary insertion keeps the heap-free queue sorted; runs are small (hundreds of tasks).
    let lo = 0;
    let hi = this.tasks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.tasks[mid];
      if (t.at < task.at || (t.at === task.at && t.order < task.order)) lo = mid + 1;
      else hi = mid;
    }
    this.tasks.splice(lo, 0, task);
    this.order += 1;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(ms, resolve));
  }

  get idle(): boolean {
    return this.tasks.length === 0;
  }

  /** Runs tasks until none is left, `until()` holds, or virtual time passes `limit`. */
  async run(until: () => boolean = () => false, limit = Number.POSITIVE_INFINITY): Promise<void> {
    await drain();
    while (this.tasks.length > 0 && !until()) {
      const task = this.tasks.shift() as Task;
      if (task.at > limit) {
        this.tasks.unshift(task);
        return;
      }
      this.now = Math.max(this.now, task.at);
      this.steps += 1;
      task.run();
      await drain();
    }
  }
}

/** Lets every pending promise continuation run: a macrotask turn comes after the whole microtask queue. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
