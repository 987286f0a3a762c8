// Route POST /v1/quotes (an example strict-class route with a JSON body): definition and request schema.
import * as z from 'zod';
import type { RouteDefinition } from './route';

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

export const quotesRoute = {
  id: 'quotes',
  method: 'POST',
  path: '/v1/quotes',
  routeClass: 'strict',
  entry: 'functions/quotes/handler.ts',
  timeoutSeconds: 10,
  // One unit per line item priced: a 50-line quote costs 50 times a 1-line one. Validated input only.
  units: (input) => (input.body as QuoteRequest).items.length,
  schemas: { body: quoteRequest },
} as const satisfies RouteDefinition;
