// GET /v1/usage/daily (default class): the caller's requests per day, oldest first, zero-filled.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { utcDay } from '../../capabilities/usage/calendar-days';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';
import { usageDaily } from '../../capabilities/analytics/usage-daily';
import type { UsageDailyQuery } from '../../contracts/routes/usage-daily';
import { usageDailyEndpoint } from '../../contracts/routes/endpoints';
import * as validator from '../../capabilities/http/validators/usage-daily';

// The DynamoDB client is made on the first read, not at module init (bench/README.md "Cold start": it cost this
// route 7 ms of init that the other routes do not pay).
const reader = dynamoUsageReader({
  get db() {
    return dynamo();
  },
  tableName: functionEnv('route').tableName ?? '',
});

export const handler = createHttpHandler<UsageDailyQuery>({ ...usageDailyEndpoint, validator }, async ({ query, clientId, now }) => ({
  body: await usageDaily({ clientId, query, today: utcDay(now) }, reader),
}));
