// Validates query, path and body against the route's zod schemas; failures become a 400 listing
// field paths. Messages come from the schema, never from the input, so no value is echoed.
import type * as z from 'zod';
import type { RouteDefinition } from '../../../contracts/routes/route';
import { problem, type FieldError } from '../problem';
import type { HttpMiddleware } from './request-state';
import type { ParsedBody } from './request-body';

export interface ValidatedInput {
  query: Record<string, unknown>;
  path: Record<string, unknown>;
  body: unknown;
}

const validatedInputs = new WeakMap<object, ValidatedInput>();

/** Records the request's input once a validation middleware (this one or compiledValidation) has passed. */
export function rememberValidatedInput(event: object, input: ValidatedInput): void {
  validatedInputs.set(event, input);
}

/** The request's input after validation (only set once zodValidation() or compiledValidation() has passed). */
export function validatedInput(event: object): ValidatedInput {
  const input = validatedInputs.get(event);
  if (!input) throw new Error('validated input missing: zodValidation() must run before the handler');
  return input;
}

function messageFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // JSON.parse turns 1e309 into Infinity: a number, but not one any field accepts.
      if (issue.expected === 'number' && (isNonFinite(issue.input) || isNonFiniteName((issue as { received?: unknown }).received)))
        return 'is not a finite number';
      return issue.input === undefined ? 'is required' : `must be ${issue.expected}`;
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? 'has a field that is not allowed' : `has ${issue.keys.length} fields that are not allowed`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${unitOf(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unitOf(issue.origin)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' && issue.message && !issue.message.startsWith('Invalid')
        ? issue.message
        : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'does not match any allowed shape';
    default:
      return 'is invalid';
  }
}

function isNonFinite(value: unknown): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}

function isNonFiniteName(received: unknown): boolean {
  return received === 'Infinity' || received === '-Infinity' || received === 'NaN';
}

function unitOf(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
}

function issuesToErrors(where: string, error: z.ZodError): FieldError[] {
  // A value of the wrong type is reported once: zod 4 still runs length checks on a string given to an array field.
  const mistyped = new Set(error.issues.filter((i) => i.code === 'invalid_type').map((i) => i.path.map(String).join('.')));
  const issues = error.issues.filter((i) => i.code === 'invalid_type' || !mistyped.has(i.path.map(String).join('.')));
  return issues.slice(0, 20).map((issue) => ({
    path: [where, ...issue.path.map((segment) => (typeof segment === 'symbol' ? '?' : String(segment)))].join('.'),
    message: messageFor(issue),
  }));
}

export function zodValidation(route: Pick<RouteDefinition, 'schemas'>): HttpMiddleware {
  const { query, body, path } = route.schemas;
  return {
    before: (request) => {
      const event = request.event as typeof request.event & ParsedBody;
      const errors: FieldError[] = [];
      const validated: ValidatedInput = { query: {}, path: {}, body: undefined };
      const check = (where: 'query' | 'path' | 'body', schema: z.ZodType | undefined, input: unknown) => {
        if (!schema) return;
        // reportInput: an issue tells a missing value from a wrong one (only whether it is undefined is read).
        const result = schema.safeParse(input, { reportInput: true });
        if (result.success) (validated as unknown as Record<string, unknown>)[where] = result.data;
        else errors.push(...issuesToErrors(where, result.error));
      };
      check('query', query, event.queryStringParameters ?? {});
      check('path', path, event.pathParameters ?? {});
      check('body', body, event.parsedBody);
      if (errors.length > 0) throw problem.badRequest(errors);
      validatedInputs.set(event, validated);
    },
  };
}
