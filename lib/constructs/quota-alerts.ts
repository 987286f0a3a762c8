// Quota alerts on AWS: the stage's EventBridge bus that the aggregator (and the alert sweeper) put
// `Usage Threshold Crossed` events on, the sweeper on its schedule, and, from the stage config, a rule
// that forwards the events to an SNS topic and/or an HTTPS webhook with retries and a dead-letter queue.
import { Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALERTS, alertBusName, CREDIT_ALERTS } from '../../contracts/billing';
import { alarmName } from '../../contracts/deployment';
import { SERVICE } from '../../contracts/metrics';
import { ENV_VARIABLES, functionEnvironment } from '../../contracts/function-env';
import type { StageConfig } from '../../contracts/stages';
import { WORKERS } from '../../contracts/workers';
import { createDeadLetterQueue, metricDeadLetters } from './dead-letter-queue';
import { MeteredFunction } from './metered-function';
import { grantTable } from './table-access';
import { CLIENT_ATTRIBUTES, TABLE_KEYS } from '../../contracts/table';

export interface QuotaAlertsProps {
  readonly stage: StageConfig;
  readonly table: dynamodb.ITableV2;
  /** The aggregator: its alert step claims outbox items and puts events on the bus. */
  readonly aggregator: lambda.Function;
  /** The daily job: it announces corrections of closed monthly statements (`Usage Statement Corrected`) on the bus. */
  readonly statementPublisher?: lambda.Function;
}

/** Delivery to a target: EventBridge retries with backoff this often, for at most this long, then the DLQ. */
export const TARGET_DELIVERY = { retryAttempts: 10, maxEventAgeHours: 24 } as const;

export class QuotaAlerts extends Construct {
  readonly bus: events.EventBus;
  readonly sweeper: MeteredFunction;
  readonly schedule: scheduler.Schedule;
  /** Failed schedule deliveries and sweeper runs; events that no target accepted in time. */
  readonly deadLetterQueue: sqs.Queue;
  readonly rule?: events.Rule;
  readonly topic?: sns.Topic;
  readonly webhook?: events.ApiDestination;
  /** The only principals that may put events on the bus (its resource policy denies every other). */
  readonly senderRoleArns: readonly string[];
  private readonly stageName: string;

