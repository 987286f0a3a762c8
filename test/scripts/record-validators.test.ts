// The generated record validators (capabilities/records/validators/) match the zod schemas they come from, and the
// generator refuses a schema whose zod parse it cannot reproduce (a transform, a refinement, a union…).
import fs from 'node:fs';
import * as z from 'zod';
import { recordValidatorFile, renderRecordValidator, STORED_RECORDS } from '../../scripts/support/record-validators';

test.each(STORED_RECORDS.map((record) => [record.name, record] as const))(
  '%s: the committed validator is the one its schema renders (else: npm run validators)',
  (_name, record) => {
    expect(fs.readFileSync(recordValidatorFile(record.name), 'utf8')).toBe(renderRecordValidator(record));
  },
);

test('the generated code requires nothing (a Lambda bundle carries no `ajv`, no zod)', () => {
  for (const record of STORED_RECORDS) expect(renderRecordValidator(record)).not.toMatch(/require\(|from ['"]zod/);
});

test('a schema change makes the rendered validator differ', () => {
  const event = STORED_RECORDS.find((r) => r.name === 'usage-event')!;
  const changed = { ...event, schema: (event.schema as z.ZodObject).extend({ plan: z.string().min(1).max(33) }) };
  expect(renderRecordValidator(changed)).not.toBe(renderRecordValidator(event));
});

test.each([
  ['a transform', z.object({ a: z.string().transform((s) => s.length) })],
  ['a refinement', z.object({ a: z.string().refine((s) => s !== 'x') })],
  ['a union', z.object({ a: z.union([z.string(), z.number()]) })],
  ['a nullable field', z.object({ a: z.string().nullable() })],
  ['a coercion', z.object({ a: z.coerce.number() })],
  ['a pipe', z.object({ a: z.string().pipe(z.string()) })],
  ['an email (a format other than the iso dates, whose regex may carry flags)', z.object({ a: z.email() })],
  ['typed extra keys', z.object({ a: z.string() }).catchall(z.number())],
])('%s is refused, not silently dropped: keep that record on zod', (_name, schema) => {
  expect(() => renderRecordValidator({ name: 'x', schema, from: 'x.ts' })).toThrow(/keep this record on zod/);
});
