// Where usage lives: the DynamoDB table (keys, counters, markers) and the S3 archive of old days.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '../../contracts/stages';
import { TABLE_KEYS } from '../../contracts/table';

export interface UsageStoreProps {
  readonly stage: StageConfig;
}

/** Construct ids of the stateful resources: renaming one replaces the resource, so a test pins them. */
export const STORE_IDS = { table: 'UsageTable', archive: 'ArchiveBucket', accessLogs: 'ArchiveAccessLogs' } as const;

export class UsageStore extends Construct {
  readonly table: dynamodb.TableV2;
  readonly archiveBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: UsageStoreProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // One on-demand table; markers and journals expire through TTL.
    this.table = new dynamodb.TableV2(this, STORE_IDS.table, {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stage.pointInTimeRecovery },
      deletionProtection: stage.retainData,
      removalPolicy,
    });

    // Server access logs of the archive: who read or wrote archived usage.
    this.accessLogsBucket = new s3.Bucket(this, STORE_IDS.accessLogs, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(stage.logRetentionDays) }],
      removalPolicy,
      autoDeleteObjects: !stage.retainData,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'ArchiveAccessLogs is the server-access-log destination of ArchiveBucket; logging it into itself would recurse.',
    });

    // The archive: gzip JSON lines per day, moved to a colder class and expired by the stage's lifecycle.
    this.archiveBucket = new s3.Bucket(this, STORE_IDS.archive, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [
        {
          id: 'archive-tiering',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(stage.archiveTransitionDays),
            },
          ],
          expiration: Duration.days(stage.archiveExpireDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
      autoDeleteObjects: !stage.retainData,
    });
  }

  /** Read capacity the table consumed, per 5 minutes. */
  metricConsumedReadCapacity(props?: cw.MetricOptions): cw.Metric {
    return this.tableMetric('ConsumedReadCapacityUnits', props);
  }

  /** Write capacity the table consumed, per 5 minutes. */
  metricConsumedWriteCapacity(props?: cw.MetricOptions): cw.Metric {
    return this.tableMetric('ConsumedWriteCapacityUnits', props);
  }

  /** Reads the table throttled, per 5 minutes. */
  metricReadThrottles(props?: cw.MetricOptions): cw.Metric {
    return this.tableMetric('ReadThrottleEvents', props);
  }

  /** Writes the table throttled, per 5 minutes. */
  metricWriteThrottles(props?: cw.MetricOptions): cw.Metric {
    return this.tableMetric('WriteThrottleEvents', props);
  }

  private tableMetric(metricName: string, props?: cw.MetricOptions): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensionsMap: { TableName: this.table.tableName },
      statistic: cw.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }
}
