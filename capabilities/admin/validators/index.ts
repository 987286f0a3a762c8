// The admin routes' compiled validators by route id, generated from contracts/admin/routes.ts by `npm run validators`;
// do not edit. test/scripts/admin-validators.test.ts fails when it is stale. Read by capabilities/admin/router.ts.
import * as createClient from './create-client';
import * as listClients from './list-clients';
import * as getClient from './get-client';
import * as revokeClient from './revoke-client';
import * as rotateKey from './rotate-key';
import * as setOverride from './set-override';
import * as setPlan from './set-plan';
import * as topUpCredits from './top-up-credits';
import * as setStripeCustomer from './set-stripe-customer';
import * as clientUsage from './client-usage';
import * as createdClientResponse from './responses/created-client';
import * as clientListResponse from './responses/client-list';
import * as clientViewResponse from './responses/client-view';
import * as rotatedKeyResponse from './responses/rotated-key';
import * as overrideResponse from './responses/override';
import * as planChangeResponse from './responses/plan-change';
import * as topUpResponse from './responses/top-up';
import * as usageSummaryResponse from './responses/usage-summary';

export const ADMIN_VALIDATORS = {
  'create-client': { request: createClient, response: createdClientResponse },
  'list-clients': { request: listClients, response: clientListResponse },
  'get-client': { request: getClient, response: clientViewResponse },
  'revoke-client': { request: revokeClient, response: clientViewResponse },
  'rotate-key': { request: rotateKey, response: rotatedKeyResponse },
  'set-override': { request: setOverride, response: overrideResponse },
  'set-plan': { request: setPlan, response: planChangeResponse },
  'top-up-credits': { request: topUpCredits, response: topUpResponse },
  'set-stripe-customer': { request: setStripeCustomer, response: clientViewResponse },
  'client-usage': { request: clientUsage, response: usageSummaryResponse },
};
