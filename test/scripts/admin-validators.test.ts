// The generated admin validators (capabilities/admin/validators/) are the ones contracts/admin/ renders, and the
// generator maps only the normalisations it can do as zod does (a leading trim(), an optional z.coerce.number()).
import fs from 'node:fs';
import * as z from 'zod';
import { adminValidatorFiles } from '../../scripts/support/admin-validators';
import { renderRequestValidator } from '../../scripts/support/request-validators';

test.each(adminValidatorFiles().map(({ file, text }) => [file.replace(/.*capabilities\//, 'capabilities/'), file, text] as const))(
  '%s is the one contracts/admin renders (else: npm run validators)',
  (_name, file, text) => {
    expect(fs.readFileSync(file, 'utf8')).toBe(text());
  },
);

test('the generated code requires nothing (the admin bundle gets no `ajv` left external)', () => {
  for (const { text } of adminValidatorFiles()) expect(text()).not.toMatch(/require\(/);
});

test('a leading trim and an optional number coercion are normalised before the compiled checks', () => {
  const code = renderRequestValidator({
    id: 'x',
    schemas: { query: z.strictObject({ n: z.coerce.number().int().optional() }), body: z.strictObject({ s: z.string().trim().min(1) }) },
  });
  expect(code).toContain('"to": "number"');
  expect(code).toContain('"to": "trimmed"');
});

test.each([
  ['a trim after a length check', z.strictObject({ s: z.string().min(1).trim() })],
  ['another overwrite', z.strictObject({ s: z.string().toLowerCase() })],
  ['a coercion to string', z.strictObject({ s: z.coerce.string() })],
  ['a required coerced number (zod coerces undefined to NaN)', z.strictObject({ n: z.coerce.number() })],
  ['a trim inside an array', z.strictObject({ a: z.array(z.string().trim()) })],
])('%s is refused: keep that part on zod', (_name, schema) => {
  expect(() => renderRequestValidator({ id: 'x', schemas: { body: schema } })).toThrow(/keep this part on zod/);
});
