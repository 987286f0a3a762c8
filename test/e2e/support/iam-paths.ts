// The two paths an independent review found refused on AWS, as the IAM tests drive them on a twin: the daily job on
// the day that settles a month (its statement reads plan history) and a second key rotation (it deletes the ended key).
import type { Twin } from '../../../local/twin';

/** The day whose close settles October 2026 (its statement is written 4 days after the month ends). */
export const SETTLES_OCTOBER = new Date('2026-11-05T00:10:00Z');

async function admin(twin: Twin, method: string, urlPath: string, body?: unknown) {
  const response = await fetch(`${twin.baseUrl}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${twin.state.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Creates a client and rotates its key twice, the first time with no grace: the second rotation deletes the ended key. */
export async function rotateTwice(twin: Twin): Promise<number[]> {
  const created = await admin(twin, 'POST', '/admin/v1/clients', { name: 'iam-rotate', plan: 'standard' });
  expect(created.status).toBe(201);
  const id = created.body.clientId as string;
  const first = await admin(twin, 'POST', `/admin/v1/clients/${id}/rotate`, { graceSeconds: 0 });
  const second = await admin(twin, 'POST', `/admin/v1/clients/${id}/rotate`, { graceSeconds: 0 });
  return [first.status, second.status];
}