  constructor(scope: Construct, id: string, props: QuotaAlertsProps) {
    super(scope, id);
    const { stage } = props;
    this.stageName = stage.stageName;
    const { account } = Stack.of(this);

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: alertBusName(stage.stageName),
      description: `Quota alert events of the metered API (${stage.stageName})`,
    });
    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue', {
      noDeadLetterQueue:
        'DeadLetterQueue is itself the dead-letter queue of the alert targets and of the alert sweeper schedule; a DLQ of a DLQ would only hide lost alerts.',
      noRedrive:
        'DeadLetterQueue is the end of the chain for alert events no target accepted within 24 hours: they stay 14 days for an operator (alarmed).',
    });

    // The aggregator: conditional outbox writes and PutEvents on this bus only (it already reads counters), and
    // a client's own daily quota (override) for its alerts: that one attribute of client records, read only.
    // Low credit balances (capabilities/alerts/credit-alerts.ts): the gate item of a batch's gate-plan clients read
    // by key, and a sent alert's pending entry deleted.
    grantTable(props.table, props.aggregator, {
      write: ['alerts'],
      get: ['gates'],
      delete: ['alerts'],
      getAttributes: { families: ['clients'], attributes: [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, CLIENT_ATTRIBUTES.override] },
    });
    this.bus.grantPutEventsTo(props.aggregator);
    props.aggregator.addEnvironment(ENV_VARIABLES.alertBusName, this.bus.eventBusName);

    // The sweeper: reads the client registry and counters, recomputes and resends; PutEvents on this bus.
    this.sweeper = new MeteredFunction(this, 'Sweeper', {
      stage,
      entry: WORKERS.alertSweeper.entry,
      serviceName: SERVICE.alertSweeper,
      timeout: Duration.seconds(WORKERS.alertSweeper.timeoutSeconds),
      invocation: 'async',
      description: 'Sends quota alerts the aggregator missed (crash, failure) and resends pending ones.',
      environment: functionEnvironment('alertSweeper', { tableName: props.table.tableName, alertBusName: this.bus.eventBusName }),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: 0, // the next scheduled run is the retry
    });
    // (capabilities/alerts/sweeper.ts: the client list and the outbox are queried, each client's counters of every day
    // that can still receive events in one Query; each gate-plan client's gate item by key for its credit balance.)
    grantTable(props.table, this.sweeper.function, {
      read: ['clients', 'alerts', 'counters'],
      get: ['gates'],
      write: ['alerts'],
      delete: ['alerts'],
    });
    this.bus.grantPutEventsTo(this.sweeper.function);

    // The daily job: PutEvents on this bus for its statement corrections (capabilities/statements/correction-events.ts).
    const publisherRole = props.statementPublisher?.role;
    if (props.statementPublisher) {
      if (!publisherRole)
        throw new Error(`the statement publisher needs a role to be named on the alert bus: got ${props.statementPublisher.node.path}`);
      this.bus.grantPutEventsTo(props.statementPublisher);
      props.statementPublisher.addEnvironment(ENV_VARIABLES.alertBusName, this.bus.eventBusName);
    }

    // Only those may put events on the bus: no other principal of the account can forge a quota alert or a
    // statement correction (an explicit Deny beats any identity policy; the Allow names who may).
    const aggregatorRole = props.aggregator.role;
    if (!aggregatorRole) throw new Error(`the aggregator needs a role to be named on the alert bus: got ${props.aggregator.node.path}`);
    this.senderRoleArns = [aggregatorRole.roleArn, this.sweeper.role.roleArn, ...(publisherRole ? [publisherRole.roleArn] : [])];
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlertSendersOnly',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.senderRoleArns } },
      }),
    );
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlertSenders',
        principals: this.senderRoleArns.map((arn) => new iam.ArnPrincipal(arn)),
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
      }),
    );

    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account } } }),
      description: 'Lets the alert sweeper schedule invoke the alert sweeper',
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Quota alert sweeper (${stage.stageName}), every ${ALERTS.sweepEveryMinutes} minutes`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(ALERTS.sweepEveryMinutes)),
      target: new schedulerTargets.LambdaInvoke(this.sweeper.function, {
        role: scheduleRole,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(ALERTS.sweepEveryMinutes),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    const sweeperLogicalId = Stack.of(this).getLogicalId(this.sweeper.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(scheduleRole.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${sweeperLogicalId}.Arn>:*]`,
      reason: 'The ":*" is the qualifier of the alert sweeper function (its versions and aliases); the role may invoke only that function.',
    });

    // Targets from the stage config: one rule on this bus, for this source and detail-type only.
    const targets = stage.alertTargets;
    if (targets?.topic || targets?.webhook) {
      this.rule = new events.Rule(this, 'Rule', {
        eventBus: this.bus,
        description: `Forwards ${ALERTS.detailType} and ${CREDIT_ALERTS.detailType} events to the stage's alert targets`,
        eventPattern: { source: [ALERTS.source], detailType: [ALERTS.detailType, CREDIT_ALERTS.detailType] },
      });
      const delivery = {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: TARGET_DELIVERY.retryAttempts,
        maxEventAge: Duration.hours(TARGET_DELIVERY.maxEventAgeHours),
      };
      if (targets.topic) {
        // EventBridge cannot publish under the AWS-managed SNS key: a key of its own, used through the
        // rule's role (no service-principal grant on the key or the topic).
        const key = new kms.Key(this, 'TopicKey', {
          description: `Encrypts the metered API (${stage.stageName}) quota alert topic`,
          enableKeyRotation: true,
          removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        });
        this.topic = new sns.Topic(this, 'Topic', {
          displayName: `Metered API quota alerts (${stage.stageName})`,
          masterKey: key,
          enforceSSL: true,
        });
        if (targets.topic.email) {
          // Mail the topic could not deliver waits in the DLQ too.
          this.topic.addSubscription(new subscriptions.EmailSubscription(targets.topic.email, { deadLetterQueue: this.deadLetterQueue }));
        }
        this.rule.addTarget(new eventTargets.SnsTopic(this.topic, { ...delivery, authorizeUsingRole: true }));
        Validations.of(this.rule.node.findChild('EventsRole').node.findChild('DefaultPolicy')).acknowledge({
          id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          reason:
            "The rule's role may encrypt with the quota alert topic's own key only (the statement's resource is that key's ARN); GenerateDataKey* names the two data-key actions SNS needs for an encrypted topic.",
        });
      }
      if (targets.webhook) {
        const { webhook } = targets;
        if (!webhook.url.startsWith('https://')) throw new Error(`alert webhook url must be https: got ${JSON.stringify(webhook.url)}`);
        // EventBridge connections always authorize; the value is a dynamic reference to a secret
        // (`{{resolve:secretsmanager:…}}`), never in the template. EventBridge keeps its copy in its own secret.
        const connection = new events.Connection(this, 'WebhookConnection', {
          description: `Authorizes quota alert deliveries to ${new URL(webhook.url).host}`,
          authorization: events.Authorization.apiKey(
            webhook.headerName,
            SecretValue.secretsManager(webhook.secretName, webhook.secretJsonField ? { jsonField: webhook.secretJsonField } : {}),
          ),
        });
        this.webhook = new events.ApiDestination(this, 'Webhook', {
          connection,
          endpoint: webhook.url,
          httpMethod: events.HttpMethod.POST,
          rateLimitPerSecond: webhook.ratePerSecond ?? 10,
          description: 'Receives quota alert events as JSON',
        });
        this.rule.addTarget(new eventTargets.ApiDestination(this.webhook, delivery));
      }
    }
  }

  /** Alarms on the stage's alarm topic: an alert no target took, a sweeper that fails or never ran. */
  addAlarms(alarmTopic: sns.ITopic): void {
    const action = new cwActions.SnsAction(alarmTopic);
    const alarm = (name: string, description: string, metric: cw.IMetric, threshold = 1) => {
      const created = new cw.Alarm(this, name, {
        alarmName: alarmName(this.stageName, `QuotaAlerts${name}`),
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
    };
    alarm(
      'DeadLettersAlarm',
      'Quota alert events that no target accepted within 24 hours, or sweeper runs that failed or never started, wait in the alert DLQ.',
      metricDeadLetters(this.deadLetterQueue),
    );
    alarm(
      'SweeperErrorsAlarm',
      'The quota alert sweeper failed three runs in a row: missed alerts are not being recovered.',
      this.sweeper.function.metricErrors({ period: Duration.minutes(ALERTS.sweepEveryMinutes * 3), statistic: cw.Stats.SUM }),
      3,
    );
  }
}
