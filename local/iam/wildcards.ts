// IAM's wildcard matching (`*` any run of characters, `?` exactly one): action names case-insensitively, other strings
// case-sensitively, and ARNs one colon-separated segment at a time, as the IAM User Guide describes for Resource and
// for the Arn* condition operators.

const patterns = new Map<string, RegExp>();
/** Policies are finite, so the cache stays small; the bound only guards against a caller feeding request data. */
const MAX_CACHED_PATTERNS = 10_000;

function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let compiled = patterns.get(cacheKey);
  if (!compiled) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    compiled = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.clear();
    patterns.set(cacheKey, compiled);
  }
  return compiled;
}

/** `value` matches `pattern`, where `*` stands for any run of characters (even none) and `?` for one character. */
export function matchesWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?'))
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  return wildcardRegExp(pattern, ignoreCase).test(value);
}

/** `iam:Get*` matches `IAM:getuser`: the service prefix and the action name are case-insensitive. */
export function matchesAction(pattern: string, action: string): boolean {
  return matchesWildcard(pattern, action, true);
}

/** The six segments of an ARN; the last one (the resource) keeps its own colons. */
function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * `arn` matches the ARN pattern segment by segment, so a `*` in the region cannot swallow the account; within the
 * resource segment a `*` spans `/` and `:` (`arn:aws:logs:r:a:log-group:g:*` matches the group's log streams).
 * A pattern that is not a full ARN (`*`, `arn:aws:s3:*`) is matched as a plain wildcard string.
 */
export function matchesArn(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const wanted = arnSegments(pattern);
  const actual = arnSegments(arn);
  if (!wanted || !actual) return matchesWildcard(pattern, arn);
  return wanted.every((segment, index) => matchesWildcard(segment, actual[index]));
}
