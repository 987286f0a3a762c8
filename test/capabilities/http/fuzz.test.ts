// Property-based fuzzing of every route's handler (fast-check, 10,000 requests per route): whatever
// arrives, the answer is never a 5xx, every 4xx is problem+json, and no input value is echoed.
import fc from 'fast-check';
import * as z from 'zod';
import { mockClient } from 'aws-sdk-client-mock';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ROUTES, type RouteDefinition } from '../../../contracts/routes';
import { apiEvent, lambdaContext } from '../../support/api-event';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
mockClient(SQSClient).on(SendMessageCommand).resolves({ MessageId: 'm' });
const ddbMock = mockClient(DynamoDBDocumentClient);
ddbMock.on(QueryCommand).resolves({ Items: [] });
ddbMock.on(GetCommand).resolves({});

const text = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Huge strings, built by repetition: generating 70 KB character by character is slow.
  fc
    .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.integer({ min: 1_000, max: 20_000 }))
    .map(([chunk, times]) => chunk.repeat(times)),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    '2026-02-30',
    '2026-13-01',
    '9999-12-31',
    '1900-01-01',
    '../../etc/passwd',
    '<script>',
    "' OR 1=1 --",
  ),
);
const deep = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.jsonValue(), tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('node'), { maxKeys: 4 }),
})).node;
const deeplyNested = fc.integer({ min: 100, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

function knownFields(route: RouteDefinition): string[] {
  return Object.keys(route.schemas.query?.shape ?? {});
}

const requestFor = (route: (typeof ROUTES)[number]) =>
  fc.record({
    query: fc.option(
      fc.dictionary(fc.oneof(fc.constantFrom(...knownFields(route), 'from', 'to', 'days', 'name'), text), text, { maxKeys: 4 }),
      { nil: undefined },
    ),
    body: fc.option(
      fc.oneof(
        deep.map((value) => JSON.stringify(value)),
        fc
          .record(
            {
              items: fc.array(
                fc.record({ sku: fc.oneof(text, deep), quantity: fc.oneof(fc.integer(), fc.double(), text, deep) }, { requiredKeys: [] }),
                { maxLength: 60 },
              ),
              currency: fc.oneof(text, deep),
            },
            { requiredKeys: [] },
          )
          .map((v) => JSON.stringify(v)),
        deeplyNested,
        text,
      ),
      { nil: undefined },
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      '',
      'application/x-www-form-urlencoded',
      'APPLICATION/JSON',
    ),
    base64: fc.boolean(),
  });

/** Field names the schemas declare: a response may name these (in error paths). */
const schemaFieldNames = new Set<string>();
function collectFieldNames(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (properties) for (const name of Object.keys(properties)) schemaFieldNames.add(name);
  for (const child of Object.values(schema)) collectFieldNames(child);
}
for (const route of ROUTES) {
  for (const schema of Object.values(route.schemas)) {
    collectFieldNames(z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }));
  }
}

/** Whether a string has three different characters; stops at the third (a Set of a 160 KB string is slow). */
function moreThanTwoDistinct(value: string): boolean {
  const seen: string[] = [];
  for (const ch of value) {
    if (!seen.includes(ch)) seen.push(ch);
    if (seen.length > 2) return true;
  }
  return false;
}

/** Every string the request carried (values and keys), long enough that finding it in a response means an echo. */
function stringsOf(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length >= 8 && moreThanTwoDistinct(value) && !schemaFieldNames.has(value)) into.push(value);
    try {
      stringsOf(JSON.parse(value), into);
    } catch {
      /* not JSON */
    }
  } else if (Array.isArray(value)) {
    for (const v of value) stringsOf(v, into);
  } else if (value && typeof value === 'object')
    Object.entries(value).forEach(([k, v]) => {
      stringsOf(k, into);
      stringsOf(v, into);
    });
  return into;
}

describe.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_name, route) => {
  let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
  beforeAll(() => {
    handler = require(`../../../${route.entry.replace(/\.ts$/, '')}`).handler;
  });

  test(`${RUNS} generated requests: never 5xx, 4xx always problem+json, no input echoed`, async () => {
    await fc.assert(
      fc.asyncProperty(requestFor(route), async ({ query, body, contentType, base64 }) => {
        const rawBody = body === undefined ? null : base64 ? Buffer.from(body).toString('base64') : body;
        const event = apiEvent({
          method: route.method,
          path: route.path,
          query: query as Record<string, string> | undefined,
          body: rawBody,
          isBase64Encoded: base64 && body !== undefined,
          headers: { 'Content-Type': contentType },
        });
        const result = await handler(event, lambdaContext());
        expect(result.statusCode).toBeLessThan(500);
        if (result.statusCode >= 400) {
          expect(result.headers?.['content-type']).toBe('application/problem+json');
          const problem = JSON.parse(result.body);
          expect(problem).toMatchObject({
            type: expect.any(String),
            title: expect.any(String),
            status: result.statusCode,
            detail: expect.any(String),
            requestId: expect.any(String),
          });
          // A string longer than the answer cannot be in it, raw or JSON-escaped (escaping only lengthens it).
          const echoed = stringsOf({ query, body }).filter(
            (value) =>
              value.length <= result.body.length &&
              (result.body.includes(value) || result.body.includes(JSON.stringify(value).slice(1, -1))),
          );
          if (echoed.length > 0)
            throw new Error(`response echoes input ${JSON.stringify(echoed.map((e) => e.slice(0, 80)))} in ${result.body.slice(0, 400)}`);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 180_000);
});
