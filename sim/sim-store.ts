// The simulator's DynamoDB: the model of sim/dynamo-model.ts behind the SimStore interface.
import type { SimStore } from './store';

export function createSimStore(): SimStore {
  throw new Error('dynamo model not yet merged');
}
