// The billing provider port: what the push needs from whoever invoices (Stripe today; AWS Marketplace metering or a
// webhook could follow). Send one usage record under an identifier, and read back what a customer was recorded for.

/** One usage record: `value` billable units of `customer` on the UTC day starting at `timestamp` (epoch seconds). */
export interface UsageRecord {
  readonly identifier: string;
  readonly customer: string;
  readonly value: number;
  readonly timestamp: number;
}

/** The provider's answer to a send. `accepted`: recorded; `refused`: certainly not recorded (the reason is kept). */
export type SendAnswer =
  | { readonly outcome: 'accepted'; readonly providerId?: string }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'refused'; readonly status: number; readonly code: string; readonly message: string }
  | { readonly outcome: 'rate-limited' };

/** Thrown when nobody knows whether the record landed (a timeout, a dropped connection, a 5xx): resolve by reading. */
export class UnknownOutcomeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownOutcomeError';
  }
}

export interface BillingProvider {
  /** Resolves with a definite answer, or throws UnknownOutcomeError. */
  send(record: UsageRecord): Promise<SendAnswer>;
  /** The total recorded for `customer` with timestamps in [from, to) (epoch seconds, minute-aligned). */
  recordedBetween(customer: string, from: number, to: number): Promise<number>;
}
