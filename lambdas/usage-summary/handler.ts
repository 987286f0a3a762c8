// GET /v1/usage (default class): the caller's usage over a period, against its plan's limits.
import { createHttpHandler } from '../shared/http-handler';
import { dynamo, resources } from '../shared/clients';
import { utcDay } from '../shared/calendar-days';
import { dynamoUsageReader } from '../shared/usage-reader';
import { usageSummary } from './usage-summary';
import { usageSummaryRoute, type UsageSummaryQuery } from '../../contracts/routes/usage-summary';

const reader = dynamoUsageReader({ db: dynamo(), tableName: resources.tableName });

export const handler = createHttpHandler<UsageSummaryQuery>(usageSummaryRoute, async ({ query, clientId, plan, override, now }) => ({
  body: await usageSummary({ clientId, plan, query, today: utcDay(now), override }, reader),
}));
