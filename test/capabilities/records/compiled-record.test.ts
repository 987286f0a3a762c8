// The compiled record parsers (Ajv standalone code generated from the zod schemas) against zod itself, record by
// record, on the same inputs: the same verdict, the same parsed value (fields, order, defaults, unknown keys dropped)
// and the same fields named (each once) in the same order, by property test (fast-check) from valid records mutated at random.
import fc from 'fast-check';
import { compiledRecord, RecordParseError, uniqueIssues } from '../../../capabilities/records/compiled-record';
import { STORED_RECORDS } from '../../../scripts/support/record-validators';
import * as usageEvent from '../../../capabilities/records/validators/usage-event';
import * as clientRecord from '../../../capabilities/records/validators/client-record';
import * as clientKeys from '../../../capabilities/records/validators/client-keys';
import * as clientOverride from '../../../capabilities/records/validators/client-override';
import * as planDay from '../../../capabilities/records/validators/plan-day';
import * as archiveManifest from '../../../capabilities/records/validators/archive-manifest';
import * as dailySummary from '../../../capabilities/records/validators/daily-summary';
import * as dailyJobEvent from '../../../capabilities/records/validators/daily-job-event';

const COMPILED = {
  'usage-event': usageEvent,
  'client-record': clientRecord,
  'client-keys': clientKeys,
  'client-override': clientOverride,
  'plan-day': planDay,
  'archive-manifest': archiveManifest,
  'daily-summary': dailySummary,
  'daily-job-event': dailyJobEvent,
};
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const HASH = 'a'.repeat(64);

/** Valid records of each kind, as the table or the queue holds them (with the keys a stored item carries). */
const SAMPLES: Record<string, Record<string, unknown>[]> = {
  'usage-event': [
    {
      v: 1,
      eventId: 'sxq0.abc',
      clientId: 'cl_1',
      plan: 'free',
      route: 'GET /v1/hello',
      method: 'GET',
      status: 200,
      latencyMs: 12.5,
      units: 1,
      requestTime: '2026-12-01T10:00:00.000Z',
      day: '2026-12-01',
    },
    {
      v: 1,
      eventId: 'e',
      clientId: 'c',
      plan: 'p',
      route: 'r',
      method: 'm',
      status: 599,
      latencyMs: 0,
      requestTime: '2024-02-29T23:59:59Z',
      day: '2024-02-29',
    },
  ],
  'client-record': [
    {
      pk: 'CLIENTS',
      sk: 'CLIENT#cl_1',
      clientId: 'cl_1',
      name: 'acme',
      plan: 'standard',
      status: 'active',
      createdAt: '2026-12-01T00:00:00.000Z',
      usageKey: 'u'.repeat(24),
      keyHash: HASH,
      retiredKeys: [{ keyHash: 'b'.repeat(64), retiresAt: '2026-12-02T00:00:00.000Z' }],
      override: { ratePerMinute: 10, burst: 5, dailyQuota: 100, setAt: '2026-12-01T00:00:00.000Z', usagePlanId: 'up1' },
    },
    {
      name: 'b',
      clientId: 'cl_2',
      plan: 'free',
      status: 'revoked',
      revokedAt: 'x',
      createdAt: 'y',
      usageKey: 'u'.repeat(20),
      keyExpiresAt: '2027-01-01T00:00:00Z',
      keyRetiresAt: '2027-01-01T00:00:00.5Z',
      stripeCustomerId: 'cus_1',
      apiGatewayKeyId: 'k',
    },
  ],
  'client-keys': [
    { keyHash: HASH, retiredKeys: [{ keyHash: HASH, retiresAt: '2026-12-02T00:00:00Z', extra: 1 }], pk: 'x' },
    { keyHash: HASH },
  ],
  'client-override': [
    { ratePerMinute: 1, burst: 1, dailyQuota: 1, setAt: '' },
    { usagePlanId: 'p', setAt: 's', dailyQuota: 9, burst: 2, ratePerMinute: 3, q: 1 },
  ],
};

