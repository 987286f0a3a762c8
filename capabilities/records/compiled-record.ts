// Parses stored records (usage events, client records…) with validators compiled at build time from their zod schemas
// (capabilities/records/validators/, `npm run validators`), so the functions that read them carry no zod: a valid
// record is shaped as zod's parse returns it, an invalid one gets zod's issue paths in zod's order.

/**
 * How zod shapes a valid value (scripts/support/record-validators.ts renders it from the schema): `o` an object's
 * fields in declaration order (z.object strips the others, `x` keeps them after the declared ones: z.looseObject),
 * `r` a record's values, `a` an array's items, `d` the default of an absent or undefined value.
 */
export interface RecordShape {
  readonly o?: Readonly<Record<string, RecordShape>>;
  readonly x?: boolean;
  readonly r?: RecordShape;
  readonly a?: RecordShape;
  readonly d?: unknown;
}

/** An Ajv error as the standalone code reports it (all errors, messages off). */
interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/** A generated module of capabilities/records/validators/. */
export interface CompiledRecordValidator {
  /** Ajv standalone code of the schema's JSON Schema, every error reported. */
  readonly validate: ((data: unknown) => boolean) & { errors?: readonly AjvError[] | null };
  readonly shape: RecordShape;
}

/** A field of a record that does not parse, as zod's issue path names it (never the value); each field once. */
export interface RecordIssue {
  readonly path: readonly (string | number)[];
}

/** What a reader gets: zod's `safeParse` answer, the failure reduced to what readers use (the issues' paths). */
export type RecordParse<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly RecordIssue[] } };

export interface RecordParser<T> {
  safeParse(input: unknown): RecordParse<T>;
  /** The parsed value, or a RecordParseError naming the fields (zod's `parse` threw its ZodError here). */
  parse(input: unknown): T;
}

/** A record that does not parse, where a reader cannot skip it. Names fields, never values. */
export class RecordParseError extends Error {
  constructor(
    what: string,
    readonly fields: readonly string[],
  ) {
    super(`invalid ${what}: ${fields.map((f) => f || '(root)').join(', ')}`);
    this.name = 'RecordParseError';
  }
}

const own = (value: object, key: string) => Object.hasOwn(value, key);

/** The value zod's parse returns for a valid input: new objects and arrays, declared fields in order, defaults filled. */
export function shapeRecord(shape: RecordShape, value: unknown): unknown {
  if (value === undefined) return shape.d === undefined ? undefined : structuredClone(shape.d);
  if (value === null) return null; // a nullable field's null (Ajv refuses null wherever the schema does not allow it)
  if (shape.a) return (value as unknown[]).map((item) => shapeRecord(shape.a!, item));
  if (shape.r) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = shapeRecord(shape.r, item);
    return out;
  }
  if (shape.o) {
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape.o)) {
      if (own(input, key) || field.d !== undefined) out[key] = shapeRecord(field, input[key]);
    }
    if (shape.x) for (const key of Object.keys(input)) if (!own(shape.o, key)) out[key] = input[key];
    return out;
  }
  return value;
}

/** A JSON pointer's segments as zod's path: array indexes as numbers. */
function pathOf(pointer: string, input: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let at = input;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const step = Array.isArray(at) ? Number(key) : key;
    path.push(step);
    at = (at as Record<string | number, unknown> | undefined)?.[step];
  }
  return path;
}

/**
 * Where zod would report an issue at `path`: each object's fields in declaration order (its unknown keys after them,
 * as one issue), array items and record entries in input order. Zod walks the value in this order.
 */
function rank(shape: RecordShape | undefined, path: readonly (string | number)[], input: unknown, unknownKeys: boolean): number[] {
  const ranks: number[] = [];
  let node = shape;
  let at = input;
  for (const step of path) {
    if (node?.o) {
      const index = Object.keys(node.o).indexOf(String(step));
      ranks.push(index < 0 ? Object.keys(node.o).length : index);
      node = node.o[String(step)];
    } else if (node?.a) {
      ranks.push(Number(step));
      node = node.a;
    } else if (node?.r) {
      ranks.push(Object.keys((at ?? {}) as object).indexOf(String(step)));
      node = node.r;
    } else ranks.push(0);
    at = (at as Record<string | number, unknown> | undefined)?.[step];
  }
  // An object's own issue (its unknown keys) comes after its fields' issues.
  if (unknownKeys) ranks.push(Number.MAX_SAFE_INTEGER);
  return ranks;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Zod's issues of a value Ajv refused, one per failing field, in zod's order (test/capabilities/records checks both
 * against zod). Each field once: zod and Ajv may report a different number of failed checks on one field (zod stops
 * at a wrong type where Ajv also checks a bound), never a different set of fields.
 */
export function recordIssues(shape: RecordShape, errors: readonly AjvError[], input: unknown): RecordIssue[] {
  const issues: { path: (string | number)[]; rank: number[]; order: number }[] = [];
  const unknownKeysAt = new Set<string>();
  for (const [order, error] of errors.entries()) {
    const path = pathOf(error.instancePath, input);
    if (error.keyword === 'required') path.push(String(error.params.missingProperty));
    // zod reports an object's unknown keys as one issue at the object; Ajv reports each key.
    const unknownKeys = error.keyword === 'additionalProperties';
    if (unknownKeys) {
      if (unknownKeysAt.has(error.instancePath)) continue;
      unknownKeysAt.add(error.instancePath);
    }
    issues.push({ path, rank: rank(shape, path, input, unknownKeys), order });
  }
  issues.sort((a, b) => compareRanks(a.rank, b.rank) || a.order - b.order);
  return uniqueIssues(issues.map(({ path }) => ({ path })));
}

/** Each field once, at its first issue: how readers name the fields of a record that does not parse. */
export function uniqueIssues<I extends { readonly path: readonly PropertyKey[] }>(issues: readonly I[]): I[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue.path.map((step) => (typeof step === 'symbol' ? String(step) : step)));
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

/** A parser with zod's answers and no zod at run time: the compiled check, then zod's shape of the value or its issues. */
export function compiledRecord<T>(compiled: CompiledRecordValidator, what = 'record'): RecordParser<T> {
  const safeParse = (input: unknown): RecordParse<T> => {
    if (compiled.validate(input)) return { success: true, data: shapeRecord(compiled.shape, input) as T };
    return { success: false, error: { issues: recordIssues(compiled.shape, compiled.validate.errors ?? [], input) } };
  };
  return {
    safeParse,
    parse(input) {
      const parsed = safeParse(input);
      if (parsed.success) return parsed.data;
      throw new RecordParseError(
        what,
        parsed.error.issues.map((issue) => issue.path.join('.')),
      );
    },
  };
}
