// The table model (sim/table-model.ts) refuses what DynamoDB refuses before reading the table: an expression that
// names an undefined `#name` or `:value` (even in a term never evaluated), and a name or value given but unused.
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TableModel } from '../../sim/table-model';

const TABLE = 'tokens';
const put = (extra: Record<string, unknown>) =>
  new PutCommand({ TableName: TABLE, Item: { pk: 'P', sk: 'S' }, ConditionExpression: 'attribute_not_exists(#pk)', ...extra });

test('a condition with its names defined and used passes', () => {
  expect(() => new TableModel().execute(put({ ExpressionAttributeNames: { '#pk': 'pk' } }))).not.toThrow();
});

test('an undefined #name is refused even when the item is absent (the term is never evaluated)', () => {
  expect(() => new TableModel().execute(put({}))).toThrow(expect.objectContaining({ name: 'ValidationException' }));
  expect(() => new TableModel().execute(put({ ExpressionAttributeNames: { '#other': 'pk' } }))).toThrow(/not defined/);
});

test('a name or a value given but unused is refused; a value left undefined counts as not given', () => {
  expect(() => new TableModel().execute(put({ ExpressionAttributeNames: { '#pk': 'pk', '#x': 'x' } }))).toThrow(
    /ExpressionAttributeNames unused/,
  );
  expect(() =>
    new TableModel().execute(put({ ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': 1 } })),
  ).toThrow(/ExpressionAttributeValues unused/);
  expect(() =>
    new TableModel().execute(put({ ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':v': undefined } })),
  ).not.toThrow();
  const query = new QueryCommand({
    TableName: TABLE,
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': undefined },
  });
  expect(() => new TableModel().execute(query)).toThrow(/attribute value: :p/);
});
