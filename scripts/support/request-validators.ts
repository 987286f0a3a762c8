// Renders each route's request validator at build time: its zod schemas (contracts/routes/<route>.ts, the one source)
// become JSON Schema (z.toJSONSchema), then Ajv standalone code, beside the messages the zod chain would give, so a
// deployed handler validates with @middy/validator and never loads zod or compiles a schema at cold start.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import * as z from 'zod';
import type { RouteDefinition } from '../../contracts/routes/route';
import { EVENT_FIELD, type Normalisation, type RequestPart } from '../../capabilities/http/middleware/compiled-validation';

/** Where the generated validators live, one module per route (`npm run validators` writes them). */
export const VALIDATORS_DIR = path.resolve(__dirname, '..', '..', 'capabilities', 'http', 'validators');

type JsonSchema = Record<string, unknown>;

interface Described {
  messages: Record<string, string>;
  order: Record<string, string[]>;
  checks: Record<string, string[]>;
  integers: string[];
}

/** The JSON Schema keywords the runtime maps to the zod chain's messages; any other keeps that route on zod. */
const SUPPORTED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'pattern',
  'format',
  'enum',
  'multipleOf',
]);

/** The zod chain's message for a missing value of this schema (zod: `invalid_type` with no input, or `invalid_value`). */
function missingMessage(node: JsonSchema): string {
  return Array.isArray(node.enum) ? enumMessage(node.enum) : 'is required';
}

