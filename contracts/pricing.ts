// What is billed and at what price, per plan: the billable rules (routes × outcomes whose units count) and the
// price book (flat monthly fee, included units, graduated overage tiers), in integer minor units of one currency.
// Read by the statements (billable units), the rating (capabilities/billing) and the Stripe push.
import { PLAN_NAMES, type PlanName } from './plans';
import { ENDPOINTS } from './routes/endpoints';
import { routeKey } from './routes/route';

/** A request's outcome as the counters keep it: 2xx/3xx (`ok`), 4xx (`clientError`, refusals included), 5xx. */
export const OUTCOMES = ['ok', 'clientError', 'serverError'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Which units of a plan's traffic are billable: the units of each route × outcome listed. */
export interface BillableRule {
  /** Outcomes whose units are billable. */
  readonly outcomes: readonly Outcome[];
  /** Route ids (`contracts/routes`) never billable on this plan, whatever the outcome. */
  readonly freeRoutes: readonly string[];
}

/** One overage tier: units above the previous tier's `upTo` up to this one (`null`: no end), at `priceMinor` per `perUnits`. */
export interface PriceTier {
  readonly upTo: number | null;
  readonly priceMinor: number;
}

/** A plan's price for one month, in minor units (cents) of `currency`. */
export interface PriceBook {
  /** ISO 4217, lower case, as Stripe writes it. */
  readonly currency: string;
  /** Charged for a whole month under the plan; prorated by days for part of a month (a plan change). */
  readonly monthlyFeeMinor: number;
  /** Billable units the fee includes per month (prorated like the fee, rounded down). */
  readonly includedUnits: number;
  /** Tier prices are per this many units (1000: a price per thousand units). */
  readonly perUnits: number;
  /** Graduated tiers of the units beyond the included ones, ascending `upTo`, the last one `null`. */
  readonly tiers: readonly PriceTier[];
}

/** 2xx/3xx billable; 4xx (refusals included) and 5xx not; reading one's own usage never. */
export const DEFAULT_BILLABLE: BillableRule = { outcomes: ['ok'], freeRoutes: ['usage-summary', 'usage-daily'] };

export const PRICING = {
  free: {
    billable: DEFAULT_BILLABLE,
    prices: { currency: 'usd', monthlyFeeMinor: 0, includedUnits: 1_000, perUnits: 1_000, tiers: [{ upTo: null, priceMinor: 0 }] },
  },
  payg: {
    billable: DEFAULT_BILLABLE,
    prices: { currency: 'usd', monthlyFeeMinor: 0, includedUnits: 0, perUnits: 1_000, tiers: [{ upTo: null, priceMinor: 60 }] },
  },
  standard: {
    billable: DEFAULT_BILLABLE,
    prices: {
      currency: 'usd',
      monthlyFeeMinor: 4_900,
      includedUnits: 250_000,
      perUnits: 1_000,
      tiers: [
        { upTo: 1_000_000, priceMinor: 50 },
        { upTo: null, priceMinor: 30 },
      ],
    },
  },
  premium: {
    billable: DEFAULT_BILLABLE,
    prices: {
      currency: 'usd',
      monthlyFeeMinor: 29_900,
      includedUnits: 2_000_000,
      perUnits: 1_000,
      tiers: [
        { upTo: 10_000_000, priceMinor: 30 },
        { upTo: null, priceMinor: 20 },
      ],
    },
  },
} as const satisfies Record<PlanName, { readonly billable: BillableRule; readonly prices: PriceBook }>;

export function billableRuleOf(plan: string): BillableRule {
  return (PRICING as Record<string, { billable: BillableRule }>)[plan]?.billable ?? DEFAULT_BILLABLE;
}

export function priceBookOf(plan: PlanName): PriceBook {
  return PRICING[plan].prices;
}

// The routes' identities (contracts/routes/endpoints.ts), not their zod schemas: the daily job's statements read these.
const ROUTE_IDS: readonly string[] = ENDPOINTS.map((r) => r.id);
const ROUTE_ID_BY_KEY = new Map<string, string>(ENDPOINTS.map((r) => [routeKey(r), r.id]));

/** The route id of a counter's route key (`GET /v1/hello` → `hello`); the key itself for a route no longer declared. */
export const routeIdOfKey = (key: string) => ROUTE_ID_BY_KEY.get(key) ?? key;

/** Units of one route's counters per outcome (the counters keep units of all, of the 4xx and of the 5xx). */
export interface OutcomeUnits {
  readonly units: number;
  readonly clientErrorUnits: number;
  readonly serverErrorUnits: number;
}

/** Billable units of one route's counters under a rule. */
export function billableUnits(rule: BillableRule, routeKeyOrId: string, counts: OutcomeUnits): number {
  if (rule.freeRoutes.includes(routeIdOfKey(routeKeyOrId))) return 0;
  const byOutcome: Record<Outcome, number> = {
    ok: counts.units - counts.clientErrorUnits - counts.serverErrorUnits,
    clientError: counts.clientErrorUnits,
    serverError: counts.serverErrorUnits,
  };
  return rule.outcomes.reduce((sum, outcome) => sum + byOutcome[outcome], 0);
}

const wholeAtLeast = (value: unknown, min: number) => Number.isSafeInteger(value) && (value as number) >= min;

/** Every reason a billable rule is wrong (empty = valid). */
export function billableRuleProblems(name: string, rule: BillableRule): string[] {
  const problems: string[] = [];
  if (!Array.isArray(rule?.outcomes)) return [`billable outcomes of ${name} must be a list: got ${JSON.stringify(rule?.outcomes)}`];
  for (const outcome of rule.outcomes) {
    if (!(OUTCOMES as readonly string[]).includes(outcome))
      problems.push(`billable outcome of ${name} must be one of ${OUTCOMES.join(', ')}: got ${JSON.stringify(outcome)}`);
  }
  for (const route of rule.freeRoutes ?? []) {
    if (!ROUTE_IDS.includes(route)) problems.push(`free route of ${name} is not a route id: got ${JSON.stringify(route)}`);
  }
  return problems;
}

/** Every reason a price book is wrong (empty = valid): integer minor units, ascending tiers ending open. */
export function priceBookProblems(name: string, book: PriceBook): string[] {
  const problems: string[] = [];
  if (typeof book?.currency !== 'string' || !/^[a-z]{3}$/.test(book.currency))
    problems.push(`currency of ${name} must be 3 lower-case letters (ISO 4217): got ${JSON.stringify(book?.currency)}`);
  for (const [field, min] of [
    ['monthlyFeeMinor', 0],
    ['includedUnits', 0],
    ['perUnits', 1],
  ] as const) {
    if (!wholeAtLeast(book?.[field], min))
      problems.push(
        `${field} of ${name} must be a whole number of at least ${min} (minor units, no fractions): got ${JSON.stringify(book?.[field])}`,
      );
  }
  const tiers = Array.isArray(book?.tiers) ? book.tiers : [];
  if (tiers.length === 0) problems.push(`tiers of ${name} must list at least one tier`);
  let previous = 0;
  tiers.forEach((tier, i) => {
    const last = i === tiers.length - 1;
    if (!wholeAtLeast(tier?.priceMinor, 0))
      problems.push(`tier ${i + 1} of ${name}: priceMinor must be a whole number of at least 0: got ${JSON.stringify(tier?.priceMinor)}`);
    if (last && tier?.upTo !== null)
      problems.push(`tier ${i + 1} of ${name}: the last tier must have upTo null (no end): got ${JSON.stringify(tier?.upTo)}`);
    if (!last && !wholeAtLeast(tier?.upTo, previous + 1))
      problems.push(`tier ${i + 1} of ${name}: upTo must be a whole number above ${previous}: got ${JSON.stringify(tier?.upTo)}`);
    if (!last && typeof tier?.upTo === 'number') previous = tier.upTo;
  });
  return problems;
}

for (const plan of PLAN_NAMES) {
  const problems = [...billableRuleProblems(plan, PRICING[plan].billable), ...priceBookProblems(plan, PRICING[plan].prices)];
  if (problems.length > 0) throw new Error(problems.join('; '));
}
