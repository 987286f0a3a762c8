// Renders the stored records' validators at build time: each record's zod schema (the one source) becomes JSON Schema
// (z.toJSONSchema), then Ajv standalone code, beside the shape zod gives a valid value (capabilities/records/
// compiled-record.ts), so the functions that read records (aggregator, authorizer, jobs) never load zod at init.
import path from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import * as z from 'zod';
import type { RecordShape } from '../../capabilities/records/compiled-record';
import { writeChanged } from './request-validators';
import { usageEventV1 } from '../../contracts/usage-event';
import { clientKeys, clientOverride, clientRecord } from '../../capabilities/customers/client-record';
import { planDay } from '../../capabilities/customers/plan-day';
import { archiveManifest } from '../../capabilities/archive/archive-manifest';
import { dailySummary } from '../../capabilities/archive/daily-summary';
import { dailyJobEvent } from '../../capabilities/daily-job/job-event';

/** Where the generated validators live, one module per record (`npm run validators` writes them). */
export const RECORD_VALIDATORS_DIR = path.resolve(__dirname, '..', '..', 'capabilities', 'records', 'validators');

/** A stored record read with a compiled validator: its module name, its zod schema and where that schema lives. */
export interface StoredRecord {
  readonly name: string;
  readonly schema: z.ZodType;
  readonly from: string;
}

/** Every record the functions parse, by the name of its generated module. */
export const STORED_RECORDS: readonly StoredRecord[] = [
  { name: 'usage-event', schema: usageEventV1, from: 'contracts/usage-event.ts' },
  { name: 'client-record', schema: clientRecord, from: 'capabilities/customers/client-record.ts' },
  { name: 'client-keys', schema: clientKeys, from: 'capabilities/customers/client-record.ts' },
  { name: 'client-override', schema: clientOverride, from: 'capabilities/customers/client-record.ts' },
  { name: 'plan-day', schema: planDay, from: 'capabilities/customers/plan-day.ts' },
  { name: 'archive-manifest', schema: archiveManifest, from: 'capabilities/archive/archive-manifest.ts' },
  { name: 'daily-summary', schema: dailySummary, from: 'capabilities/archive/daily-summary.ts' },
  { name: 'daily-job-event', schema: dailyJobEvent, from: 'capabilities/daily-job/job-event.ts' },
];

type JsonSchema = Record<string, unknown>;

/** Keywords whose Ajv check is the zod check (or stricter: a value Ajv refuses is parsed by zod itself). */
const SUPPORTED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'format',
  'enum',
  'const',
  'default',
]);

/** zod definitions whose output is not the input (or whose check JSON Schema cannot say): refused, never dropped. */
const REFUSED_TYPES = ['pipe', 'transform', 'prefault', 'catch', 'custom', 'union', 'nullable', 'lazy', 'promise', 'date', 'bigint'];

/** The formats checked by their pattern alone (zod's `z.iso.date()`, `z.iso.datetime()`). */
const ISO_FORMATS = new Set(['date', 'date-time']);

function refuse(at: string, what: string): never {
  throw new Error(`${at}: ${what} has no compiled record check; keep this record on zod`);
}

/** How a validator is rendered beyond its schema: what its header calls it, and whether `.nullable()` is mapped. */
export interface RenderOptions {
  /** What the header calls the value (`stored record` by default; `admin response`). */
  readonly kind?: string;
  /** Accepts zod's `.nullable()` (JSON Schema `anyOf: [X, { type: 'null' }]`); stored records refuse it. */
  readonly nullable?: boolean;
  /** Reports only the first failing field (smaller code) where the answer is pass or fail. @default false */
  readonly firstErrorOnly?: boolean;
  /** The test that fails when the generated file is stale. @default 'test/scripts/record-validators.test.ts' */
  readonly checkedBy?: string;
}

