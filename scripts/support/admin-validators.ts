// Renders the admin API's validators at build time, so the admin function loads no zod at init: each admin route's
// request validator (as the client routes', with trim and number coercion done before Ajv) and each response schema's
// validator (as the stored records', zod's shape of the value included; pass or fail, so Ajv stops at the first error),
// plus the index the admin router reads.
import fs from 'node:fs';
import path from 'node:path';
import type * as z from 'zod';
import { ADMIN_ROUTES, type AdminRouteDefinition } from '../../contracts/admin/routes';
import {
  clientListResponse,
  clientView,
  createdClientResponse,
  overrideResponse,
  planChangeResponse,
  rotatedKeyResponse,
  topUpResponse,
} from '../../contracts/admin/clients';
import { usageSummaryResponse } from '../../contracts/routes/usage-summary';
import { renderRequestValidator, writeChanged } from './request-validators';
import { renderRecordValidator, type StoredRecord } from './record-validators';

/** Where the generated admin validators live (`npm run validators` writes them). */
export const ADMIN_VALIDATORS_DIR = path.resolve(__dirname, '..', '..', 'capabilities', 'admin', 'validators');
const CHECKED_BY = 'test/scripts/admin-validators.test.ts';

/** Every admin response schema, by the name of its generated module (responses/<name>.ts). */
export const ADMIN_RESPONSES: readonly StoredRecord[] = [
  { name: 'created-client', schema: createdClientResponse, from: 'contracts/admin/clients.ts' },
  { name: 'client-list', schema: clientListResponse, from: 'contracts/admin/clients.ts' },
  { name: 'client-view', schema: clientView, from: 'contracts/admin/clients.ts' },
  { name: 'rotated-key', schema: rotatedKeyResponse, from: 'contracts/admin/clients.ts' },
  { name: 'override', schema: overrideResponse, from: 'contracts/admin/clients.ts' },
  { name: 'plan-change', schema: planChangeResponse, from: 'contracts/admin/clients.ts' },
  { name: 'top-up', schema: topUpResponse, from: 'contracts/admin/clients.ts' },
  { name: 'usage-summary', schema: usageSummaryResponse, from: 'contracts/routes/usage-summary.ts' },
];

/** The response module a route's answer is checked with (its schema, by identity). */
function responseOf(route: AdminRouteDefinition, responses: readonly StoredRecord[]): StoredRecord {
  const found = responses.find((r) => r.schema === (route.schemas.response as z.ZodType));
  if (!found) throw new Error(`admin route ${route.id}: its response schema is not in ADMIN_RESPONSES`);
  return found;
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The index module: each route's request validator and response validator, by route id. */
export function renderAdminValidatorIndex(
  routes: readonly AdminRouteDefinition[] = ADMIN_ROUTES,
  responses: readonly StoredRecord[] = ADMIN_RESPONSES,
): string {
  const used = [...new Set(routes.map((route) => responseOf(route, responses).name))];
  return [
    "// The admin routes' compiled validators by route id, generated from contracts/admin/routes.ts by `npm run validators`;",
    `// do not edit. ${CHECKED_BY} fails when it is stale. Read by capabilities/admin/router.ts.`,
    ...routes.map((route) => `import * as ${camel(route.id)} from './${route.id}';`),
    ...used.map((name) => `import * as ${camel(name)}Response from './responses/${name}';`),
    '',
    'export const ADMIN_VALIDATORS = {',
    ...routes.map(
      (route) => `  '${route.id}': { request: ${camel(route.id)}, response: ${camel(responseOf(route, responses).name)}Response },`,
    ),
    '};',
    '',
  ].join('\n');
}

/** Every generated admin file and its text. */
export function adminValidatorFiles(
  routes: readonly AdminRouteDefinition[] = ADMIN_ROUTES,
  responses: readonly StoredRecord[] = ADMIN_RESPONSES,
): { file: string; text: () => string }[] {
  return [
    ...routes.map((route) => ({
      file: path.join(ADMIN_VALIDATORS_DIR, `${route.id}.ts`),
      text: () => renderRequestValidator(route, { from: 'contracts/admin/routes.ts', kind: 'admin route', checkedBy: CHECKED_BY }),
    })),
    ...responses.map((response) => ({
      file: path.join(ADMIN_VALIDATORS_DIR, 'responses', `${response.name}.ts`),
      text: () => renderRecordValidator(response, { kind: 'admin response', nullable: true, firstErrorOnly: true, checkedBy: CHECKED_BY }),
    })),
    { file: path.join(ADMIN_VALIDATORS_DIR, 'index.ts'), text: () => renderAdminValidatorIndex(routes, responses) },
  ];
}

/** Writes every admin validator; returns the files that changed. */
export function writeAdminValidators(): string[] {
  fs.mkdirSync(path.join(ADMIN_VALIDATORS_DIR, 'responses'), { recursive: true });
  return writeChanged(ADMIN_VALIDATORS_DIR, adminValidatorFiles());
}
