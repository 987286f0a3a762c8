// `npm run billing:push -- (--local | --stage S) [--dry-run] [--day YYYY-MM-DD] [--json]`: sends every settled
// client-day's billable units not yet sent to Stripe (capabilities/billing/push.ts), with the Stripe key read from
// Secrets Manager by reference, and prints a report per client and the corrections still open. Exit 1 when
// anything was refused, is unknown, or needs an invoice adjusted by hand.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BILLING } from '../contracts/billing';
import { stageConfig } from '../contracts/stages';
import { LOCAL_REGION } from '../local/fake-aws';
import type { BillingProvider } from '../capabilities/billing/provider';
import { type PushReport, pushBillableUnits, pushRange, recordSeq } from '../capabilities/billing/push';
import { readStripeSecret } from '../capabilities/billing/stripe-secret';
import { openCorrections } from '../capabilities/billing/correction-status';
import type { CorrectionDelivery } from '../capabilities/billing/correction-delivery';
import { stripeProvider } from '../capabilities/billing/stripe-provider';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import {
  archiveOf,
  chooseTarget,
  resolveTarget,
  type Target,
  TARGET_FLAGS,
  TARGET_HELP,
  TARGET_USAGE,
  tableOf,
} from './support/stage-target';

const USAGE = `usage: npm run billing:push -- [--dry-run] [--day YYYY-MM-DD] [--json] ${TARGET_USAGE}
  Sends each settled client-day's billable units to Stripe once (a late event: only the difference), as the
  ledger in the table records; a rerun sends nothing. Lists the corrections of closed months still open (sent by
  the next push, or an invoice to adjust by hand). Exit 1 when a difference was refused, an outcome is unknown or
  a correction needs a manual adjustment.
  --dry-run  print what would be sent; send and write nothing (needs no Stripe key)
  --day      only this settled day (default: every settled day of the last ${pushRangeDays()} days)
  --json     the report as one JSON object
${TARGET_HELP}
  The Stripe key: --stage reads the Secrets Manager secret named by the stage's billingPush.stripeSecret
  (contracts/stages.ts); --local reads the twin's generated test key from its Secrets Manager shim.`;

