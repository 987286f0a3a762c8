// What DynamoDB's condition keys need from a request's expressions: the top-level attribute names a projection,
// update, condition, filter or key condition expression refers to (dynamodb:Attributes), and the partition key's
// equality in a key condition (dynamodb:LeadingKeys), with #name and :value placeholders resolved.

/** A DynamoDB AttributeValue on the wire: `{ "S": "x" }`, `{ "N": "1" }`, `{ "B": "base64" }`, `{ "M": {...} }`… */
export type WireAttributeValue = Readonly<Record<string, unknown>>;

const TOKEN = /#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_-]*|\[\s*\d+\s*\]|<>|<=|>=|[=<>(),.]|\S/g;
/** Words of the expression grammar; an attribute that is one must be written as a #placeholder. */
const KEYWORDS = new Set(['set', 'remove', 'add', 'delete', 'and', 'or', 'not', 'between', 'in']);

function tokens(expression: string): string[] {
  return expression.match(TOKEN) ?? [];
}

const isName = (token: string) => token.startsWith('#') || /^[A-Za-z_]/.test(token);

function resolve(token: string, names: Readonly<Record<string, string>> | undefined): string {
  if (!token.startsWith('#')) return token;
  const name = names?.[token];
  if (name === undefined) throw new Error(`dynamodb: ${token} is not in ExpressionAttributeNames`);
  return name;
}

/**
 * The top-level attributes an expression names: `#override.dailyQuota` is `override`, `list_append(#l, :v)` is the
 * attribute behind `#l`. Function names (a word before `(`) and the grammar's keywords are not attributes.
 */
export function attributeNames(expression: string | undefined, names: Readonly<Record<string, string>> | undefined): string[] {
  if (!expression) return [];
  const found: string[] = [];
  const all = tokens(expression);
  all.forEach((token, index) => {
    if (!isName(token) || all[index - 1] === '.') return;
    if (!token.startsWith('#') && (all[index + 1] === '(' || KEYWORDS.has(token.toLowerCase()))) return;
    found.push(resolve(token, names));
  });
  return found;
}

/** The string AWS compares dynamodb:LeadingKeys with: a string, a number's digits, a binary's base64. */
export function scalarOf(value: WireAttributeValue | undefined): string | undefined {
  if (!value) return undefined;
  for (const type of ['S', 'N', 'B'] as const) {
    if (typeof value[type] === 'string') return value[type] as string;
  }
  return undefined;
}

/** The values a key condition expression pins the partition key to (`pk = :pk`, or `:pk = pk`). */
export function partitionKeyValues(
  expression: string | undefined,
  partitionKey: string,
  names: Readonly<Record<string, string>> | undefined,
  values: Readonly<Record<string, WireAttributeValue>> | undefined,
): string[] {
  if (!expression) return [];
  const all = tokens(expression);
  const found: string[] = [];
  const isPartitionKey = (index: number) =>
    isName(all[index] ?? '') && all[index - 1] !== '.' && resolve(all[index], names) === partitionKey;
  all.forEach((token, index) => {
    if (token !== '=') return;
    const [left, right] = [index - 1, index + 1];
    const placeholder = isPartitionKey(left) ? all[right] : isPartitionKey(right) ? all[left] : undefined;
    if (!placeholder?.startsWith(':')) return;
    const value = scalarOf(values?.[placeholder]);
    if (value === undefined) throw new Error(`dynamodb: ${placeholder} is not in ExpressionAttributeValues`);
    found.push(value);
  });
  return found;
}
