// The simulator's DynamoDB: the table model behind the SimStore interface.
import type { SimStore } from './store';
import { TableModel } from './table-model';

export function createSimStore(): SimStore {
  return new TableModel();
}
