// GET /v1/usage/daily (default class): the caller's requests per day, oldest first, zero-filled.
import { createHttpHandler } from '../shared/http-handler';
import { dynamo, resources } from '../shared/clients';
import { utcDay } from '../shared/calendar-days';
import { dynamoUsageReader } from '../shared/usage-reader';
import { usageDaily } from './usage-daily';
import { usageDailyRoute, type UsageDailyQuery } from '../../contracts/routes/usage-daily';

const reader = dynamoUsageReader({ db: dynamo(), tableName: resources.tableName });

export const handler = createHttpHandler<UsageDailyQuery>(usageDailyRoute, async ({ query, clientId, now }) => ({
  body: await usageDaily({ clientId, query, today: utcDay(now) }, reader),
}));
