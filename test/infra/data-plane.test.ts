// Functions, grants, the usage pipeline, the store and the daily job in the template, for both stages.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SERVICE } from '../../contracts/metrics';
import { ROUTES } from '../../contracts/routes';
import { GATE_PLAN_NAMES } from '../../contracts/plans';
import { planIncludesRoute } from '../../contracts/route-access';
import { WORKERS } from '../../contracts/workers';
import { STAGES, type StageName } from '../../contracts/stages';
import { usageQueueVisibilitySeconds } from '../../contracts/usage-queue';
import { MeteredApiStack, OUTPUT } from '../../lib/metered-api-stack';
import { CDK_CONTEXT, templateFor } from './support/synth';
import {
  actionsOf,
  functionByService,
  mentions,
  onlyResource,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  stackFunctions,
  type CfnResource,
} from './support/template';

const STAGE_NAMES: StageName[] = ['dev', 'prod'];

function queues(template: Template) {
  const all = Object.entries(resourcesOf(template, 'AWS::SQS::Queue'));
  const usage = all.find(([id]) => id.startsWith('PipelineUsageQueue'))!;
  const usageDlq = all.find(([id]) => id.startsWith('PipelineUsageDeadLetterQueue'))!;
  const jobDlq = all.find(([id]) => id.startsWith('DailyJobDeadLetterQueue'))!;
  return { all, usage, usageDlq, jobDlq };
}

function single(found: [string, CfnResource][]): [string, CfnResource] {
  expect(found).toHaveLength(1);
  return found[0];
}

