// The admin routes' compiled validators (capabilities/admin/validators/, generated from contracts/admin/) against the
// zod schemas they come from, route by route: requests give the same verdict, validated input (trimmed, coerced) and
// field errors as the zod chain; responses the same verdict and, when valid, the same JSON as zod's parse.
import fc from 'fast-check';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ADMIN_ROUTES } from '../../../contracts/admin/routes';
import type { AdminRouteDefinition } from '../../../contracts/admin/route';
import { zodValidation, validatedInput } from '../../../capabilities/http/middleware/zod-validation';
import { compiledValidation, type CompiledRequestValidator } from '../../../capabilities/http/middleware/compiled-validation';
import { compiledRecord, type CompiledRecordValidator } from '../../../capabilities/records/compiled-record';
import { HttpProblem } from '../../../capabilities/http/problem';
import { ADMIN_VALIDATORS } from '../../../capabilities/admin/validators';

const COMPILED = ADMIN_VALIDATORS as unknown as Record<string, { request: CompiledRequestValidator; response: CompiledRecordValidator }>;
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);
const CLIENT_ID = `cl_${'0123456789abcdef'.repeat(2)}`;

interface Input {
  query?: Record<string, string> | null;
  path?: Record<string, string> | null;
  body?: unknown;
}

function verdict(middleware: ReturnType<typeof zodValidation>, input: Input) {
  const event = {
    queryStringParameters: input.query ?? null,
    pathParameters: input.path ?? null,
    parsedBody: input.body,
  } as unknown as APIGatewayProxyEvent;
  const sent = JSON.stringify(event);
  try {
    (middleware.before as (request: unknown) => void)({ event, context: {}, response: undefined, error: undefined, internal: {} });
    return { valid: validatedInput(event) };
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    return { statusCode: error.statusCode, errors: error.errors };
  } finally {
    // Trimming and coercion never change what the client sent.
    expect(JSON.stringify(event)).toBe(sent);
  }
}

function expectSame(route: AdminRouteDefinition, input: Input) {
  expect(verdict(compiledValidation(COMPILED[route.id].request), input)).toEqual(verdict(zodValidation(route), input));
}

test('every admin route has its compiled request and response validators', () => {
  expect(Object.keys(COMPILED).sort()).toEqual(ADMIN_ROUTES.map((r) => r.id).sort());
});

const text = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', ' ', '  a  ', '\tacme\n', ' '.repeat(70), 'free', ' free', 'standard', CLIENT_ID, ` ${CLIENT_ID}`, 'cl_x'),
  fc.constantFrom('cus_A1', 'cus_', 'top-1', '2026-01-31', '2026-02-29', 'abc_-'),
  fc.constantFrom('0', '1', ' 5 ', '1.5', '1e3', '100', '101', '-1', 'abc', 'Infinity', '0x10', '1e20', '9007199254740993'),
);
const number = fc.oneof(
  fc.integer({ min: -5, max: 4_000 }),
  fc.double(),
  fc.constantFrom(Infinity, -Infinity, Number.NaN, 1e20, -1e20, 2 ** 53, 1.5, -0, 30 * 86_400, 30 * 86_400 + 1),
);
const value = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const body = fc.oneof(
  value,
  fc.record(
    {
      plan: fc.oneof(fc.constantFrom('free', 'payg', 'standard', 'premium'), value),
      name: fc.oneof(text, value),
      expiresInDays: fc.oneof(number, value),
      graceSeconds: fc.oneof(number, value),
      ratePerMinute: fc.oneof(number, value),
      burst: fc.oneof(number, value),
      dailyQuota: fc.oneof(number, value),
      units: fc.oneof(number, value),
      topUpId: fc.oneof(text, value),
      customerId: fc.oneof(text, value),
      other: value,
    },
    { requiredKeys: [] },
  ),
);
const query = fc.option(
  fc.dictionary(fc.constantFrom('limit', 'cursor', 'from', 'to', 'x', 'constructor', '__proto__'), text, { maxKeys: 4 }),
  { nil: undefined },
);
const path = fc.option(fc.dictionary(fc.constantFrom('id', 'x'), text, { maxKeys: 2 }), { nil: undefined });

describe.each(ADMIN_ROUTES.map((route) => [route.id, route] as const))('admin route %s: compiled request validator = zod', (_id, route) => {
  test('on random queries, paths and bodies', () => {
    fc.assert(
      fc.property(query, path, body, (q, p, b) => expectSame(route, { query: q, path: p, body: b })),
      { numRuns: RUNS },
    );
  });
});

describe('trim and number coercion, as zod does them', () => {
  const route = (id: string) => ADMIN_ROUTES.find((r) => r.id === id)!;
  test.each<[string, Input]>([
    ['a name of spaces is too short once trimmed', { body: { plan: 'free', name: '   ' } }],
    ['a name is passed on trimmed', { body: { plan: 'free', name: '  acme\t' } }],
    ['65 characters, 64 once trimmed', { body: { plan: 'free', name: ` ${'a'.repeat(64)}` } }],
    ['a name that is not a string', { body: { plan: 'free', name: 5 } }],
  ])('create-client: %s', (_name, input) => expectSame(route('create-client'), input));

  test.each(['', ' 5 ', '1.5', 'abc', 'Infinity', '0x10', '1e3', '1e20', '-1e20', '100', '101', '0'])('list-clients: limit %j', (limit) =>
    expectSame(route('list-clients'), { query: { limit } }),
  );

  test('the validated input is the normalised one', () => {
    const compiled = verdict(compiledValidation(COMPILED['list-clients'].request), { query: { limit: ' 7 ' } });
    expect(compiled).toEqual({ valid: { query: { limit: 7 }, path: {}, body: undefined } });
  });
});

