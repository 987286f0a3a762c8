// GET /v1/usage (default class): the caller's usage over a period, against its plan's limits.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { utcDay } from '../../capabilities/usage/calendar-days';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';
import { usageSummary } from '../../capabilities/analytics/usage-summary';
import type { UsageSummaryQuery } from '../../contracts/routes/usage-summary';
import { usageSummaryEndpoint } from '../../contracts/routes/endpoints';
import * as validator from '../../capabilities/http/validators/usage-summary';

// The DynamoDB client is made on the first read, not at module init (bench/README.md "Cold start": it cost this
// route 7 ms of init that the other routes do not pay).
const reader = dynamoUsageReader({
  get db() {
    return dynamo();
  },
  tableName: functionEnv('route').tableName ?? '',
});

export const handler = createHttpHandler<UsageSummaryQuery>(
  { ...usageSummaryEndpoint, validator },
  async ({ query, clientId, plan, override, now }) => ({
    body: await usageSummary({ clientId, plan, query, today: utcDay(now), override }, reader),
  }),
);