function pushRangeDays(): number {
  const { from, to } = pushRange(new Date(0));
  return (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
}

/** A provider for --dry-run: the push must not reach it. */
const NO_PROVIDER: BillingProvider = {
  send: () => Promise.reject(new Error('a dry run sends nothing')),
  recordedBetween: () => Promise.reject(new Error('a dry run reads nothing from Stripe')),
};

/** Stripe for the target: the key from Secrets Manager (the stage's secret, or the twin's shim), never logged. */
async function providerFor(target: Target): Promise<BillingProvider> {
  if (target.kind === 'local') {
    const stripe = target.twin.stripe;
    if (!stripe) throw new Error('this twin runs no Stripe emulator: restart it with the current `npm start`');
    const secrets = new SecretsManagerClient({
      endpoint: stripe.secretsEndpoint,
      region: LOCAL_REGION,
      ...(target.twin.credentials ? { credentials: target.twin.credentials } : {}),
    });
    const secret = await readStripeSecret(secrets, { secretId: stripe.secretId });
    const url = new URL(stripe.endpoint);
    return stripeProvider({ secret, eventName: BILLING.stripe.eventName, host: url.hostname, port: Number(url.port), protocol: 'http' });
  }
  const settings = stageConfig(target.stage).billingPush;
  if (!settings)
    throw new Error(
      `stage ${target.stage} has no billingPush.stripeSecret (contracts/stages.ts): name the secret that holds the Stripe key`,
    );
  const secret = await readStripeSecret(new SecretsManagerClient({}), {
    secretId: settings.stripeSecret,
    jsonField: settings.stripeSecretJsonField,
  });
  return stripeProvider({ secret, eventName: BILLING.stripe.eventName });
}

/** One row per client: what was sent (first sends and deltas, in units), left alone, resolved, refused, unknown. */
export function pushTable(report: PushReport, dryRun: boolean): string {
  const clients = new Map<string, number[]>();
  const row = (clientId: string) => {
    let r = clients.get(clientId);
    if (!r) clients.set(clientId, (r = [0, 0, 0, 0, 0, 0, 0]));
    return r;
  };
  for (const s of report.sent) {
    const r = row(s.clientId);
    r[recordSeq(s.identifier) > 1 ? 2 : 0] += 1;
    r[recordSeq(s.identifier) > 1 ? 3 : 1] += s.value;
  }
  for (const u of report.unchanged) row(u.clientId)[4] += 1;
  for (const r of report.resolved) row(r.clientId)[5] += 1;
  for (const r of report.refused) row(r.clientId)[6] += 1;
  const unknown = new Map<string, number>();
  for (const u of report.unknown) unknown.set(u.clientId, (unknown.get(u.clientId) ?? 0) + 1);
  const verb = dryRun ? 'would send' : 'sent';
  const rows = [
    ['client', `${verb}_days`, `${verb}_units`, 'delta_days', 'delta_units', 'unchanged_days', 'resolved', 'refused', 'unknown'],
  ];
  for (const [clientId, r] of [...clients].sort(([a], [b]) => (a < b ? -1 : 1)))
    rows.push([clientId, ...r.slice(0, 6).map(String), String(r[6]), String(unknown.get(clientId) ?? 0)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((cells) => cells[i].length)));
  const lines = rows.map((cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  for (const r of report.refused) lines.push(`refused  ${r.clientId} ${r.day} ${r.delta > 0 ? '+' : ''}${r.delta}: ${r.reason}`);
  for (const u of report.unknown)
    lines.push(
      `unknown  ${u.clientId} ${u.day} ${u.identifier}: ${dryRun ? 'pending, a push reads it back' : 'rerun the push to read it back'}`,
    );
  if (report.unmapped.length > 0)
    lines.push(`unmapped ${report.unmapped.join(', ')}: billable units and no Stripe customer (npm run keys -- set-customer)`);
  return `${lines.join('\n')}\n`;
}

/** One line per correction still open: `awaiting-push` goes with the next push, `manual` needs an invoice adjustment. */
export function correctionLines(corrections: readonly CorrectionDelivery[]): string {
  return corrections
    .map(
      (c) =>
        `correction ${c.month} r${c.revision} ${c.clientId} ${c.day} ${c.state} ${c.delta > 0 ? '+' : ''}${c.delta}${c.reason ? `: ${c.reason}` : ''}\n`,
    )
    .join('');
}

async function main(argv: string[]): Promise<number | undefined> {
  const { values } = parseFlags(argv, {
    'dry-run': { type: 'boolean' },
    day: { type: 'string' },
    json: { type: 'boolean' },
    ...TARGET_FLAGS,
  });
  const choice = chooseTarget(values);
  const now = new Date();
  if (values.day !== undefined) {
    const { from, to } = pushRange(now);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.day) || Number.isNaN(Date.parse(values.day)))
      throw new UsageError(`--day must be YYYY-MM-DD, got ${JSON.stringify(values.day)}`);
    if (values.day < from || values.day > to)
      throw new UsageError(`--day ${values.day} is not a settled day the push looks at (${from} to ${to})`, { withUsage: false });
  }
  const dryRun = values['dry-run'] === true;
  const target = await resolveTarget(choice);
  const provider = dryRun ? NO_PROVIDER : await providerFor(target);
  const sources = { table: tableOf(target), archive: archiveOf(target) };
  const report = await pushBillableUnits({ ...sources, provider, now, day: values.day, dryRun });
  // Corrections of closed months in the push's range that still need someone (sent next run, or by hand).
  const { from, to } = pushRange(now);
  const corrections = await openCorrections(sources, [...new Set([from.slice(0, 7), to.slice(0, 7)])], now);
  process.stdout.write(
    values.json ? `${JSON.stringify({ ...report, corrections })}\n` : pushTable(report, dryRun) + correctionLines(corrections),
  );
  const manual = corrections.some((c) => c.state === 'manual');
  return report.refused.length > 0 || report.unknown.length > 0 || manual ? 1 : undefined;
}

export const billingPushCommand: Command = { name: 'billing:push', usage: USAGE, run: main };

runCommand(billingPushCommand, module);
