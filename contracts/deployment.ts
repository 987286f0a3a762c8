// Names a deployed stage is found by: its stack, its outputs (the CLIs read them), the API key header and
// the archive's key prefixes. The CDK app, the Lambdas, the twin and the scripts all read them from here.

/** The CloudFormation stack of a stage. */
export const stackName = (stage: string) => `MeteredApi-${stage}`;

/** `standard` → `Standard`, `pay-as-you-go` → `PayAsYouGo`: output ids are alphanumeric. */
const capitalized = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => `${part[0].toUpperCase()}${part.slice(1)}`)
    .join('');

/** Output names scripts rely on: keep them stable. */
export const OUTPUT = {
  apiUrl: 'ApiUrl',
  tableName: 'TableName',
  usageQueueUrl: 'UsageQueueUrl',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  archiveBucketName: 'ArchiveBucketName',
  dashboardUrl: 'DashboardUrl',
  dailyJobFunctionName: 'DailyJobFunctionName',
  /** For `keys revoke`: FlushStageAuthorizersCache needs the API id and stage name. */
  restApiId: 'RestApiId',
  stageName: 'StageName',
  /** The admin API's audit log group (`aws logs tail`). */
  adminAuditLogGroup: 'AdminAuditLogGroup',
  /** The operator role (assume it to run the CLIs) and its managed policy. */
  operatorRoleArn: 'OperatorRoleArn',
  operatorPolicyArn: 'OperatorPolicyArn',
  usagePlanId: (plan: string) => `UsagePlanId${capitalized(plan)}`,
} as const;

/** The name of a stage's usage plan for a plan: the admin Lambda finds its plans' ids by it. */
export const usagePlanName = (stage: string, plan: string) => `metered-api-${stage}-${plan}`;

/** Tag on every API Gateway key a client gets, naming its stage: IAM scopes key changes to the stage's keys by it. */
export const API_KEY_STAGE_TAG = 'metered-api:stage';

/**
 * The IAM role operators assume to run the CLIs against a stage (`aws sts assume-role`): the stack creates it with
 * the operator policy (`metered-api-<stage>-operator`), and the usage queue's and admin API's resource policies
 * exempt it by this name.
 */
export const operatorRoleName = (stage: string) => `metered-api-${stage}-operator`;
/** The stage's operator policy (an IAM managed policy), attached to the operator role. */
export const operatorPolicyName = (stage: string) => `metered-api-${stage}-operator`;

/** Every CloudWatch alarm of a stage is named `metered-api-<stage>-<name>`, so the alarm topic's key can admit exactly them. */
export const alarmNamePrefix = (stage: string) => `metered-api-${stage}-`;
export const alarmName = (stage: string, id: string) => `${alarmNamePrefix(stage)}${id}`;

/** The header clients send their API key in (the authorizer's identity source). */
export const API_KEY_HEADER = 'x-api-key';

/** Key prefixes of the archive bucket. Athena reads every object under a table's location, so only data lives under `usage/`. */
export const ARCHIVE_PREFIX = {
  /** Day data: `usage/dt=YYYY-MM-DD/part-NNNNN.json.gz` (the Athena table location). */
  usage: 'usage/',
  /** Per-day manifests: `usage-manifests/dt=YYYY-MM-DD/manifest.json`. */
  manifests: 'usage-manifests/',
} as const;
