// `npm run billing:what-if -- --month YYYY-MM --plan P [--prices FILE] [--client ID] [--json] (--local | --stage S)`:
// re-rates a past month of every client under another plan (its billable rule and price book, or the price book in
// FILE) and prints, per client, the amount as billed, the amount under the other plan, and the difference.
import { readFileSync } from 'node:fs';
import { priceBookProblems, PRICING, type PriceBook } from '../contracts/pricing';
import { isPlanName, PLAN_NAMES } from '../contracts/plans';
import { whatIf, type WhatIf } from '../capabilities/billing/rated-statement';
import { readMonth } from '../capabilities/statements/monthly-usage';
import { isMonth } from '../capabilities/statements/months';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';
import { archiveOf, chooseTarget, resolveTarget, TARGET_FLAGS, TARGET_HELP, TARGET_USAGE, tableOf } from './support/stage-target';

const USAGE = `usage: npm run billing:what-if -- --month YYYY-MM --plan <${PLAN_NAMES.join('|')}> [--prices FILE] [--client ID] [--json] ${TARGET_USAGE}
  --month   the UTC month to re-rate
  --plan    rate every day of the month under this plan's billable rule and price book (contracts/pricing.ts)
  --prices  a price book as JSON ({ currency, monthlyFeeMinor, includedUnits, perUnits, tiers: [{ upTo, priceMinor }] })
            instead of the plan's own
  --client  one client only
  --json    one JSON line per client (both ratings with their line items) instead of the table
${TARGET_HELP}`;

function readPriceBook(file: string): PriceBook {
  let book: PriceBook;
  try {
    book = JSON.parse(readFileSync(file, 'utf8')) as PriceBook;
  } catch (error) {
    throw new UsageError(`--prices ${file}: ${(error as Error).message}`, { withUsage: false });
  }
  const problems = priceBookProblems(file, book);
  if (problems.length > 0) throw new UsageError(problems.join('; '), { withUsage: false });
  return book;
}

const money = (minor: number) =>
  `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;

/** The table: one row per client, then the totals (amounts in major units of the currency). */
export function whatIfTable(month: string, plan: string, results: readonly WhatIf[]): string {
  const rows = [['client', 'billable_units', 'billed', `as_${plan}`, 'difference', 'currency']];
  for (const r of results) {
    rows.push([
      r.clientId,
      String(r.actual.billableUnits),
      money(r.actual.totalMinor),
      money(r.whatIf.totalMinor),
      money(r.differenceMinor),
      r.actual.currency,
    ]);
  }
  const sum = (pick: (r: WhatIf) => number) => results.reduce((s, r) => s + pick(r), 0);
  rows.push([
    'ALL',
    String(sum((r) => r.actual.billableUnits)),
    money(sum((r) => r.actual.totalMinor)),
    money(sum((r) => r.whatIf.totalMinor)),
    money(sum((r) => r.differenceMinor)),
    results[0]?.actual.currency ?? '',
  ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return `${month} re-rated as ${plan}\n${rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

async function main(argv: string[]): Promise<undefined> {
  const { values } = parseFlags(argv, {
    month: { type: 'string' },
    plan: { type: 'string' },
    prices: { type: 'string' },
    client: { type: 'string' },
    json: { type: 'boolean' },
    ...TARGET_FLAGS,
  });
  const choice = chooseTarget(values);
  if (!isMonth(values.month)) throw new UsageError(`--month must be YYYY-MM, got ${JSON.stringify(values.month ?? null)}`);
  if (!isPlanName(values.plan))
    throw new UsageError(`--plan must be one of ${PLAN_NAMES.join(', ')}, got ${JSON.stringify(values.plan ?? null)}`);
  const tariff = values.prices ? { ...PRICING[values.plan], prices: readPriceBook(values.prices) } : undefined;
  const target = await resolveTarget(choice);
  const usage = await readMonth({ table: tableOf(target), archive: archiveOf(target) }, values.month, values.client);
  const results = whatIf(values.month, usage, values.plan, tariff);
  if (values.json) process.stdout.write(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else process.stdout.write(whatIfTable(values.month, values.plan, results));
}

export const billingWhatIfCommand: Command = { name: 'billing:what-if', usage: USAGE, run: main };

runCommand(billingWhatIfCommand, module);
