// Route POST /v1/quotes (an example strict-class route with a JSON body): its request schema; its identity is in endpoints.ts.
import * as z from 'zod';
import type { RouteDefinition } from './route';
import { quotesEndpoint } from './endpoints';

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD'] as const;

export const quoteItem = z.strictObject({
  sku: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[A-Z0-9-]+$/, 'must contain only A-Z, 0-9 and -'),
  quantity: z.int().min(1).max(1000),
});

export const quoteRequest = z.strictObject({
  items: z.array(quoteItem).min(1).max(50),
  currency: z.enum(CURRENCIES),
});
export type QuoteRequest = z.infer<typeof quoteRequest>;

export const quotesRoute = { ...quotesEndpoint, schemas: { body: quoteRequest } } as const satisfies RouteDefinition;
