// The twin's stand-in for the stage's web ACL: its two custom rules (per-source-IP rate, API key format),
// evaluated before routing as AWS WAF is. The managed rule groups (IP reputation, known bad inputs,
// common rule set) are not emulated: see docs/local-twin.md, "Differences from AWS".
import type { IncomingHttpHeaders } from 'node:http';
import { API_KEY_PATTERN } from '../../contracts/api-key-format';
import { API_KEY_HEADER } from '../../contracts/deployment';
import { WAF_RULES, type WafSettings } from '../../contracts/waf';

export type WafVerdict = { readonly action: 'allow' } | { readonly action: 'block'; readonly rule: string };

const ALLOW: WafVerdict = { action: 'allow' };

/**
 * Requests per source IP in one-second slots over the trailing window (AWS counts over the same window), with a
 * running total: a request costs O(1); slots are cleared as seconds pass, at most one window's worth at a time.
 */
class SlidingWindow {
  private readonly slots: Int32Array;
  private total = 0;
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowSeconds: number) {
    this.slots = new Int32Array(windowSeconds);
  }

  /** Counts one request at `second` and returns the requests in the window ending there. */
  add(second: number): number {
    if (second > this.last) {
      // Seconds that left the window since the last request: their slots are reused from now on.
      for (let s = Math.max(this.last + 1, second - this.windowSeconds + 1); s <= second; s++) {
        const slot = s % this.windowSeconds;
        this.total -= this.slots[slot];
        this.slots[slot] = 0;
      }
      this.last = second;
    }
    this.slots[this.last % this.windowSeconds]++;
    return ++this.total;
  }

  idleSince(second: number): boolean {
    return this.last <= second - this.windowSeconds;
  }
}

export class WebAcl {
  private readonly windows = new Map<string, SlidingWindow>();
  private lastSweep = 0;

  constructor(
    private readonly settings: WafSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** One request: the first rule that blocks it, in the web ACL's order (rate before key format). */
  inspect(sourceIp: string, headers: IncomingHttpHeaders): WafVerdict {
    if (!this.settings.enabled) return ALLOW;
    const second = Math.floor(this.now() / 1000);
    this.sweep(second);
    let window = this.windows.get(sourceIp);
    if (!window) this.windows.set(sourceIp, (window = new SlidingWindow(this.settings.ipRate.windowSeconds)));
    // Like AWS's rate rule, every request from the address counts, blocked or not.
    if (window.add(second) > this.settings.ipRate.limit) return { action: 'block', rule: WAF_RULES.ipRate.name };
    const key = headers[API_KEY_HEADER];
    // A missing or empty header is the gateway's 401 (AWS: the size rule does not match); a present one must have the key format.
    if (typeof key === 'string' && key.length > 0 && !API_KEY_PATTERN.test(key)) {
      return { action: 'block', rule: WAF_RULES.keyFormat.name };
    }
    return ALLOW;
  }

  /** Forgets addresses idle for a whole window, so a scan of many addresses cannot grow memory forever. */
  private sweep(second: number): void {
    if (second - this.lastSweep < this.settings.ipRate.windowSeconds) return;
    this.lastSweep = second;
    for (const [ip, window] of this.windows) if (window.idleSince(second)) this.windows.delete(ip);
  }
}