SAMPLES['plan-day'] = [{ pk: 'PLANS#cl_1', sk: 'DAY#2026-12-01', clientId: 'cl_1', day: '2026-12-01', plans: ['free', 'standard'] }];
SAMPLES['archive-manifest'] = [
  {
    version: 1,
    dt: '2026-12-01',
    format: 'jsonl.gz',
    objectCount: 1,
    itemCount: 2,
    sha256: HASH,
    parts: [
      { key: 'usage/dt=2026-12-01/part-00000.json.gz', items: 2, bytes: 10, sha256: HASH },
      { key: 'k', items: 0, bytes: 0, sha256: HASH },
    ],
  },
];
SAMPLES['daily-summary'] = [
  {
    pk: 'SUMMARY#2026-12-01',
    sk: 'cl_1',
    expiresAt: 1,
    clientId: 'cl_1',
    day: '2026-12-01',
    plan: 'free',
    requests: 3,
    clientErrors: 1,
    serverErrors: 0,
    latencySumMs: 30.5,
    avgLatencyMs: 10.2,
    p95LatencyMs: 20,
    dailyQuota: 100,
    percentOfQuota: 3,
    routes: { 'GET /v1/hello': 2, 'POST /v1/quotes': 1 },
  },
];
SAMPLES['daily-job-event'] = [
  { day: '2026-12-01' },
  { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-12-02T00:05:00Z', detail: {}, resources: [] },
  { scheduledTime: '2026-12-02T00:05:00+00:00' },
  {},
];

const tricky = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    'free',
    'revoked',
    '😀'.repeat(20),
    'x'.repeat(129),
    '2026-13-01',
    '2025-02-29',
    '2026-12-01',
    '2026-12-01T10:00:00Z',
    '2026-12-01T10:00:00+01:00',
    HASH,
    HASH.toUpperCase(),
    0,
    -0,
    -1,
    1,
    1.5,
    99,
    100,
    599,
    600,
    900_000,
    900_001,
    Number.MAX_SAFE_INTEGER + 2,
    true,
    [],
    {},
    [{}],
    [{ keyHash: HASH, retiresAt: '2026-12-01T00:00:00Z' }],
  ),
  fc.string({ maxLength: 70 }),
  fc.double(),
  fc.integer(),
);

/** A copy of `value` with one random change at a random path: set, delete or add a key, replace an item. */
function mutate(value: unknown, choices: number[], replacement: unknown): unknown {
  if (value === null || typeof value !== 'object' || choices.length === 0) return replacement;
  const [choice, ...rest] = choices;
  if (Array.isArray(value)) {
    if (value.length === 0) return [replacement];
    const i = choice % value.length;
    return value.map((item, j) => (j === i ? mutate(item, rest, replacement) : item));
  }
  const keys = Object.keys(value);
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (choice % 7 === 6 || keys.length === 0) copy[`extra${choice % 3}`] = replacement;
  else if (choice % 7 === 5) delete copy[keys[choice % keys.length]];
  else copy[keys[choice % keys.length]] = mutate(copy[keys[choice % keys.length]], rest, replacement);
  return copy;
}

/** A value with its key order made visible (toStrictEqual ignores order; zod's output has one). */
const ordered = (value: unknown): unknown =>
  value === null || typeof value !== 'object'
    ? value
    : Array.isArray(value)
      ? value.map(ordered)
      : Object.entries(value).map(([k, v]) => [k, v === undefined ? '(undefined)' : ordered(v)]);

describe.each(STORED_RECORDS.map((record) => [record.name, record] as const))('%s', (name, record) => {
  const compiled = compiledRecord(COMPILED[name as keyof typeof COMPILED]);

  function expectSameAnswer(input: unknown) {
    const zod = record.schema.safeParse(input);
    const ours = compiled.safeParse(input);
    expect(ours.success).toBe(zod.success);
    if (zod.success && ours.success) {
      expect(ours.data).toStrictEqual(zod.data);
      expect(ordered(ours.data)).toEqual(ordered(zod.data));
    }
    if (!zod.success && !ours.success) {
      expect(ours.error.issues.map((i) => i.path.join('.'))).toEqual(uniqueIssues(zod.error.issues).map((i) => i.path.join('.')));
    }
  }

  test('every sample is valid, and parses to what zod returns', () => {
    for (const sample of SAMPLES[name]) {
      expect(record.schema.safeParse(sample).success).toBe(true);
      expectSameAnswer(sample);
    }
  });

  test('a parsed value is a new object: changing it leaves the stored item as it was', () => {
    const sample = structuredClone(SAMPLES[name][0]);
    const parsed = compiled.safeParse(sample);
    expect(parsed.success && parsed.data).not.toBe(sample);
    expect(sample).toStrictEqual(SAMPLES[name][0]);
  });

  test('mutated records: the same verdict, value and issue paths as zod', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SAMPLES[name].length - 1 }),
        fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), tricky), { minLength: 1, maxLength: 3 }),
        (which, changes) => {
          let input: unknown = SAMPLES[name][which];
          for (const [path, value] of changes) input = mutate(input, path, value);
          expectSameAnswer(input);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test.each([null, undefined, 1, 'x', [], {}])('a non-record (%p): the same answer as zod', (input) => expectSameAnswer(input));
});

test('parse throws a RecordParseError naming the fields, never the values', () => {
  const manifest = compiledRecord(archiveManifest, 'archive manifest');
  expect(() => manifest.parse({ ...SAMPLES['archive-manifest'][0], sha256: 'secret-value', extra: 1 })).toThrow(
    new RecordParseError('archive manifest', ['sha256', '']),
  );
  expect(() => manifest.parse({ ...SAMPLES['archive-manifest'][0], sha256: 'secret-value' })).toThrow(/^invalid archive manifest: sha256$/);
  expect(manifest.parse(SAMPLES['archive-manifest'][0])).toStrictEqual(SAMPLES['archive-manifest'][0]);
});
