// The generated request validators (capabilities/http/validators/) match the zod schemas they come from, and the
// generator refuses a schema whose JSON Schema it cannot map to the zod chain's messages (that part stays on zod).
import fs from 'node:fs';
import * as z from 'zod';
import { ROUTES } from '../../contracts/routes';
import { renderRequestValidator, validatorFile } from '../../scripts/support/request-validators';

test.each(ROUTES.map((route) => [route.id, route] as const))(
  '%s: the committed validator is the one its schemas render (else: npm run validators)',
  (_id, route) => {
    expect(fs.readFileSync(validatorFile(route.id), 'utf8')).toBe(renderRequestValidator(route));
  },
);

test('the generated code requires nothing (a Lambda bundle gets no `ajv` left external)', () => {
  for (const route of ROUTES) expect(renderRequestValidator(route)).not.toMatch(/require\(/);
});

test('a schema change makes the rendered validator differ', () => {
  const hello = ROUTES.find((r) => r.id === 'hello')!;
  const changed = { id: 'hello', schemas: { query: z.strictObject({ name: z.string().min(1).max(65).optional() }) } };
  expect(renderRequestValidator(changed)).not.toBe(renderRequestValidator(hello));
});

test.each([
  ['a union', z.strictObject({ a: z.union([z.string(), z.number()]) })],
  ['a nullable field', z.strictObject({ a: z.string().nullable() })],
  ['a loose object', z.looseObject({ a: z.string() })],
])('%s is refused: keep that part on zod', (_name, schema) => {
  expect(() => renderRequestValidator({ id: 'x', schemas: { body: schema } })).toThrow(/keep this part on zod|supported/);
});

test.each([
  ['a transform', z.strictObject({ a: z.string().transform((s) => s.length) })],
  ['a refinement', z.strictObject({ a: z.string().refine((s) => s !== 'x') })],
  ['a default', z.strictObject({ a: z.string().default('x') })],
])('%s is refused, not silently dropped: keep that part on zod', (_name, schema) => {
  expect(() => renderRequestValidator({ id: 'x', schemas: { body: schema } })).toThrow(/keep this part on zod/);
});
