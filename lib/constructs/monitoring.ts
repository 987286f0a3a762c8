// What operators watch: one dashboard, and alarms to an SNS topic (optionally emailed).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DASHBOARD } from '../../contracts/dashboard';
import { alarmName, alarmNamePrefix } from '../../contracts/deployment';
import { METRIC, METRICS_NAMESPACE, SERVICE } from '../../contracts/metrics';
import { routeKey, type RouteDefinition } from '../../contracts/routes';
import type { StageConfig } from '../../contracts/stages';
import type { MeteredApi } from './metered-api';

export interface MonitoringProps {
  readonly stage: StageConfig;
  readonly api: MeteredApi;
  readonly routes: readonly RouteDefinition[];
  /** Every Lambda of the stack, by a display name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly aggregator: lambda.IFunction;
  readonly usageQueue: sqs.IQueue;
  readonly usageDeadLetterQueue: sqs.IQueue;
  readonly jobDeadLetterQueue: sqs.IQueue;
  readonly table: dynamodb.ITableV2;
}

/** Metrics the stack derives from the API's access logs (API Gateway has no throttle metric of its own). */
export const ACCESS_LOG_METRIC = {
  throttled: 'ThrottledRequests',
  quotaExceeded: 'QuotaExceededRequests',
} as const;

/** Alarm thresholds, in one place so the docs and tests can quote them. */
export const ALARM_THRESHOLDS = {
  /** Oldest message in the usage queue, seconds. */
  queueAgeSeconds: 300,
  /** Share of API requests answered 5xx, percent, over 5 minutes for 2 periods. */
  serverErrorRatePercent: 1,
} as const;

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cw.Dashboard;
  readonly alarms: Readonly<Record<string, cw.Alarm>>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage } = props;
    const stageApi = props.api.restApi.deploymentStage;

    // The alarm topic: encrypted with a key CloudWatch may use (it cannot publish under the AWS-managed SNS key).
    const topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts the metered API (${stage.stageName}) alarm topic`,
      enableKeyRotation: true,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Only this stage's CloudWatch alarms (confused-deputy guard: aws:SourceAccount, and aws:SourceArn naming the
    // stage's alarm prefix; every alarm of the stack is named with it, contracts/deployment.ts alarmName).
    const { account, region, partition } = Stack.of(this);
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:${alarmNamePrefix(stage.stageName)}*` },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Metered API alarms (${stage.stageName})`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (stage.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));

    // Throttled and quota-exceeded answers, counted from the access logs' error type.
    const accessLogMetric = (name: string, responseType: string) =>
      new logs.MetricFilter(this, `${name}Filter`, {
        logGroup: props.api.accessLogs,
        filterPattern: logs.FilterPattern.stringValue('$.errorType', '=', responseType),
        metricNamespace: METRICS_NAMESPACE,
        metricName: name,
        metricValue: '1',
        defaultValue: 0,
      }).metric({ statistic: cw.Stats.SUM, period: FIVE_MINUTES, dimensionsMap: {} });
    const throttled = accessLogMetric(ACCESS_LOG_METRIC.throttled, 'THROTTLED');
    const quotaExceeded = accessLogMetric(ACCESS_LOG_METRIC.quotaExceeded, 'QUOTA_EXCEEDED');

    // API metrics of the deployed stage.
    const requests = stageApi.metricCount({ period: FIVE_MINUTES, statistic: cw.Stats.SUM });
    const clientErrors = stageApi.metricClientError({ period: FIVE_MINUTES, statistic: cw.Stats.SUM });
    const serverErrors = stageApi.metricServerError({ period: FIVE_MINUTES, statistic: cw.Stats.SUM });
    const serverErrorRate = new cw.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: FIVE_MINUTES,
      label: DASHBOARD.throttles.series.serverErrorRate,
    });

    // Usage events the handlers could not send: summed over every dimension set they may carry.
    const droppedSeries: Record<string, cw.IMetric> = {
      d0: new cw.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.usageEventsDropped,
        dimensionsMap: { service: SERVICE.api },
        statistic: cw.Stats.SUM,
        period: FIVE_MINUTES,
      }),
    };
    props.routes.forEach((route, i) => {
      droppedSeries[`d${i + 1}`] = new cw.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.usageEventsDropped,
        dimensionsMap: { service: SERVICE.api, route: routeKey(route) },
        statistic: cw.Stats.SUM,
        period: FIVE_MINUTES,
      });
    });
    const usageEventsDropped = new cw.MathExpression({
      expression: Object.keys(droppedSeries)
        .map((k) => `FILL(${k}, 0)`)
        .join(' + '),
      usingMetrics: droppedSeries,
      period: FIVE_MINUTES,
      label: 'Usage events dropped',
    });

    const appMetric = (metricName: string, service: string) =>
      new cw.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic: cw.Stats.SUM,
        period: FIVE_MINUTES,
      });

    // Alarms: each one a symptom a paying client would notice.
    const alarmAction = new cwActions.SnsAction(this.topic);
    const alarm = (name: string, description: string, metric: cw.IMetric, threshold: number, evaluationPeriods = 1) => {
      const created = new cw.Alarm(this, name, {
        alarmName: alarmName(stage.stageName, name),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(alarmAction);
      created.addOkAction(alarmAction);
      return created;
    };
    this.alarms = {
      usageDeadLetters: alarm(
        'UsageDeadLettersAlarm',
        'Usage events failed five times and wait in the DLQ: they are not counted yet.',
        props.usageDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM }),
        1,
      ),
      jobDeadLetters: alarm(
        'JobDeadLettersAlarm',
        'A daily job run failed after its retries (or never reached the function).',
        props.jobDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM }),
        1,
      ),
      usageQueueAge: alarm(
        'UsageQueueAgeAlarm',
        `Usage events wait longer than ${ALARM_THRESHOLDS.queueAgeSeconds} s: the aggregator is behind or failing.`,
        props.usageQueue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM }),
        ALARM_THRESHOLDS.queueAgeSeconds,
        3,
      ),
      serverErrorRate: alarm(
        'ServerErrorRateAlarm',
        `More than ${ALARM_THRESHOLDS.serverErrorRatePercent}% of API requests answered 5xx for 10 minutes.`,
        serverErrorRate,
        ALARM_THRESHOLDS.serverErrorRatePercent,
        2,
      ),
      aggregatorErrors: alarm(
        'AggregatorErrorsAlarm',
        'The usage aggregator failed whole invocations.',
        props.aggregator.metricErrors({ period: FIVE_MINUTES, statistic: cw.Stats.SUM }),
        1,
      ),
      // Security invariants: a route without its client (fail closed) or a client record that does not parse.
      securityInvariants: alarm(
        'SecurityInvariantsAlarm',
        'A route ran without the authorizer client context (answered 500), or a client record failed to parse (skipped).',
        new cw.MathExpression({
          expression: 'FILL(s0, 0) + FILL(s1, 0) + FILL(s2, 0)',
          usingMetrics: {
            s0: appMetric(METRIC.missingClientContext, SERVICE.api),
            s1: appMetric(METRIC.malformedClientRecords, SERVICE.authorizer),
            s2: appMetric(METRIC.malformedClientRecords, SERVICE.dailyJob),
          },
          period: FIVE_MINUTES,
          label: 'Security invariant breaches',
        }),
        1,
      ),
      usageEventsDropped: alarm(
        'UsageEventsDroppedAlarm',
        'Handlers could not send usage events after retries: those requests are not counted.',
        usageEventsDropped,
        1,
      ),
    };

    // The dashboard: API, Lambdas, queues, table, then the application's own metrics.
    const fns = Object.entries(props.functions);
    const perFunction = (f: (fn: lambda.IFunction) => cw.Metric, label: string) =>
      fns.map(([name, fn]) => f(fn).with({ label: `${name} ${label}` }));
    const search = (metricName: string, statistic = 'Sum') =>
      new cw.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE}} MetricName="${metricName}"', '${statistic}', 300)`,
        usingMetrics: {},
        label: metricName,
        period: FIVE_MINUTES,
      });
    const tableMetric = (metricName: string) =>
      new cw.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: props.table.tableName },
        statistic: cw.Stats.SUM,
        period: FIVE_MINUTES,
      });
    const graph = (title: string, left: cw.IMetric[], width = 8) => new cw.GraphWidget({ title, left, width, height: 6 });

    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      dashboardName: `metered-api-${stage.stageName}`,
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          graph(DASHBOARD.requests.title, [requests, clientErrors, serverErrors]),
          graph(DASHBOARD.latency.title, [
            stageApi.metricLatency({ period: FIVE_MINUTES, statistic: cw.Stats.p(50) }).with({ label: DASHBOARD.latency.series.p50 }),
            stageApi.metricLatency({ period: FIVE_MINUTES, statistic: cw.Stats.p(99) }).with({ label: DASHBOARD.latency.series.p99 }),
            stageApi
              .metricIntegrationLatency({ period: FIVE_MINUTES, statistic: cw.Stats.p(99) })
              .with({ label: DASHBOARD.latency.series.integrationP99 }),
          ]),
          graph(DASHBOARD.throttles.title, [
            throttled.with({ label: DASHBOARD.throttles.series.throttled }),
            quotaExceeded.with({ label: DASHBOARD.throttles.series.quotaExceeded }),
            serverErrorRate,
          ]),
        ],
        [
          graph(
            'Lambda errors',
            perFunction((fn) => fn.metricErrors({ period: FIVE_MINUTES, statistic: cw.Stats.SUM }), 'errors'),
          ),
          graph(
            'Lambda duration p99',
            perFunction((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: cw.Stats.p(99) }), 'p99'),
          ),
          graph(
            'Lambda throttles',
            perFunction((fn) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: cw.Stats.SUM }), 'throttles'),
          ),
        ],
        [
          graph(DASHBOARD.usageQueue.title, [
            props.usageQueue
              .metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM })
              .with({ label: DASHBOARD.usageQueue.series.visible }),
            props.usageQueue
              .metricApproximateNumberOfMessagesNotVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM })
              .with({ label: DASHBOARD.usageQueue.series.inFlight }),
          ]),
          graph('Usage queue oldest message (s)', [
            props.usageQueue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM }),
          ]),
          graph(DASHBOARD.deadLetters.title, [
            props.usageDeadLetterQueue
              .metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM })
              .with({ label: DASHBOARD.deadLetters.series.usage }),
            props.jobDeadLetterQueue
              .metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cw.Stats.MAXIMUM })
              .with({ label: DASHBOARD.deadLetters.series.job }),
          ]),
        ],
        [
          graph('DynamoDB consumed capacity', [tableMetric('ConsumedReadCapacityUnits'), tableMetric('ConsumedWriteCapacityUnits')], 12),
          graph('DynamoDB throttles', [tableMetric('ReadThrottleEvents'), tableMetric('WriteThrottleEvents')], 12),
        ],
        [
          graph('Handlers (custom)', [
            search(METRIC.requests),
            search(METRIC.clientErrors),
            search(METRIC.serverErrors),
            search(METRIC.usageEventsDropped),
            search(METRIC.missingClientContext),
          ]),
          graph('Handler latency (custom, p99)', [search(METRIC.latency, 'p99')]),
          graph('Aggregator (custom)', [
            search(METRIC.eventsAggregated),
            search(METRIC.duplicatesSkipped),
            search(METRIC.counterWrites),
            search(METRIC.poisonMessages),
            search(METRIC.recordFailures),
            search(METRIC.eventConflicts),
            search(METRIC.batchPartErrors),
          ]),
        ],
        [
          graph('Aggregator batch latency (custom, p99)', [search(METRIC.batchLatency, 'p99')]),
          graph(DASHBOARD.dailyJob.title, [
            search(METRIC.activeClients),
            search(METRIC.dailyRequests),
            search(METRIC.itemsArchived),
            search(METRIC.itemsDeleted),
            // Authorizer and daily job alike (SEARCH spans services).
            search(METRIC.malformedClientRecords),
          ]),
          new cw.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 8, height: 6 }),
        ],
        [graph('Quota alerts (custom)', [search(METRIC.alertsSent), search(METRIC.alertStepFailures), search(METRIC.alertsRecovered)])],
      ],
    });
    const webAcl = props.api.webAcl;
    if (webAcl) {
      const wafMetric = (metricName: string, label: string) =>
        new cw.Metric({
          namespace: 'AWS/WAFV2',
          metricName,
          dimensionsMap: webAcl.metricDimensions,
          statistic: cw.Stats.SUM,
          period: FIVE_MINUTES,
          label,
        });
      this.dashboard.addWidgets(
        graph(
          DASHBOARD.waf.title,
          [
            wafMetric('BlockedRequests', DASHBOARD.waf.series.blocked),
            wafMetric('CountedRequests', DASHBOARD.waf.series.counted),
            wafMetric('AllowedRequests', DASHBOARD.waf.series.allowed),
          ],
          24,
        ),
      );
    }
  }

  /** Console address of the dashboard. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }
}
