// GET /v1/usage (default class): the caller's usage over a period, against its plan's limits.
import { createHttpHandler } from '../../capabilities/http/http-handler';
import { dynamo } from '../../capabilities/aws/dynamodb-client';
import { functionEnv } from '../../capabilities/aws/resources';
import { utcDay } from '../../capabilities/usage/calendar-days';
import { dynamoUsageReader } from '../../capabilities/usage/usage-reader';
import { usageSummary } from '../../capabilities/analytics/usage-summary';
import { usageSummaryRoute, type UsageSummaryQuery } from '../../contracts/routes/usage-summary';

const reader = dynamoUsageReader({ db: dynamo(), tableName: functionEnv('route').tableName ?? '' });

export const handler = createHttpHandler<UsageSummaryQuery>(usageSummaryRoute, async ({ query, clientId, plan, override, now }) => ({
  body: await usageSummary({ clientId, plan, query, today: utcDay(now), override }, reader),
}));
