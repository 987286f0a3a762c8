// One audit record per admin request, accepted or refused, and per change made with `npm run keys`: who, what,
// when, which client, and the client before and after (never key values, key hashes or usage identifiers). On AWS a dedicated log group keeps
// them for the stage's log retention; the twin appends them to a JSON-lines file beside its other logs.
import * as z from 'zod';
import { clientView } from './clients';

/** The caller on the twin, where the admin token stands in for IAM. */
export const TWIN_ADMIN_CALLER = 'twin-admin';
/** The caller of a request refused before any identity was established (twin: no or wrong token). */
export const UNAUTHENTICATED_CALLER = 'unauthenticated';
/** `npm run keys -- … --local`: the operator on the twin, `twin-operator:<OS user name>`. */
export const TWIN_OPERATOR_PREFIX = 'twin-operator:';
/** `npm run keys -- … --stage S`: after the caller's IAM ARN, the operator as declared (`--actor`, else `METERED_OPERATOR`), when given. */
export const DECLARED_OPERATOR_PREFIX = 'cli:';

export const auditRecord = z.strictObject({
  v: z.literal(1),
  /** ISO time the answer was sent. */
  at: z.string(),
  /**
   * IAM caller ARN (requestContext.identity.userArn) on AWS; `twin-admin` on the twin. The keys CLI:
   * `twin-operator:<user>` on the twin; on a stage the caller's ARN (STS GetCallerIdentity), then
   * ` cli:<declared operator>` when one is given.
   */
  who: z.string(),
  /** `POST /admin/v1/clients/{id}/revoke`: the route template, never the raw path; the keys CLI: `keys revoke`. */
  action: z.string(),
  outcome: z.enum(['accepted', 'refused', 'failed']),
  /** The HTTP status of the answer; the keys CLI: 0 for a change made, 1 for one refused or failed. */
  status: z.int(),
  requestId: z.string(),
  sourceIp: z.string().optional(),
  clientId: z.string().optional(),
  /** Problem slug of a refused or failed request. */
  reason: z.string().optional(),
  before: clientView.optional(),
  after: clientView.optional(),
});
export type AuditRecord = z.infer<typeof auditRecord>;
