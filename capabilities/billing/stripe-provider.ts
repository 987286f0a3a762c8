// The billing provider port over Stripe's billing meters, with the official `stripe` package: a usage record is a
// meter event (`POST /v1/billing/meter_events`), read back through meter event summaries. `host`/`port`/`protocol`
// point it at the twin's Stripe emulator (local/stripe). The secret is passed in, never logged.
import Stripe from 'stripe';
import type { BillingProvider, SendAnswer, UsageRecord } from './provider';
import { UnknownOutcomeError } from './provider';

export interface StripeProviderOptions {
  /** The secret key (from Secrets Manager on a stage; the twin's fake one locally). */
  readonly secret: string;
  /** The meter's `event_name`; the meter is looked up by it (its id is needed for the summaries). */
  readonly eventName: string;
  /** For the emulator: `127.0.0.1`, its port, `http`. @default Stripe's API */
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  /** Milliseconds before a request's outcome is unknown. @default 20000 */
  readonly timeoutMs?: number;
}

export function stripeProvider(options: StripeProviderOptions): BillingProvider {
  const stripe = new Stripe(options.secret, {
    host: options.host,
    port: options.port,
    protocol: options.protocol,
    timeout: options.timeoutMs ?? 20_000,
    // No retries inside the client: a resend is the push's decision (after reading the summaries), never a reflex.
    maxNetworkRetries: 0,
    telemetry: false,
  });
  let meterId: Promise<string> | undefined;
  const meter = () =>
    (meterId ??= stripe.billing.meters.list({ limit: 100 }).then((list) => {
      const found = list.data.find((m) => m.event_name === options.eventName);
      if (!found) throw new Error(`no Stripe billing meter has event_name ${options.eventName}: create it first (docs/billing.md)`);
      return found.id;
    }));

  return {
    async send(record: UsageRecord): Promise<SendAnswer> {
      try {
        await stripe.billing.meterEvents.create({
          event_name: options.eventName,
          identifier: record.identifier,
          timestamp: record.timestamp,
          payload: { stripe_customer_id: record.customer, value: String(record.value) },
        });
        return { outcome: 'accepted' };
      } catch (error) {
        const e = error as { statusCode?: number; code?: string; message?: string; type?: string };
        if (e.statusCode === 429 || e.code === 'rate_limit') return { outcome: 'rate-limited' };
        if (e.code === 'duplicate_meter_event') return { outcome: 'duplicate' };
        if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)
          return { outcome: 'refused', status: e.statusCode, code: e.code ?? e.type ?? 'unknown', message: e.message ?? '' };
        throw new UnknownOutcomeError(`meter event ${record.identifier}: ${e.type ?? 'error'} ${e.statusCode ?? ''}`.trim());
      }
    },
    async recordedBetween(customer, from, to) {
      const list = await stripe.billing.meters.listEventSummaries(await meter(), { customer, start_time: from, end_time: to });
      return list.data.reduce((sum, s) => sum + s.aggregated_value, 0);
    },
  };
}