/** Checks that Ajv's verdict can stand for zod's, and records how zod shapes the value. */
function shapeOf(node: JsonSchema, at: string, options: RenderOptions = {}): RecordShape {
  if (options.nullable && node.anyOf !== undefined) {
    // zod's X.nullable(): X, or null as it is (shapeRecord returns null unchanged).
    const [value, none, ...rest] = node.anyOf as JsonSchema[];
    if (Object.keys(node).length !== 1 || rest.length > 0 || JSON.stringify(none) !== '{"type":"null"}') refuse(at, 'a union');
    return shapeOf(value, `${at}/anyOf/0`, options);
  }
  for (const key of Object.keys(node)) if (!SUPPORTED.has(key)) refuse(at, `JSON Schema keyword "${key}"`);
  if (node.type !== undefined && typeof node.type !== 'string') refuse(at, `a type union (${JSON.stringify(node.type)})`);
  // A format is only as strict as its pattern (Ajv ignores the format name here): zod renders both for its iso dates,
  // whose regexes carry no flag; other formats' regexes may (email's `u`), which the pattern would lose.
  if (node.format !== undefined && (!ISO_FORMATS.has(String(node.format)) || node.pattern === undefined))
    refuse(at, `format "${String(node.format)}"`);
  if (node.type === 'integer') {
    // z.int() is bounded to the safe range; say it where the schema gives no bound of its own.
    node.minimum ??= -Number.MAX_SAFE_INTEGER;
    node.maximum ??= Number.MAX_SAFE_INTEGER;
  }
  const shape: { -readonly [K in keyof RecordShape]: RecordShape[K] } = {};
  if (node.default !== undefined) shape.d = node.default;
  if (node.type === 'array') {
    if (Array.isArray(node.items) || node.items === undefined) refuse(at, 'an array without one item schema');
    shape.a = shapeOf(node.items as JsonSchema, `${at}/items`, options);
  }
  if (node.type === 'object') {
    const extra = node.additionalProperties;
    if (node.properties !== undefined) {
      const fields: Record<string, RecordShape> = {};
      for (const [name, child] of Object.entries(node.properties as Record<string, JsonSchema>)) {
        fields[name] = shapeOf(child, `${at}/properties/${name}`, options);
      }
      shape.o = fields;
      // z.strictObject: false; z.looseObject: {} (kept after the declared fields); z.object: absent (stripped).
      if (extra !== undefined && extra !== false) {
        if (typeof extra !== 'object' || extra === null || Object.keys(extra).length > 0) refuse(at, 'typed extra properties');
        shape.x = true;
      }
    } else if (extra !== undefined && typeof extra === 'object' && extra !== null) {
      // z.record(z.string(), value): every key kept, each value shaped.
      const keys = node.propertyNames as JsonSchema | undefined;
      if (keys !== undefined && (Object.keys(keys).length !== 1 || keys.type !== 'string')) refuse(at, 'a record with checked keys');
      shape.r = shapeOf(extra as JsonSchema, `${at}/additionalProperties`, options);
    } else refuse(at, 'an object without fields');
  }
  return shape;
}

/** The record's JSON Schema (of zod's input) and the shape of zod's output. */
export function renderRecordSchema(
  record: Pick<StoredRecord, 'name' | 'schema'>,
  options: RenderOptions = {},
): { json: JsonSchema; shape: RecordShape } {
  const json = z.toJSONSchema(record.schema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema, path: where }) => {
      const at = [record.name, ...where].join('/');
      const def = zodSchema._zod.def as { type: string; coerce?: boolean; checks?: { _zod: { def: { check?: string } } }[] };
      if (REFUSED_TYPES.includes(def.type) && !(options.nullable && def.type === 'nullable')) refuse(at, `a zod ${def.type}`);
      if (def.coerce) refuse(at, 'a coercion');
      for (const check of def.checks ?? []) if (check._zod.def.check === 'custom') refuse(at, 'a zod refinement');
    },
  }) as JsonSchema;
  delete json.$schema;
  const shape = shapeOf(json, '#', options);
  return { json, shape };
}

/** The generated module of one record: Ajv standalone code of its schema and the shape of a parsed value. */
export function renderRecordValidator(record: StoredRecord, options: RenderOptions = {}): string {
  const { json, shape } = renderRecordSchema(record, options);
  // No `u` flag on patterns (zod's regexes have none); string lengths in code points, as zod counts them.
  const ajv = new Ajv({
    allErrors: !options.firstErrorOnly,
    strict: true,
    unicodeRegExp: false,
    messages: false,
    formats: Object.fromEntries([...ISO_FORMATS].map((format) => [format, true])),
    code: { source: true, esm: true, lines: true },
  });
  const code = standaloneCode(ajv, ajv.compile(json));
  const inlined = code.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, `(${ucs2length.toString()})`);
  if (/require\(/.test(inlined)) throw new Error(`record ${record.name}: the validator needs an Ajv runtime helper that is not inlined`);
  return [
    `// Validator of ${options.kind ?? 'stored record'} ${record.name}, generated from its zod schema in ${record.from} by \`npm run validators\`; do not edit.`,
    `// ${options.checkedBy ?? 'test/scripts/record-validators.test.ts'} fails when it is stale. Read by capabilities/records/compiled-record.ts.`,
    '// @ts-nocheck',
    inlined.replace(/^"use strict";/, '').trim(),
    `export const shape = ${JSON.stringify(shape, null, 1)};`,
    '',
  ].join('\n');
}

/** The validator file of a record. */
export function recordValidatorFile(name: string): string {
  return path.join(RECORD_VALIDATORS_DIR, `${name}.ts`);
}

/** Writes every record's validator; returns the files that changed. */
export function writeRecordValidators(records: readonly StoredRecord[] = STORED_RECORDS): string[] {
  return writeChanged(
    RECORD_VALIDATORS_DIR,
    records.map((record) => ({ file: recordValidatorFile(record.name), text: () => renderRecordValidator(record) })),
  );
}