// Responses: valid examples of each schema, then random changes to them (a field removed, replaced or added).
const view = {
  clientId: CLIENT_ID,
  name: 'acme',
  plan: 'standard',
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  revokedAt: '2026-01-02T00:00:00.000Z',
  keyExpiresAt: '2027-01-01T00:00:00.000Z',
  override: { ratePerMinute: 10, burst: 5, dailyQuota: 100, setAt: '2026-01-01T00:00:00.000Z' },
  stripeCustomerId: 'cus_A1',
};
const limits = { ratePerMinute: 10, burst: 5, dailyQuota: 100 };
const EXAMPLES: Record<string, unknown> = {
  'create-client': { apiKey: 'k', clientId: CLIENT_ID, plan: 'free' },
  'list-clients': { clients: [view, { ...view, revokedAt: undefined }], nextCursor: 'abc' },
  'get-client': view,
  'revoke-client': { ...view, status: 'revoked' },
  'set-stripe-customer': view,
  'rotate-key': { apiKey: 'k', clientId: CLIENT_ID, plan: 'free', oldKeyValidUntil: 'x' },
  'set-override': { clientId: CLIENT_ID, plan: 'free', before: limits, after: limits, setAt: 'x' },
  'set-plan': { clientId: CLIENT_ID, before: 'free', after: 'premium', changedAt: 'x' },
  'top-up-credits': { clientId: CLIENT_ID, topUpId: 't', units: 5, balance: 10, by: 'arn', at: 'x' },
  'client-usage': {
    clientId: CLIENT_ID,
    plan: { name: 'standard', ratePerMinute: 600, dailyQuota: 10_000, strict: { ratePerMinute: 60 } },
    period: { from: '2026-01-01', to: '2026-01-30', days: 30 },
    totals: { requests: 3, units: 3, clientErrors: 1, serverErrors: 0, avgLatencyMs: 12.5, p95LatencyMs: 40 },
    averagePerDay: 0.1,
    today: { requests: 1, quota: 10_000, percentOfQuota: 0.01 },
    limits: {
      source: 'plan',
      ratePerMinute: 600,
      burst: 100,
      dailyQuota: 10_000,
      monthlyQuota: null,
      strict: { ratePerMinute: 60, burst: 10 },
    },
    month: { month: '2026-01', from: '2026-01-01', to: '2026-01-30', requests: 3, quota: null, percentOfQuota: null },
    routes: [{ route: 'GET /v1/hello', requests: 3, units: 3, percent: 100, clientErrors: 1, serverErrors: 0 }],
  },
};

/** Every path to a value inside `value` (object fields and array items). */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

function changed(example: unknown, path: (string | number)[], change: 'delete' | 'set' | 'extra' | 'reverse', to: unknown): unknown {
  const copy = structuredClone(example) as Record<string | number, unknown>;
  if (path.length === 0) {
    if (change === 'reverse') return Object.fromEntries(Object.entries(copy).reverse());
    return change === 'set' ? to : copy;
  }
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (change === 'delete') delete parent[key];
  else if (change === 'set') parent[key] = to;
  else if (change === 'extra' && parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key]))
    (parent[key] as Record<string, unknown>).unexpected = to;
  else if (change === 'reverse' && parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key]))
    parent[key] = Object.fromEntries(Object.entries(parent[key] as object).reverse());
  return copy;
}

describe.each(ADMIN_ROUTES.map((route) => [route.id, route] as const))(
  'admin route %s: compiled response check = zod parse',
  (id, route) => {
    const compiled = compiledRecord<unknown>(COMPILED[id].response);
    const same = (input: unknown) => {
      const fromZod = route.schemas.response.safeParse(input);
      const ours = compiled.safeParse(input);
      expect(ours.success).toBe(fromZod.success);
      if (ours.success && fromZod.success) expect(JSON.stringify(ours.data)).toBe(JSON.stringify(fromZod.data));
    };

    test('its example is valid, and shaped in zod order whatever the input order', () => {
      expect(route.schemas.response.safeParse(EXAMPLES[id]).success).toBe(true);
      same(EXAMPLES[id]);
      same(changed(EXAMPLES[id], [], 'reverse', undefined));
    });

    test('on random changes of the example', () => {
      const paths = pathsOf(EXAMPLES[id]);
      fc.assert(
        fc.property(
          fc.constantFrom(...paths),
          fc.constantFrom('delete', 'set', 'extra', 'reverse' as const),
          fc.oneof(value, fc.constant(undefined)),
          (at, change, to) => same(changed(EXAMPLES[id], at, change, to)),
        ),
        { numRuns: RUNS },
      );
    });
  },
);
