// Alarms, the alarm topic and the dashboard in the template, for both stages.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { METRIC, SERVICE } from '../../contracts/metrics';
import { ROUTES, routeKey } from '../../contracts/routes';
import { STAGES, type StageName } from '../../contracts/stages';
import { MeteredApiStack } from '../../lib/metered-api-stack';
import { CDK_CONTEXT, templateFor } from './support/synth';
import { functionByService, onlyResource, resourcesOf, type CfnResource } from './support/template';

const STAGE_NAMES: StageName[] = ['dev', 'prod'];

describe.each(STAGE_NAMES)('monitoring (%s)', (stageName) => {
  const template = () => templateFor(stageName);
  const alarms = () => Object.values(resourcesOf(template(), 'AWS::CloudWatch::Alarm'));
  const alarmOn = (metricName: string, predicate: (a: CfnResource) => boolean = () => true) =>
    alarms().filter(
      (a) =>
        (a.Properties.MetricName === metricName || JSON.stringify(a.Properties.Metrics ?? []).includes(`"MetricName":"${metricName}"`)) &&
        predicate(a),
    );

  test('every alarm notifies the topic when it fires and when it clears', () => {
    const [topicId] = onlyResource(template(), 'AWS::SNS::Topic');
    expect(alarms()).toHaveLength(10); // 8 here, 2 of the quota alerts (lib/constructs/quota-alerts.ts)
    for (const alarm of alarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  test('DLQs not empty: one message in either dead-letter queue alarms', () => {
    const queues = Object.keys(resourcesOf(template(), 'AWS::SQS::Queue'));
    for (const prefix of ['PipelineUsageDeadLetterQueue', 'DailyJobDeadLetterQueue']) {
      const queueId = queues.find((id) => id.startsWith(prefix))!;
      const [alarm] = alarmOn('ApproximateNumberOfMessagesVisible', (a) =>
        JSON.stringify(a.Properties.Dimensions).includes(`"${queueId}"`),
      );
      expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Maximum' });
    }
  });

  test('a correction of a closed monthly statement alarms (issue 19, edge 2)', () => {
    const [alarm] = alarmOn(METRIC.statementCorrections);
    expect(alarm.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Statistic: 'Sum',
      Period: 86_400,
      Dimensions: [{ Name: 'service', Value: SERVICE.dailyJob }],
    });
  });

  test('queue age: the oldest usage event waiting 5 minutes alarms', () => {
    const queueId = Object.keys(resourcesOf(template(), 'AWS::SQS::Queue')).find((id) => id.startsWith('PipelineUsageQueue'))!;
    const [alarm] = alarmOn('ApproximateAgeOfOldestMessage');
    expect(alarm.Properties).toMatchObject({
      Threshold: 300,
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  test('5xx rate: errors over requests of this API stage, as a percentage', () => {
    const [alarm] = alarmOn('5XXError');
    const metrics = alarm.Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
    }[];
    const expression = metrics.find((m) => m.Expression)!;
    expect(expression.Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    expect(metrics.find((m) => m.Id === 'requests')!.MetricStat!.Metric.MetricName).toBe('Count');
    expect(metrics.find((m) => m.Id === 'errors')!.MetricStat!.Metric.Dimensions).toEqual([
      { Name: 'ApiName', Value: `metered-api-${stageName}` },
      { Name: 'Stage', Value: expect.anything() },
    ]);
    expect(alarm.Properties.Threshold).toBe(1);
  });

  test('aggregator errors: any failed aggregator invocation alarms', () => {
    const [aggregatorId] = functionByService(template(), SERVICE.aggregator)[0];
    const [alarm] = alarmOn('Errors', (a) => JSON.stringify(a.Properties.Dimensions).includes(`"${aggregatorId}"`));
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      Statistic: 'Sum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: aggregatorId } }],
    });
  });

  test('security invariants: a route without client context or a malformed client record alarms at 1', () => {
    const [alarm] = alarmOn(METRIC.missingClientContext);
    expect(alarm).toBeDefined();
    const metrics = alarm.Properties.Metrics as {
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } };
    }[];
    const watched = metrics
      .filter((m) => m.MetricStat)
      .map((m) => [m.MetricStat!.Metric.MetricName, m.MetricStat!.Metric.Dimensions.find((d) => d.Name === 'service')!.Value]);
    expect(watched).toEqual(
      expect.arrayContaining([
        [METRIC.missingClientContext, SERVICE.api],
        [METRIC.malformedClientRecords, SERVICE.authorizer],
        [METRIC.malformedClientRecords, SERVICE.dailyJob],
      ]),
    );
    expect(alarm.Properties.Threshold).toBe(1);
  });

  test('dropped usage events: summed over the dimension sets the handlers emit', () => {
    const [alarm] = alarmOn(METRIC.usageEventsDropped);
    const metrics = alarm.Properties.Metrics as {
      Expression?: string;
      MetricStat?: { Metric: { Namespace: string; Dimensions: { Name: string; Value: string }[] } };
    }[];
    const dimensionSets = metrics
      .filter((m) => m.MetricStat)
      .map((m) => {
        expect(m.MetricStat!.Metric.Namespace).toBe('MeteredApi');
        return Object.fromEntries(m.MetricStat!.Metric.Dimensions.map((d) => [d.Name, d.Value]));
      });
    expect(dimensionSets).toEqual(
      expect.arrayContaining([{ service: SERVICE.api }, ...ROUTES.map((route) => ({ service: SERVICE.api, route: routeKey(route) }))]),
    );
    expect(metrics.find((m) => m.Expression)!.Expression).toMatch(/^FILL\(d0, 0\)( \+ FILL\(d\d+, 0\))+$/);
    expect(alarm.Properties.Threshold).toBe(1);
  });

  test('the topic is encrypted with a rotating key CloudWatch may use, and TLS-only', () => {
    const [keyId, key] = onlyResource(template(), 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const [topicId, topic] = onlyResource(template(), 'AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    template().hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    // No email in the shipped stage configs: no subscription.
    expect(Object.keys(resourcesOf(template(), 'AWS::SNS::Subscription'))).toEqual([]);
  });

  test('the dashboard shows API, Lambda, queue, table and custom metrics', () => {
    const [, dashboard] = onlyResource(template(), 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const needle of [
      // API: requests, 4xx, 5xx, latency p50/p99, throttles
      '\\"Count\\"',
      '4XXError',
      '5XXError',
      '\\"Latency\\"',
      'p50',
      'p99',
      'ThrottledRequests',
      'QuotaExceededRequests',
      // Lambda: errors, duration, throttles
      '\\"Errors\\"',
      '\\"Duration\\"',
      '\\"Throttles\\"',
      // Queues
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      // DynamoDB
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      // Powertools metrics
      ...Object.values(METRIC),
    ]) {
      expect({ needle, found: body.includes(needle) }).toEqual({ needle, found: true });
    }
    // One line per function on the Lambda graphs.
    const fnCount = Object.values(resourcesOf(template(), 'AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables?.STAGE,
    ).length;
    expect(body.split('\\"Throttles\\"').length - 1).toBe(fnCount);
  });

  test('throttled and quota-exceeded answers are counted from the access logs', () => {
    const [, apiStage] = onlyResource(template(), 'AWS::ApiGateway::Stage');
    const filters = Object.values(resourcesOf(template(), 'AWS::Logs::MetricFilter'));
    expect(filters.map((f) => f.Properties.FilterPattern).sort()).toEqual([
      '{ $.errorType = "QUOTA_EXCEEDED" }',
      '{ $.errorType = "THROTTLED" }',
    ]);
    for (const filter of filters) {
      expect(JSON.stringify(apiStage.Properties.AccessLogSetting.DestinationArn)).toContain(`"${filter.Properties.LogGroupName.Ref}"`);
    }
  });
});

test('a stage with an alarm email subscribes it to the topic', () => {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(new MeteredApiStack(app, 'Mail', { stage: { ...STAGES.prod, alarmEmail: 'ops@example.com' } }));
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
});
