// Claims and journals must outlive every way a usage message can come back: the queue's retention, then
// the DLQ's, then a redrive's fresh queue retention. The TTL is derived from the queue settings
// (contracts/usage-queue.ts); this test reads the retentions the stack really deploys, so shortening
// or lengthening one queue without the other (or hard-coding a TTL) fails here.
import { CLAIM_RETENTION_DAYS } from '../../contracts/usage-queue';
import { resourcesOf } from './support/template';
import { templateFor } from './support/synth';

const DAY = 24 * 3600;

test.each(['dev', 'prod'] as const)('%s: claim retention covers queue + DLQ + redriven queue retention, plus a day', (stage) => {
  // Prepare: the deployed queues' retention periods.
  const queues = Object.values(resourcesOf(templateFor(stage), 'AWS::SQS::Queue'));
  const source = queues.find((q) => q.Properties.RedrivePolicy !== undefined);
  const dlqId = source?.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
  const dlq = resourcesOf(templateFor(stage), 'AWS::SQS::Queue')[dlqId];

  // Act
  const sourceSeconds = Number(source?.Properties.MessageRetentionPeriod);
  const dlqSeconds = Number(dlq.Properties.MessageRetentionPeriod);

  // Assess
  expect(sourceSeconds).toBeGreaterThan(0);
  expect(dlqSeconds).toBeGreaterThan(0);
  expect(CLAIM_RETENTION_DAYS * DAY).toBeGreaterThanOrEqual(sourceSeconds + dlqSeconds + sourceSeconds + DAY);
});
