// Every condition operator the synthesized stage templates use is one the twin's evaluator implements: the evaluator
// throws on an operator it does not know, so each statement's Condition is evaluated once against an empty context.
import { failedCondition } from '../../../local/iam/conditions';
import type { ConditionBlock } from '../../../local/iam/policy-types';
import { templateFor } from '../../infra/support/synth';

function conditionBlocks(template: Record<string, unknown>): ConditionBlock[] {
  const blocks: ConditionBlock[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Condition' && value !== null && typeof value === 'object' && !Array.isArray(value))
          blocks.push(value as ConditionBlock);
        else visit(value);
      }
    }
  };
  visit((template as { Resources: unknown }).Resources);
  return blocks;
}

test.each(['dev', 'prod'] as const)(
  'the %s template uses only operators the evaluator implements',
  (stage) => {
    const blocks = conditionBlocks(templateFor(stage).toJSON());
    const operators = new Set(blocks.flatMap((block) => Object.keys(block)));
    // The operators the stack relies on today (a new one shows up here and must be implemented before it is trusted).
    expect([...operators].sort()).toEqual(
      expect.arrayContaining([
        'ArnLike',
        'ArnNotEquals',
        'Bool',
        'ForAllValues:StringEquals',
        'ForAllValues:StringLike',
        'StringEquals',
        'StringEqualsIfExists',
      ]),
    );
    for (const block of blocks) expect(() => failedCondition(block, () => undefined)).not.toThrow();
  },
  180_000,
); // synthesizing a stage takes tens of seconds on a shared 2-core machine
