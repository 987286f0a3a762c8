// AWS list prices the cost model (`npm run cost`, capabilities/cost/) multiplies measured unit counts by:
// us-east-1, on-demand, USD, free tiers not subtracted. One line per meter, each with the pricing page to check it on.
//
// Checked 2026-12-01 through the project's search tool (stored copies of AWS's pricing pages and of pages quoting
// them; this machine has no other internet). Prices are decimal strings so the model can turn them into integer
// pico-dollars without floating point.

/** The day the prices below were read. */
export const PRICES_CHECKED_ON = '2026-12-01';

/** One meter's price: `usd` for every `per` units; `tiers` where the price falls with monthly volume. */
export interface Price {
  readonly usd: string;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
  /** Monthly volume tiers, in units: `upTo` is the tier's cumulative upper bound (the last tier has none). */
  readonly tiers?: readonly { readonly upTo?: number; readonly usd: string }[];
}

const APIGW = 'https://aws.amazon.com/api-gateway/pricing/';
const WAF = 'https://aws.amazon.com/waf/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';
const EC2_TRANSFER = 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer';
const EVENTBRIDGE = 'https://aws.amazon.com/eventbridge/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';

export const PRICES = {
  apiGatewayRestCall: {
    usd: '3.50',
    per: 1_000_000,
    unit: 'REST API call',
    source: APIGW,
    tiers: [
      { upTo: 333_000_000, usd: '3.50' },
      { upTo: 1_000_000_000, usd: '2.80' },
      { upTo: 20_000_000_000, usd: '2.38' },
      { usd: '1.51' },
    ],
  },
  wafWebAclMonth: { usd: '5.00', per: 1, unit: 'web ACL-month', source: WAF },
  wafRuleMonth: { usd: '1.00', per: 1, unit: 'rule or managed rule group-month', source: WAF },
  wafRequest: { usd: '0.60', per: 1_000_000, unit: 'request inspected', source: WAF },
  lambdaRequest: { usd: '0.20', per: 1_000_000, unit: 'invocation', source: LAMBDA },
  lambdaArmGbSecond: { usd: '0.0000133334', per: 1, unit: 'GB-second, arm64', source: LAMBDA },
  sqsStandardRequest: { usd: '0.40', per: 1_000_000, unit: 'standard queue request (64 KB chunk)', source: SQS },
  dynamoDbWriteRequestUnit: { usd: '0.625', per: 1_000_000, unit: 'write request unit, on-demand', source: DYNAMODB },
  dynamoDbReadRequestUnit: { usd: '0.125', per: 1_000_000, unit: 'read request unit, on-demand', source: DYNAMODB },
  dynamoDbStorageGbMonth: { usd: '0.25', per: 1, unit: 'GB-month, standard table class', source: DYNAMODB },
  dynamoDbPitrGbMonth: { usd: '0.20', per: 1, unit: 'GB-month of continuous backup (PITR)', source: DYNAMODB },
  /** Standard log class; Lambda and WAF logs are "vended" logs at the same rate for the first 10 TB a month. */
  logsIngestionGb: { usd: '0.50', per: 1, unit: 'GB ingested, CloudWatch Logs standard', source: CLOUDWATCH },
  logsStorageGbMonth: { usd: '0.03', per: 1, unit: 'GB-month archived (compressed)', source: CLOUDWATCH },
  customMetricMonth: { usd: '0.30', per: 1, unit: 'custom metric-month (first 10,000)', source: CLOUDWATCH },
  alarmMonth: { usd: '0.10', per: 1, unit: 'standard-resolution alarm metric-month', source: CLOUDWATCH },
  dashboardMonth: { usd: '3.00', per: 1, unit: 'dashboard-month (beyond the account’s first 3)', source: CLOUDWATCH },
  xrayTraceRecorded: { usd: '5.00', per: 1_000_000, unit: 'trace recorded', source: XRAY },
  dataTransferOutGb: { usd: '0.09', per: 1, unit: 'GB out to the internet (first 10 TB a month)', source: EC2_TRANSFER },
  eventBridgeCustomEvent: { usd: '1.00', per: 1_000_000, unit: 'custom event published', source: EVENTBRIDGE },
  schedulerInvocation: { usd: '1.00', per: 1_000_000, unit: 'EventBridge Scheduler invocation', source: EVENTBRIDGE },
  s3PutRequest: { usd: '0.005', per: 1_000, unit: 'PUT/COPY/POST/LIST request, S3 Standard', source: S3 },
  s3StandardGbMonth: { usd: '0.023', per: 1, unit: 'GB-month, S3 Standard (first 50 TB)', source: S3 },
} as const satisfies Record<string, Price>;

export type PriceId = keyof typeof PRICES;
