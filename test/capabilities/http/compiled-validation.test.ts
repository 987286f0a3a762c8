// The compiled validators (@middy/validator + Ajv standalone code generated from the zod schemas) against the zod
// chain, route by route, on the same inputs: the same verdict and the same errors (paths, messages, order), by
// property test (fast-check) and by the cases where JSON Schema and zod differ most.
import fc from 'fast-check';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTES, type RouteDefinition } from '../../../contracts/routes';
import { zodValidation, validatedInput } from '../../../capabilities/http/middleware/zod-validation';
import { compiledValidation, type CompiledRequestValidator } from '../../../capabilities/http/middleware/compiled-validation';
import { HttpProblem } from '../../../capabilities/http/problem';
import * as hello from '../../../capabilities/http/validators/hello';
import * as quotes from '../../../capabilities/http/validators/quotes';
import * as usageSummary from '../../../capabilities/http/validators/usage-summary';
import * as usageDaily from '../../../capabilities/http/validators/usage-daily';

const COMPILED: Record<string, CompiledRequestValidator> = {
  hello,
  quotes,
  'usage-summary': usageSummary,
  'usage-daily': usageDaily,
};
const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);

interface Input {
  query?: Record<string, string> | null;
  body?: unknown;
}

/** One middleware's verdict on an input: the validated input, or the 400's field errors. */
function verdict(middleware: ReturnType<typeof zodValidation>, input: Input) {
  const event = {
    queryStringParameters: input.query ?? null,
    pathParameters: null,
    parsedBody: input.body,
  } as unknown as APIGatewayProxyEvent;
  try {
    (middleware.before as (request: unknown) => void)({ event, context: {}, response: undefined, error: undefined, internal: {} });
    return { valid: validatedInput(event) };
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    return { statusCode: error.statusCode, errors: error.errors };
  }
}

function expectSame(route: RouteDefinition, input: Input) {
  const fromZod = verdict(zodValidation(route), input);
  const compiled = verdict(compiledValidation(COMPILED[route.id]), input);
  expect(compiled).toEqual(fromZod);
}

test('every route has a compiled validator', () => {
  expect(Object.keys(COMPILED).sort()).toEqual(ROUTES.map((r) => r.id).sort());
});

const text = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '0', '1', '90', '91', '2026-02-29', '2024-02-29', '2026-13-01', '2026-1-01', 'A-1', 'WIDGET-1', 'USD', 'usd'),
);
const number = fc.oneof(
  fc.integer({ min: -5, max: 1_005 }),
  fc.double(),
  fc.constantFrom(Infinity, -Infinity, Number.NaN, 1e20, -1e20, 2 ** 53, 1.5, -0),
);
const value = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const item = fc.record({ sku: fc.oneof(text, value), quantity: fc.oneof(number, value), extra: value }, { requiredKeys: [] });
const body = fc.oneof(
  value,
  fc.record(
    {
      items: fc.oneof(fc.array(fc.oneof(item, value), { maxLength: 55 }), value),
      currency: fc.oneof(fc.constantFrom('USD', 'EUR', 'JPY', 'XTS'), value),
      admin: value,
      other: value,
    },
    { requiredKeys: [] },
  ),
);
const query = fc.option(
  fc.dictionary(fc.oneof(fc.constantFrom('name', 'from', 'to', 'days', 'x', 'constructor', '__proto__'), text), text, { maxKeys: 5 }),
  { nil: undefined },
);

describe.each(ROUTES.map((route) => [route.id, route] as const))('route %s: compiled validator = zod', (_id, route) => {
  test('on random queries and bodies', () => {
    fc.assert(
      fc.property(query, body, (q, b) => expectSame(route, { query: q, body: b })),
      { numRuns: RUNS },
    );
  });
});

describe('where JSON Schema and zod differ', () => {
  const quotesRoute = ROUTES.find((r) => r.id === 'quotes')!;
  test.each<[string, unknown]>([
    [
      'integers outside the safe range',
      {
        items: [
          { sku: 'A', quantity: 1e20 },
          { sku: 'B', quantity: -1e20 },
        ],
        currency: 'USD',
      },
    ],
    [
      'non-finite numbers',
      {
        items: [
          { sku: 'A', quantity: Infinity },
          { sku: 'A', quantity: Number.NaN },
        ],
        currency: 'EUR',
      },
    ],
    [
      'a fraction and a string',
      {
        items: [
          { sku: 'A', quantity: 1.5 },
          { sku: 'A', quantity: '7' },
        ],
        currency: 'EUR',
      },
    ],
    ['a missing enum (zod: invalid_value, not "is required")', { items: [{ sku: 'A', quantity: 1 }] }],
    ['an enum given a number', { items: [{ sku: 'A', quantity: 1 }], currency: 5 }],
    ['an array over its bound hides its items', { items: Array.from({ length: 51 }, () => ({ sku: '', quantity: 0 })), currency: 'USD' }],
    ['empty sku: too short and wrong format, in zod order', { items: [{ sku: '', quantity: 1 }], currency: 'USD' }],
    ['lengths in code points, not UTF-16 units', { items: [{ sku: `${'😀'.repeat(16)}A`, quantity: 1 }], currency: 'USD' }],
    ['several unknown fields, one error per object', { items: [{ sku: 'A', quantity: 1, a: 1, b: 2 }], currency: 'USD', c: 1, d: 2, e: 3 }],
    [
      'more than 20 errors: the first 20, as zod',
      { items: Array.from({ length: 30 }, () => ({ sku: 'a', quantity: 0 })), currency: 'USD' },
    ],
    ['a field named __proto__', JSON.parse('{"items":[{"sku":"A","quantity":1}],"currency":"USD","__proto__":{"x":1}}')],
  ])('%s', (_name, input) => {
    expectSame(quotesRoute, { body: input });
  });

  test('usage-summary: impossible dates are a "valid date" error; usage-daily: the pattern message', () => {
    const summary = ROUTES.find((r) => r.id === 'usage-summary')!;
    expectSame(summary, { query: { from: '2026-02-29', to: '2025-13-01' } });
    expect(verdict(compiledValidation(usageSummary), { query: { from: '2026-02-29' } }).errors).toEqual([
      { path: 'query.from', message: 'must be a valid date' },
    ]);
    expect(verdict(compiledValidation(usageDaily), { query: { days: '91' } }).errors).toEqual([
      { path: 'query.days', message: 'must be a whole number from 1 to 90' },
    ]);
  });

  test('no input value appears in any message', () => {
    const { errors } = verdict(compiledValidation(quotes), {
      body: { items: [{ sku: 'SECRET', quantity: 'SECRET' }], currency: 'SECRET', SECRET: 1 },
    });
    expect(JSON.stringify(errors)).not.toContain('SECRET');
  });
});