describe.each(STAGE_NAMES)('functions, pipeline, store and job (%s)', (stageName) => {
  const stage = STAGES[stageName];
  const template = () => templateFor(stageName);

  test('every function: Node.js 24 on ARM64, traced, own log group with the stage retention, Powertools settings', () => {
    const functions = Object.entries(stackFunctions(template()));
    // The route handlers, the workers and the admin function.
    expect(functions).toHaveLength(ROUTES.length + Object.keys(WORKERS).length + 1);
    const logGroups = resourcesOf(template(), 'AWS::Logs::LogGroup');
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        STAGE: stageName,
        POWERTOOLS_METRICS_NAMESPACE: 'MeteredApi',
        POWERTOOLS_LOG_LEVEL: stage.logLevel,
        POWERTOOLS_SERVICE_NAME: expect.any(String),
      });
      // No --enable-source-maps: the map is not linked, so the flag would only cost init (docs/decisions.md).
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
      expect(logGroups[logGroupId].Properties.RetentionInDays).toBe(stage.logRetentionDays);
      expect(logGroups[logGroupId].DeletionPolicy).toBe(stage.retainData ? 'Retain' : 'Delete');
    }
    // Every log group of the stack follows the stage's retention.
    for (const logGroup of Object.values(logGroups)) expect(logGroup.Properties.RetentionInDays).toBe(stage.logRetentionDays);
  });

  test('route handlers may only send to the usage queue; analytics routes may also read the table; gated routes update gate items', () => {
    const { usage } = queues(template());
    const [tableId] = onlyResource(template(), 'AWS::DynamoDB::GlobalTable');
    const handlers = functionByService(template(), SERVICE.api);
    expect(handlers).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const [, fn] = single(handlers.filter(([, f]) => f.Properties.Description?.includes(` ${route.path}.`)));
      const statements = roleStatements(template(), roleOfFunction(fn));
      const readsUsage = 'readsUsage' in route && route.readsUsage;
      // A route some gate plan includes admits that plan's clients through their gate items (contracts/plans.ts).
      const gated = GATE_PLAN_NAMES.some((plan) => planIncludesRoute(plan, route.id));
      expect(fn.Properties.Environment.Variables.USAGE_QUEUE_URL).toEqual({ Ref: usage[0] });
      expect(fn.Properties.Environment.Variables.TABLE_NAME).toEqual(readsUsage || gated ? { Ref: tableId } : undefined);
      const sqsStatements = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
      expect(actionsOf(sqsStatements)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      for (const s of sqsStatements) expect(s.Resource).toEqual({ 'Fn::GetAtt': [usage[0], 'Arn'] });
      const dynamo = actionsOf(statements).filter((a) => a.startsWith('dynamodb:'));
      if (readsUsage) expect(dynamo).toContain('dynamodb:Query');
      // Never a Put, a Delete or a batch write; UpdateItem only where the gate takes units.
      expect(dynamo.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual(gated ? ['dynamodb:UpdateItem'] : []);
      if (!readsUsage && !gated) expect(dynamo).toEqual([]);
      expect(actionsOf(statements).filter((a) => a.startsWith('s3:'))).toEqual([]);
    }
  });

  test('the authorizer may only GetItem on the table', () => {
    const [, fn] = single(functionByService(template(), SERVICE.authorizer));
    const [tableId] = onlyResource(template(), 'AWS::DynamoDB::GlobalTable');
    const statements = roleStatements(template(), roleOfFunction(fn));
    expect(actionsOf(statements).filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual(['dynamodb:GetItem']);
    expect(statements.find((s) => s.Action === 'dynamodb:GetItem')!.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    expect(fn.Properties.Timeout).toBe(WORKERS.authorizer.timeoutSeconds);
  });

  test('the usage queue is encrypted, TLS-only, redrives to the DLQ after 5 receives and outlasts 6× the aggregator timeout + the batching window', () => {
    const { usage, usageDlq, jobDlq } = queues(template());
    const [, aggregator] = single(functionByService(template(), SERVICE.aggregator));
    expect(usage[1].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [usageDlq[0], 'Arn'] }, maxReceiveCount: 5 },
    });
    // AWS's guidance for SQS event sources: at least 6 × the function timeout + MaximumBatchingWindowInSeconds.
    expect(usage[1].Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * aggregator.Properties.Timeout + stage.usageBatchWindowSeconds);
    expect(usage[1].Properties.VisibilityTimeout).toBe(usageQueueVisibilitySeconds(stage));
    expect(usage[1].Properties.VisibilityTimeout).toBe(stageName === 'prod' ? 390 : 365);
    expect(aggregator.Properties.Timeout).toBe(WORKERS.aggregator.timeoutSeconds);
    for (const dlq of [usageDlq, jobDlq]) {
      expect(dlq[1].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    }
    // TLS only: each queue's policy denies requests without SecureTransport.
    const policies = Object.values(resourcesOf(template(), 'AWS::SQS::QueuePolicy'));
    for (const [queueId] of [usage, usageDlq, jobDlq]) {
      const policy = policies.find((p) => mentions(p.Properties.Queues, queueId))!;
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });

  test('the aggregator reads the queue in configured batches with partial failures and a concurrency cap', () => {
    const { usage } = queues(template());
    const [aggregatorId, aggregator] = single(functionByService(template(), SERVICE.aggregator));
    template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [usage[0], 'Arn'] },
      FunctionName: { Ref: aggregatorId },
      BatchSize: stage.usageBatchSize,
      MaximumBatchingWindowInSeconds: stage.usageBatchWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: stage.aggregatorMaxConcurrency },
    });
    // 5,000: the largest round size whose records fit Lambda's 6 MB payload (contracts/stages.ts); prod's 30 s
    // window fills such batches at its 1,000/s throttle with Lambda's 5 pollers, dev keeps 5 s for the twin.
    expect(stage.usageBatchSize).toBe(5000);
    expect(stage.usageBatchWindowSeconds).toBe(stageName === 'prod' ? 30 : 5);
    const actions = actionsOf(roleStatements(template(), roleOfFunction(aggregator)));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:Query', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(actions.filter((a) => a.startsWith('s3:') || a === 'sqs:SendMessage')).toEqual([]);
  });

  test('the table: on-demand, pk/sk, TTL, PITR, and prod keeps it (deletion protection + RETAIN)', () => {
    const [, table] = onlyResource(template(), 'AWS::DynamoDB::GlobalTable');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.Properties.Replicas).toHaveLength(1);
    expect(table.Properties.Replicas[0]).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: stageName === 'prod',
    });
    expect(table.DeletionPolicy).toBe(stageName === 'prod' ? 'Retain' : 'Delete');
    expect(table.UpdateReplacePolicy).toBe(stageName === 'prod' ? 'Retain' : 'Delete');
  });

  test('the archive bucket: encrypted, TLS-only, private, versioned, logged, with the stage lifecycle', () => {
    const buckets = Object.entries(resourcesOf(template(), 'AWS::S3::Bucket'));
    const [archiveId, archive] = buckets.find(([id]) => id.startsWith('StoreArchiveBucket'))!;
    expect(archive.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^StoreArchiveAccessLogs/) } },
    });
    expect(archive.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: stage.archiveTransitionDays }],
      ExpirationInDays: stage.archiveExpireDays,
    });
    for (const [bucketId] of buckets) {
      template().hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
    expect(archive.DeletionPolicy).toBe(stageName === 'prod' ? 'Retain' : 'Delete');
    // Objects are emptied on stack deletion only in dev.
    const autoDelete = Object.values(resourcesOf(template(), 'Custom::S3AutoDeleteObjects'));
    expect(autoDelete.some((r) => mentions(r.Properties.BucketName, archiveId))).toBe(stageName === 'dev');
  });

  test('the daily job runs on the configured cron with retries and a DLQ; only its schedule can invoke it', () => {
    const [jobId, job] = single(functionByService(template(), SERVICE.dailyJob));
    const { jobDlq } = queues(template());
    const { hour, minute } = stage.dailyJobSchedule;
    const [, schedule] = Object.entries(resourcesOf(template(), 'AWS::Scheduler::Schedule')).find(([id]) => id.startsWith('DailyJob'))!;
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: `cron(${minute} ${hour} * * ? *)`,
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [jobId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [jobDlq[0], 'Arn'] } },
      },
    });
    expect(stage.dailyJobSchedule).toEqual({ hour: 0, minute: 5 });
    // Failed runs after Lambda's own retries go to the same DLQ.
    template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: jobId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [jobDlq[0], 'Arn'] } } },
    });
    // No resource policy on the job at all: invocation is only through the schedule's role.
    const permissions = Object.values(resourcesOf(template(), 'AWS::Lambda::Permission'));
    expect(permissions.filter((p) => mentions(p.Properties.FunctionName, jobId))).toEqual([]);
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
    const role = resourcesOf(template(), 'AWS::IAM::Role')[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': expect.anything() } },
      }),
    ]);
    const invoke = roleStatements(template(), roleId).filter((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    for (const resource of invoke[0].Resource as unknown[]) expect(mentions(resource, jobId)).toBe(true);
    // And no role elsewhere in the stack may invoke it but the operators' (`job:daily --stage`).
    const invokers = Object.values({
      ...resourcesOf(template(), 'AWS::IAM::Policy'),
      ...resourcesOf(template(), 'AWS::IAM::ManagedPolicy'),
    }).filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('lambda:InvokeFunction'));
    // Its schedule's role (the alert sweeper's schedule role may invoke the sweeper only) and the operator policy.
    expect(invokers.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(`"${jobId}"`)).map((p) => p.Type)).toEqual([
      'AWS::IAM::Policy',
      'AWS::IAM::ManagedPolicy',
    ]);
    expect(job.Properties.Timeout).toBe(WORKERS.dailyJob.timeoutSeconds);
    // One run at a time: a manual rerun and the schedule never archive the same counters concurrently.
    expect(job.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  test('the daily job may read and write the table and objects under its archive prefixes only', () => {
    const [, job] = single(functionByService(template(), SERVICE.dailyJob));
    const [tableId] = onlyResource(template(), 'AWS::DynamoDB::GlobalTable');
    const archiveId = Object.keys(resourcesOf(template(), 'AWS::S3::Bucket')).find((id) => id.startsWith('StoreArchiveBucket'))!;
    expect(job.Properties.Environment.Variables).toMatchObject({ TABLE_NAME: { Ref: tableId }, ARCHIVE_BUCKET: { Ref: archiveId } });
    const statements = roleStatements(template(), roleOfFunction(job));
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:DeleteItem',
        's3:GetObject',
        's3:PutObject',
        's3:ListBucket',
      ]),
    );
    const s3Actions = actionsOf(statements).filter((a) => a.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const objects = statements.find((s) => actionsOf([s]).includes('s3:PutObject'))!;
    expect((objects.Resource as unknown[]).map((r) => JSON.stringify(r).match(/\/([a-z-]+\/\*)"/)?.[1]).sort()).toEqual([
      'statements/*',
      'usage-manifests/*',
      'usage/*',
    ]);
    const list = statements.find((s) => actionsOf([s]).includes('s3:ListBucket'))!;
    expect(list.Resource).toEqual({ 'Fn::GetAtt': [archiveId, 'Arn'] });
  });

  test('outputs a user and the scripts need', () => {
    const outputs = template().toJSON().Outputs as Record<string, unknown>;
    for (const name of [
      'ApiUrl',
      'TableName',
      'UsageQueueUrl',
      'DeadLetterQueueUrl',
      'RestApiId',
      'StageName',
      'ArchiveBucketName',
      'DashboardUrl',
      'UsagePlanIdFree',
      'UsagePlanIdPayg',
      'UsagePlanIdStandard',
      'UsagePlanIdPremium',
      'DailyJobFunctionName',
    ]) {
      expect(outputs[name]).toBeDefined();
    }
    expect(OUTPUT.usagePlanId('premium')).toBe('UsagePlanIdPremium');
    expect(Object.keys(outputs).sort()).toEqual([
      'AdminAuditLogGroup',
      'ApiUrl',
      'ArchiveBucketName',
      'DailyJobFunctionName',
      'DashboardUrl',
      'DeadLetterQueueUrl',
      'OperatorPolicyArn',
      'OperatorRoleArn',
      'RestApiId',
      'StageName',
      'TableName',
      'UsagePlanIdFree',
      'UsagePlanIdPayg',
      'UsagePlanIdPremium',
      'UsagePlanIdStandard',
      'UsageQueueUrl',
    ]);
  });
});

test('the archive and table are destroyed with the dev stack only', () => {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new MeteredApiStack(app, 'Keep', { stage: { ...STAGES.dev, retainData: true } }));
  expect(Object.values(resourcesOf(template, 'AWS::DynamoDB::GlobalTable'))[0].DeletionPolicy).toBe('Retain');
  expect(Object.keys(resourcesOf(template, 'Custom::S3AutoDeleteObjects'))).toEqual([]);
});
