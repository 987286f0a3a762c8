// Validates query, path and body with the route's validator compiled at build time (capabilities/http/validators/,
// from its zod schemas) through @middy/validator; failures become the same 400 and field messages as zodValidation,
// built from the schema and the generated messages, never from the input, so no value is echoed.
import validator from '@middy/validator';
import { problem, type FieldError } from '../problem';
import type { HttpMiddleware } from './request-state';
import type { ParsedBody } from './request-body';
import { rememberValidatedInput, type ValidatedInput } from './zod-validation';

export type RequestPart = 'query' | 'path' | 'body';

/** The field of the validated object each part is read from (the event's own names; the body once parsed). */
export const EVENT_FIELD = { query: 'queryStringParameters', path: 'pathParameters', body: 'parsedBody' } as const;
const PART_OF: Record<string, RequestPart> = { queryStringParameters: 'query', pathParameters: 'path', parsedBody: 'body' };

/** A value the zod chain changes before its checks (`.trim()`, `z.coerce.number()`): done here before Ajv. */
export interface Normalisation {
  /** Property names from the validated object (`parsedBody`, `queryStringParameters`) down to the field. */
  readonly path: readonly string[];
  readonly to: 'trimmed' | 'number';
}

/** An Ajv error as the standalone code reports it (messages off). */
interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/** A generated module of capabilities/http/validators/ (scripts/support/request-validators.ts renders it). */
export interface CompiledRequestValidator {
  readonly validate: ((data: unknown) => boolean) & { errors?: AjvError[] | null };
  /** The parts the route validates; the others are ignored, as by zodValidation. */
  readonly parts: readonly RequestPart[];
  /** The message of each keyword, by Ajv schemaPath (`#/properties/parsedBody/.../maxLength`, `<object>/required/<name>`). */
  readonly messages: Readonly<Record<string, string>>;
  /** Each object schema's properties in declaration order, by schema path: zod reports issues in this order. */
  readonly order: Readonly<Record<string, readonly string[]>>;
  /** Each schema's keywords in declaration order (zod's checks run in this order), by schema path. */
  readonly checks: Readonly<Record<string, readonly string[]>>;
  /** The schema paths of whole-number fields (z.int() also bounds them to the safe integer range). */
  readonly integers: readonly string[];
  /** Fields zod trims or coerces before its checks (the admin routes'); absent when none. */
  readonly normalise?: readonly Normalisation[];
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Sorts a node's own checks after its children's (zod checks a value once its fields are parsed). */
const AFTER_CHILDREN = 1e9;

interface Issue {
  instancePath: string;
  part: RequestPart;
  path: string[];
  message: string;
  rank: number[];
}

function valueAt(data: unknown, segments: readonly string[]): unknown {
  let value = data;
  for (const segment of segments)
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
  return value;
}

/** The zod chain's issues for one Ajv error (zod gives two for an integer outside the safe range). */
function issuesOf(error: AjvError, data: unknown, compiled: CompiledRequestValidator): Issue[] {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const tokens = error.schemaPath.replace(/^#\//, '').split('/');
  // Walk the schema path beside the instance path: the rank of each segment is its property's declaration
  // index or its array index, so sorting by rank gives zod's order.
  const rank: number[] = [];
  let node = '#';
  let i = 0;
  let t = 0;
  while (t < tokens.length - 1) {
    if (tokens[t] === 'properties') {
      const name = tokens[t + 1];
      rank.push(compiled.order[node]?.indexOf(name) ?? 0);
      node = `${node}/properties/${name}`;
      i++;
      t += 2;
    } else if (tokens[t] === 'items') {
      rank.push(Number(segments[i]));
      node = `${node}/items`;
      i++;
      t++;
    } else break;
  }
  const [part, ...path] = segments;
  const at = (message: string, extra: number[] = []): Issue => ({
    instancePath: error.instancePath,
    part: PART_OF[part],
    path,
    message,
    rank: [...rank, ...extra],
  });
  const checkRank = (compiled.checks[node] ?? []).indexOf(error.keyword);
  switch (error.keyword) {
    case 'required': {
      const name = String(error.params.missingProperty);
      if (segments.length === 0) return []; // a part the middleware always supplies
      const index = compiled.order[node]?.indexOf(name) ?? 0;
      return [{ ...at(compiled.messages[`${node}/required/${name}`] ?? 'is required', [index, AFTER_CHILDREN, 0]), path: [...path, name] }];
    }
    case 'additionalProperties':
      return [at('', [AFTER_CHILDREN, 1])]; // grouped per object below
    case 'type': {
      const value = valueAt(data, segments);
      const expected = String(error.params.type);
      if ((expected === 'number' || expected === 'integer') && typeof value === 'number') {
        return [at(Number.isFinite(value) ? 'must be int' : 'is not a finite number', [AFTER_CHILDREN, 0])];
      }
      return [at(`must be ${expected === 'integer' ? 'number' : expected}`, [AFTER_CHILDREN, 0])];
    }
    default: {
      const value = valueAt(data, segments);
      const issues: Issue[] = [];
      const message = compiled.messages[error.schemaPath] ?? 'is invalid';
      // z.int() also bounds a whole number to the safe range, before the schema's own bounds.
      if (compiled.integers.includes(node) && typeof value === 'number' && !Number.isSafeInteger(value)) {
        const safe = value > 0 ? `must be at most ${MAX_SAFE}` : `must be at least ${-MAX_SAFE}`;
        if (safe !== message) issues.push(at(safe, [AFTER_CHILDREN, 1]));
      }
      issues.push(at(message, [AFTER_CHILDREN, 2 + Math.max(0, checkRank)]));
      return issues;
    }
  }
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Ajv's errors as the zod chain's field errors: same paths, messages, order and limit of 20 per part. */
export function fieldErrorsOf(errors: readonly AjvError[], data: unknown, compiled: CompiledRequestValidator): FieldError[] {
  const extraKeys = new Map<string, number>();
  // An array over its length bounds: zod reports only that, not its elements' issues.
  const boundedArrays = errors.filter((e) => e.keyword === 'minItems' || e.keyword === 'maxItems').map((e) => e.instancePath);
  // A value of the wrong type: zod reports only that (Ajv still checks a fraction against an integer's bounds).
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const issues: Issue[] = [];
  for (const error of errors) {
    if (boundedArrays.some((p) => error.instancePath.startsWith(`${p}/`))) continue;
    if (error.keyword !== 'type' && mistyped.has(error.instancePath)) continue;
    if (error.keyword === 'additionalProperties') {
      const seen = extraKeys.get(error.instancePath) ?? 0;
      extraKeys.set(error.instancePath, seen + 1);
      if (seen > 0) continue;
    }
    issues.push(...issuesOf(error, data, compiled));
  }
  for (const issue of issues) {
    if (issue.message !== '') continue;
    const count = extraKeys.get(issue.instancePath) ?? 1;
    issue.message = count === 1 ? 'has a field that is not allowed' : `has ${count} fields that are not allowed`;
  }
  const result: FieldError[] = [];
  for (const part of compiled.parts) {
    const ofPart = issues.filter((issue) => issue.part === part).sort((a, b) => compareRanks(a.rank, b.rank));
    result.push(...ofPart.slice(0, 20).map((issue) => ({ path: [part, ...issue.path].join('.'), message: issue.message })));
  }
  return result;
}

/**
 * The input with each normalisation done as zod does it: `.trim()` on a string (other values are left to the type
 * check), `z.coerce.number()` as `Number(value)` on a present value (the generator maps only optional coerced fields).
 * Objects along a path are copied: the event keeps what the client sent.
 */
function normalised<T extends Record<string, unknown>>(input: T, normalise: readonly Normalisation[]): T {
  const out: Record<string, unknown> = { ...input };
  for (const { path, to } of normalise) {
    let parent = out;
    for (const name of path.slice(0, -1)) {
      const child = parent[name];
      if (child === null || typeof child !== 'object' || Array.isArray(child)) {
        parent = {};
        break;
      }
      parent = parent[name] = { ...(child as Record<string, unknown>) };
    }
    const key = path.at(-1)!;
    if (!Object.hasOwn(parent, key)) continue;
    const value = parent[key];
    if (to === 'trimmed' && typeof value === 'string') parent[key] = value.trim();
    if (to === 'number' && value !== undefined) parent[key] = Number(value);
  }
  return out as T;
}

/** The validation middleware of a deployed route: @middy/validator with its compiled validator. */
export function compiledValidation(compiled: CompiledRequestValidator): HttpMiddleware {
  const middyValidator = validator({ eventSchema: compiled.validate as never }); // its types name an Ajv instance; it calls a compiled function
  return {
    before: (request) => {
      const event = request.event as typeof request.event & ParsedBody;
      // The parts as zodValidation reads them: absent query or path parameters are empty objects.
      const sent = {
        queryStringParameters: event.queryStringParameters ?? {},
        pathParameters: event.pathParameters ?? {},
        parsedBody: event.parsedBody,
      };
      const input = compiled.normalise ? normalised(sent, compiled.normalise) : sent;
      try {
        middyValidator.before!({ ...request, event: input as never });
      } catch (error) {
        const cause = (error as { cause?: { package?: string; data?: AjvError[] } }).cause;
        if (cause?.package !== '@middy/validator') throw error;
        throw problem.badRequest(fieldErrorsOf(cause.data ?? [], input, compiled));
      }
      const validated: ValidatedInput = { query: {}, path: {}, body: undefined };
      if (compiled.parts.includes('query')) validated.query = input.queryStringParameters;
      if (compiled.parts.includes('path')) validated.path = input.pathParameters;
      if (compiled.parts.includes('body')) validated.body = input.parsedBody;
      rememberValidatedInput(event, validated);
    },
  };
}
