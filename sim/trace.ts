// A readable log of one run's interleaving, printed when a seed fails.
export class Trace {
  private readonly lines: string[] = [];
  constructor(
    private readonly clock: () => number,
    private readonly start: number,
    readonly enabled: boolean,
  ) {}

  log(line: string): void {
    if (this.enabled) this.lines.push(`${String(this.clock() - this.start).padStart(8)} ms  ${line}`);
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
