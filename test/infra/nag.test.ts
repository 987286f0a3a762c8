// cdk-nag (AwsSolutions + Serverless) on the real app: no unacknowledged finding, and every
// acknowledgement sits on a specific resource with a specific reason.
import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { appFor } from './support/synth';

function findings(scope: IConstruct) {
  return [new AwsSolutionsChecks(), new ServerlessChecks()]
    .flatMap((pack) => pack.validateScope(scope).violations)
    .map((v) => ({ rule: v.ruleName, severity: v.severity, resources: v.violatingResources.map((r) => r.constructPath) }));
}

describe.each(['dev', 'prod'] as const)('cdk-nag (%s)', (stageName) => {
  test('both packs report no unacknowledged errors or warnings, and synthesis (which runs them) succeeds', () => {
    const { app } = appFor(stageName);
    expect(findings(app)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('each acknowledgement is on a resource below the stack, with a reason that says why', () => {
    const { app, stack } = appFor(stageName);
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    for (const node of app.node.findAll()) {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: node.node.path, id: id.replace(/^annotation::/i, ''), reason });
        }
      }
    }
    const nag = acknowledged.filter((a) => /^(AwsSolutions|Serverless)-/.test(a.id));
    expect(nag.length).toBeGreaterThan(0);
    for (const a of nag) {
      expect(a.path.startsWith(`${stack.node.path}/`)).toBe(true);
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.reason).not.toMatch(/^not (needed|required)/i);
    }
  });
});

test('a non-compliant resource is reported and fails synthesis (the gate bites)', () => {
  // Prepare: the real app plus an unencrypted queue without a DLQ.
  const { app, stack } = appFor('dev');
  new sqs.Queue(Stack.of(stack), 'Unprotected', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  // Act
  const reported = findings(app);
  // Assess
  expect(reported.map((f) => f.rule)).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  expect(reported.flatMap((f) => f.resources).every((p) => p?.includes('/Unprotected/'))).toBe(true);
  expect(() => app.synth()).toThrow();
});
