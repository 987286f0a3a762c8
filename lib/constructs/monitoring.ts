// What operators watch: one dashboard, and alarms to an SNS topic (optionally emailed).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DASHBOARD } from '../../contracts/dashboard';
import { alarmName, alarmNamePrefix } from '../../contracts/deployment';
import { METRIC, METRICS_NAMESPACE } from '../../contracts/metrics';
import type { StageConfig } from '../../contracts/stages';
import type { DailyJob } from './daily-job';
import type { MeteredApi } from './metered-api';
import type { MeteredFunction } from './metered-function';
import type { RouteFunctions } from './route-functions';
import type { UsagePipeline } from './usage-pipeline';
import type { UsageStore } from './usage-store';
import type { StageWebAcl } from './web-acl';

export interface MonitoringProps {
  readonly stage: StageConfig;
  readonly api: MeteredApi;
  readonly routeFunctions: RouteFunctions;
  readonly authorizer: MeteredFunction;
  readonly pipeline: UsagePipeline;
  readonly dailyJob: DailyJob;
  readonly store: UsageStore;
  /** Every Lambda of the stack, by a display name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
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

/** The API's answers the alarms and the dashboard share. */
interface ApiMetrics {
  readonly throttled: cw.Metric;
  readonly quotaExceeded: cw.Metric;
  readonly serverErrorRate: cw.MathExpression;
}

/**
 * Composes the metrics each construct exposes into alarms and a dashboard; the only metrics it makes itself are
 * the ones it derives (the access-log filters) and the SEARCH expressions over the application's namespace.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cw.Dashboard;
  readonly alarms: Readonly<Record<string, cw.Alarm>>;
  private readonly stageName: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.stageName = props.stage.stageName;

    this.topic = this.createAlarmTopic(props.stage);
    const apiMetrics: ApiMetrics = {
      throttled: this.accessLogMetric(props.api, ACCESS_LOG_METRIC.throttled, 'THROTTLED'),
      quotaExceeded: this.accessLogMetric(props.api, ACCESS_LOG_METRIC.quotaExceeded, 'QUOTA_EXCEEDED'),
      serverErrorRate: props.api.metricServerErrorRate({ label: DASHBOARD.throttles.series.serverErrorRate }),
    };
    this.alarms = this.createAlarms(props, apiMetrics);

    // The dashboard: API, Lambdas, queues, table, then the application's own metrics; the web ACL last, where there is one.
    this.dashboard = new cw.Dashboard(this, 'Dashboard', {
      dashboardName: `metered-api-${this.stageName}`,
      defaultInterval: Duration.hours(24),
      widgets: [
        this.apiWidgets(props.api, apiMetrics),
        this.lambdaWidgets(props.functions),
        this.queueWidgets(props.pipeline, props.dailyJob),
        this.tableWidgets(props.store),
        this.handlerAndAggregatorWidgets(),
        this.dailyJobAndAlarmWidgets(),
        this.quotaAlertWidgets(),
      ],
    });
    const webAcl = props.api.webAcl;
    if (webAcl) this.dashboard.addWidgets(this.wafWidget(webAcl));
  }

  /** Console address of the dashboard. */
  get dashboardUrl(): string {
    const region = Stack.of(this).region;
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /** The alarm topic: encrypted with a key CloudWatch may use (it cannot publish under the AWS-managed SNS key). */
  private createAlarmTopic(stage: StageConfig): sns.Topic {
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
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Metered API alarms (${stage.stageName})`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (stage.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));
    return topic;
  }

  /** Answers of one gateway error type, counted from the access logs (API Gateway has no throttle metric of its own). */
  private accessLogMetric(api: MeteredApi, name: string, responseType: string): cw.Metric {
    return new logs.MetricFilter(this, `${name}Filter`, {
      logGroup: api.accessLogs,
      filterPattern: logs.FilterPattern.stringValue('$.errorType', '=', responseType),
      metricNamespace: METRICS_NAMESPACE,
      metricName: name,
      metricValue: '1',
      defaultValue: 0,
    }).metric({ statistic: cw.Stats.SUM, period: FIVE_MINUTES, dimensionsMap: {} });
  }

  /** Alarms: each one a symptom a paying client would notice. */
  private createAlarms(props: MonitoringProps, api: ApiMetrics): Record<string, cw.Alarm> {
    const { pipeline } = props;
    return {
      usageDeadLetters: this.alarm(
        'UsageDeadLettersAlarm',
        'Usage events failed five times and wait in the DLQ: they are not counted yet.',
        pipeline.metricDeadLetters(),
        1,
      ),
      jobDeadLetters: this.alarm(
        'JobDeadLettersAlarm',
        'A daily job run failed after its retries (or never reached the function).',
        props.dailyJob.metricDeadLetters(),
        1,
      ),
      usageQueueAge: this.alarm(
        'UsageQueueAgeAlarm',
        `Usage events wait longer than ${ALARM_THRESHOLDS.queueAgeSeconds} s: the aggregator is behind or failing.`,
        pipeline.metricQueueAge(),
        ALARM_THRESHOLDS.queueAgeSeconds,
        3,
      ),
      serverErrorRate: this.alarm(
        'ServerErrorRateAlarm',
        `More than ${ALARM_THRESHOLDS.serverErrorRatePercent}% of API requests answered 5xx for 10 minutes.`,
        api.serverErrorRate,
        ALARM_THRESHOLDS.serverErrorRatePercent,
        2,
      ),
      aggregatorErrors: this.alarm(
        'AggregatorErrorsAlarm',
        'The usage aggregator failed whole invocations.',
        pipeline.metricAggregatorErrors(),
        1,
      ),
      securityInvariants: this.alarm(
        'SecurityInvariantsAlarm',
        'A route ran without the authorizer client context (answered 500), or a client record failed to parse (skipped).',
        this.securityInvariantBreaches(props),
        1,
      ),
      usageEventsDropped: this.alarm(
        'UsageEventsDroppedAlarm',
        'Handlers could not send usage events after retries: those requests are not counted.',
        props.routeFunctions.metricUsageEventsDropped(),
        1,
      ),
      statementCorrections: this.alarm(
        'StatementCorrectionsAlarm',
        'The daily job recorded a correction revision of a closed monthly statement: usage was counted after the month closed (billing may need an adjustment).',
        props.dailyJob.job.metricOfService(METRIC.statementCorrections, { period: Duration.days(1), statistic: cw.Stats.SUM }),
        1,
      ),
    };
  }

  /** An alarm named for the stage, notifying the topic when it fires and when it clears. */
  private alarm(name: string, description: string, metric: cw.IMetric, threshold: number, evaluationPeriods = 1): cw.Alarm {
    const created = new cw.Alarm(this, name, {
      alarmName: alarmName(this.stageName, name),
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cw.TreatMissingData.NOT_BREACHING,
    });
    const action = new cwActions.SnsAction(this.topic);
    created.addAlarmAction(action);
    created.addOkAction(action);
    return created;
  }

  /** Security invariants: a route without its client (fail closed) or a client record that does not parse. */
  private securityInvariantBreaches(props: MonitoringProps): cw.MathExpression {
    return new cw.MathExpression({
      expression: 'FILL(s0, 0) + FILL(s1, 0) + FILL(s2, 0)',
      usingMetrics: {
        s0: props.routeFunctions.metricMissingClientContext(),
        s1: props.authorizer.metricOfService(METRIC.malformedClientRecords),
        s2: props.dailyJob.job.metricOfService(METRIC.malformedClientRecords),
      },
      period: FIVE_MINUTES,
      label: 'Security invariant breaches',
    });
  }

  private apiWidgets(api: MeteredApi, metrics: ApiMetrics): cw.IWidget[] {
    return [
      graph(DASHBOARD.requests.title, [api.metricRequests(), api.metricClientErrors(), api.metricServerErrors()]),
      graph(DASHBOARD.latency.title, [
        api.metricLatency({ statistic: cw.Stats.p(50), label: DASHBOARD.latency.series.p50 }),
        api.metricLatency({ statistic: cw.Stats.p(99), label: DASHBOARD.latency.series.p99 }),
        api.metricIntegrationLatency({ statistic: cw.Stats.p(99), label: DASHBOARD.latency.series.integrationP99 }),
      ]),
      graph(DASHBOARD.throttles.title, [
        metrics.throttled.with({ label: DASHBOARD.throttles.series.throttled }),
        metrics.quotaExceeded.with({ label: DASHBOARD.throttles.series.quotaExceeded }),
        metrics.serverErrorRate,
      ]),
    ];
  }

  /** One line per function on each graph. */
  private lambdaWidgets(functions: Readonly<Record<string, lambda.IFunction>>): cw.IWidget[] {
    const perFunction = (f: (fn: lambda.IFunction) => cw.Metric, label: string) =>
      Object.entries(functions).map(([name, fn]) => f(fn).with({ label: `${name} ${label}` }));
    return [
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
    ];
  }

  private queueWidgets(pipeline: UsagePipeline, dailyJob: DailyJob): cw.IWidget[] {
    return [
      graph(DASHBOARD.usageQueue.title, [
        pipeline.metricQueueVisible({ label: DASHBOARD.usageQueue.series.visible }),
        pipeline.metricQueueInFlight({ label: DASHBOARD.usageQueue.series.inFlight }),
      ]),
      graph('Usage queue oldest message (s)', [pipeline.metricQueueAge()]),
      graph(DASHBOARD.deadLetters.title, [
        pipeline.metricDeadLetters({ label: DASHBOARD.deadLetters.series.usage }),
        dailyJob.metricDeadLetters({ label: DASHBOARD.deadLetters.series.job }),
      ]),
    ];
  }

  private tableWidgets(store: UsageStore): cw.IWidget[] {
    return [
      graph('DynamoDB consumed capacity', [store.metricConsumedReadCapacity(), store.metricConsumedWriteCapacity()], 12),
      graph('DynamoDB throttles', [store.metricReadThrottles(), store.metricWriteThrottles()], 12),
    ];
  }

  private handlerAndAggregatorWidgets(): cw.IWidget[] {
    return [
      graph('Handlers (custom)', [
        search(METRIC.requests),
        search(METRIC.units),
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
        search(METRIC.futureUsageEvents),
        search(METRIC.recordFailures),
        search(METRIC.eventConflicts),
        search(METRIC.batchPartErrors),
      ]),
    ];
  }

  private dailyJobAndAlarmWidgets(): cw.IWidget[] {
    return [
      graph('Aggregator batch latency (custom, p99)', [search(METRIC.batchLatency, 'p99')]),
      graph(DASHBOARD.dailyJob.title, [
        search(METRIC.activeClients),
        search(METRIC.dailyRequests),
        search(METRIC.dailyUnits),
        search(METRIC.itemsArchived),
        search(METRIC.itemsDeleted),
        search(METRIC.statementCorrections),
        // Authorizer and daily job alike (SEARCH spans services).
        search(METRIC.malformedClientRecords),
      ]),
      new cw.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 8, height: 6 }),
    ];
  }

  private quotaAlertWidgets(): cw.IWidget[] {
    return [
      graph('Quota and credit alerts (custom)', [
        search(METRIC.alertsSent),
        search(METRIC.alertStepFailures),
        search(METRIC.alertsRecovered),
        search(METRIC.creditAlertsSent),
      ]),
      // Empty unless the stage opts in to the scheduled Stripe push (stage setting billingPush.schedule).
      graph('Stripe push (custom)', [search(METRIC.billingRecordsSent), search(METRIC.billingRefused)]),
    ];
  }

  private wafWidget(webAcl: StageWebAcl): cw.IWidget {
    return graph(
      DASHBOARD.waf.title,
      [
        webAcl.metricBlockedRequests({ label: DASHBOARD.waf.series.blocked }),
        webAcl.metricCountedRequests({ label: DASHBOARD.waf.series.counted }),
        webAcl.metricAllowedRequests({ label: DASHBOARD.waf.series.allowed }),
      ],
      24,
    );
  }
}

function graph(title: string, left: cw.IMetric[], width = 8): cw.GraphWidget {
  return new cw.GraphWidget({ title, left, width, height: 6 });
}

/** Every series of one application metric, whatever its dimensions (SEARCH spans services and routes). */
function search(metricName: string, statistic = 'Sum'): cw.MathExpression {
  return new cw.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE}} MetricName="${metricName}"', '${statistic}', 300)`,
    usingMetrics: {},
    label: metricName,
    period: FIVE_MINUTES,
  });
}