function enumMessage(values: unknown[]): string {
  return `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
}

/**
 * Walks a rendered schema: refuses what the runtime cannot map, and records each keyword's message (keyed by Ajv's
 * `schemaPath`) and each object's property order (zod reports issues in that order).
 */
function describe(node: JsonSchema, at: string, customPatterns: Map<string, string>, out: Described): void {
  out.checks[at] = Object.keys(node);
  if (node.type === 'integer') {
    out.integers.push(at);
    // Zod bounds z.int() to the safe range; without a bound of the schema's own, Ajv needs it said.
    node.minimum ??= -Number.MAX_SAFE_INTEGER;
    node.maximum ??= Number.MAX_SAFE_INTEGER;
  }
  for (const key of Object.keys(node)) {
    if (!SUPPORTED.has(key)) throw new Error(`${at}: JSON Schema keyword "${key}" has no compiled message; keep this part on zod`);
  }
  if (node.type !== undefined && typeof node.type !== 'string') {
    throw new Error(`${at}: a type union (${JSON.stringify(node.type)}) has no compiled message; keep this part on zod`);
  }
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) {
    throw new Error(`${at}: only additionalProperties: false (z.strictObject) is supported`);
  }
  const unit = node.type === 'string' ? ' characters' : node.type === 'array' ? ' items' : '';
  const bounds: Record<string, string> = { minLength: 'at least', maxLength: 'at most', minItems: 'at least', maxItems: 'at most' };
  for (const [keyword, word] of Object.entries(bounds)) {
    if (node[keyword] !== undefined) out.messages[`${at}/${keyword}`] = `must be ${word} ${String(node[keyword])}${unit}`;
  }
  if (node.minimum !== undefined) out.messages[`${at}/minimum`] = `must be at least ${String(node.minimum)}`;
  if (node.maximum !== undefined) out.messages[`${at}/maximum`] = `must be at most ${String(node.maximum)}`;
  if (node.multipleOf !== undefined) out.messages[`${at}/multipleOf`] = `must be a multiple of ${String(node.multipleOf)}`;
  if (Array.isArray(node.enum)) out.messages[`${at}/enum`] = enumMessage(node.enum);
  if (node.pattern !== undefined) {
    out.messages[`${at}/pattern`] =
      typeof node.format === 'string' ? `must be a valid ${node.format}` : (customPatterns.get(at) ?? 'must be a valid regex');
  }
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  if (node.properties) out.order[at] = Object.keys(properties);
  for (const [name, child] of Object.entries(properties)) {
    out.messages[`${at}/required/${name}`] = missingMessage(child);
    describe(child, `${at}/properties/${name}`, customPatterns, out);
  }
  if (node.items !== undefined) {
    if (Array.isArray(node.items)) throw new Error(`${at}: tuple items are not supported; keep this part on zod`);
    describe(node.items as JsonSchema, `${at}/items`, customPatterns, out);
  }
}

/** The instance path of a schema path made only of object properties (`#/properties/a/properties/b` → [a, b]). */
function fieldPath(at: string): string[] {
  const tokens = at.replace(/^#\//, '').split('/');
  if (tokens.length % 2 !== 0 || tokens.some((t, i) => i % 2 === 0 && t !== 'properties')) {
    throw new Error(`${at}: a trim or coercion inside an array or union has no compiled normalisation; keep this part on zod`);
  }
  return tokens.filter((_, i) => i % 2 === 1);
}

/** Whether a zod overwrite check is `.trim()` (zod keeps only the function): it trims, and changes nothing else. */
function isTrim(tx: unknown): boolean {
  if (typeof tx !== 'function') return false;
  return [' \t Ab c\n ', 'x', '', 'ÉÀ '].every((sample) => tx(sample) === sample.trim());
}

/**
 * A part's JSON Schema, with the custom message of each regex check (zod keeps it out of the JSON Schema) and the
 * normalisations the zod chain does before its checks (JSON Schema of the input drops them).
 */
function renderPart(
  schema: z.ZodType,
  at: string,
): { json: JsonSchema; customPatterns: Map<string, string>; normalise: Map<string, Normalisation['to']> } {
  const customPatterns = new Map<string, string>();
  const normalise = new Map<string, Normalisation['to']>();
  const json = z.toJSONSchema(schema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema, path: where }) => {
      const { type } = zodSchema._zod.def;
      // JSON Schema of the input would silently drop what changes or refines the value: keep such a part on zod.
      if (['pipe', 'transform', 'default', 'prefault', 'catch', 'custom'].includes(type)) {
        throw new Error(`${[at, ...where].join('/')}: a zod ${type} has no JSON Schema; keep this part on zod`);
      }
      const here = [at, ...where].join('/');
      if ((zodSchema._zod.def as { coerce?: boolean }).coerce) {
        // z.coerce.number(): Number(input) before its checks; other coercions keep that part on zod.
        if (type !== 'number') throw new Error(`${here}: a zod coercion to ${type} has no compiled normalisation; keep this part on zod`);
        normalise.set(here, 'number');
      }
      const checks = (zodSchema._zod.def as { checks?: { _zod: { def: unknown } }[] }).checks ?? [];
      for (const [index, check] of checks.entries()) {
        const def = check._zod.def as { check?: string; format?: string; error?: (issue: unknown) => unknown; tx?: unknown };
        if (def.check === 'custom') throw new Error(`${here}: a zod refinement has no JSON Schema; keep this part on zod`);
        if (def.check === 'overwrite') {
          // Only a leading .trim() is mapped: zod runs checks in order, the runtime trims before all of them.
          if (index !== 0 || type !== 'string' || !isTrim(def.tx)) {
            throw new Error(`${here}: a zod overwrite other than a leading trim() has no compiled normalisation; keep this part on zod`);
          }
          normalise.set(here, 'trimmed');
        }
        if (def.format !== 'regex' || !def.error) continue;
        const message = def.error({ code: 'invalid_format', format: 'regex', input: '' });
        if (typeof message === 'string' && !message.startsWith('Invalid')) customPatterns.set([at, ...where].join('/'), message);
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  // z.enum renders as { type: 'string', enum }; zod answers any non-member, strings or not, with its values.
  const dropEnumType = (node: JsonSchema) => {
    if (Array.isArray(node.enum)) delete node.type;
    for (const child of Object.values((node.properties ?? {}) as Record<string, JsonSchema>)) dropEnumType(child);
    if (node.items && !Array.isArray(node.items)) dropEnumType(node.items as JsonSchema);
  };
  dropEnumType(json);
  return { json, customPatterns, normalise };
}

/** The generated module of one route: Ajv standalone code of its request parts, their messages and property order. */
export function renderRequestValidator(
  route: Pick<RouteDefinition, 'id' | 'schemas'>,
  source: { readonly from: string; readonly kind: string; readonly checkedBy: string } = {
    from: `contracts/routes/${route.id}.ts`,
    kind: 'route',
    checkedBy: 'test/scripts/request-validators.test.ts',
  },
): string {
  const parts = (['query', 'path', 'body'] as const satisfies readonly RequestPart[]).filter((part) => route.schemas[part]);
  const properties: Record<string, JsonSchema> = {};
  const customPatterns = new Map<string, string>();
  const normalise: Normalisation[] = [];
  for (const part of parts) {
    const rendered = renderPart(route.schemas[part]!, `#/properties/${EVENT_FIELD[part]}`);
    properties[EVENT_FIELD[part]] = rendered.json;
    for (const [k, v] of rendered.customPatterns) customPatterns.set(k, v);
    for (const [at, to] of rendered.normalise) normalise.push({ path: fieldPath(at), to });
  }
  const wrapper: JsonSchema = { type: 'object', properties, required: parts.map((part) => EVENT_FIELD[part]) };
  for (const { path: field, to } of normalise) {
    // zod coerces an absent required value too (Number(undefined) is NaN): only optional coerced fields are mapped.
    let parent = wrapper;
    for (const name of field.slice(0, -1)) parent = (parent.properties as Record<string, JsonSchema>)[name];
    if (to === 'number' && ((parent.required ?? []) as string[]).includes(field.at(-1)!)) {
      throw new Error(`${field.join('.')}: a required coerced field has no compiled normalisation; keep this part on zod`);
    }
  }
  const out: Described = { messages: {}, order: {}, checks: {}, integers: [] };
  describe(wrapper, '#', customPatterns, out);
  // Zod counts string length in code points, as Ajv does; its regexes carry no `u` flag, nor do Ajv's with unicodeRegExp off.
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    unicodeRegExp: false,
    messages: false,
    formats: { date: true },
    code: { source: true, esm: true, lines: true },
  });
  const validate = ajv.compile(wrapper);
  const code = standaloneCode(ajv, validate); // exports `validate`
  // Self-contained: Ajv's runtime helpers are inlined, so the bundle needs no `ajv` (a Lambda runtime has none).
  const inlined = code.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, `(${ucs2length.toString()})`);
  if (/require\(/.test(inlined)) throw new Error(`route ${route.id}: the validator needs an Ajv runtime helper that is not inlined`);
  return [
    `// Request validator of ${source.kind} ${route.id}, generated from the zod schemas in ${source.from} by \`npm run validators\`; do not edit.`,
    `// ${source.checkedBy} fails when it is stale. Read by capabilities/http/middleware/compiled-validation.ts.`,
    '// @ts-nocheck',
    inlined.replace(/^"use strict";/, '').trim(),
    `export const parts = ${JSON.stringify(parts)} as const;`,
    `export const messages = ${JSON.stringify(out.messages, null, 1)};`,
    `export const order = ${JSON.stringify(out.order, null, 1)};`,
    `export const checks = ${JSON.stringify(out.checks, null, 1)};`,
    `export const integers = ${JSON.stringify(out.integers, null, 1)};`,
    ...(normalise.length > 0 ? [`export const normalise = ${JSON.stringify(normalise, null, 1)};`] : []),
    '',
  ].join('\n');
}

/** The validator file of a route. */
export function validatorFile(routeId: string): string {
  return path.join(VALIDATORS_DIR, `${routeId}.ts`);
}

/** Writes every route's validator; returns the files that changed. */
export function writeRequestValidators(routes: readonly Pick<RouteDefinition, 'id' | 'schemas'>[]): string[] {
  return writeChanged(
    VALIDATORS_DIR,
    routes.map((route) => ({ file: validatorFile(route.id), text: () => renderRequestValidator(route) })),
  );
}

/** Writes each generated file whose text differs from the one on disk (creating `dir`); returns those written. */
export function writeChanged(dir: string, files: readonly { file: string; text: () => string }[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const changed = [];
  for (const { file, text } of files) {
    const rendered = text();
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== rendered) {
      fs.writeFileSync(file, rendered);
      changed.push(file);
    }
  }
  return changed;
}
