// The twin's IAM check with the stage's grants as synthesized: the monthly statement and a second key rotation
// (the paths an independent review found refused on AWS) work, and nothing is refused. Its twin,
// iam-grants-bite.test.ts, takes those grants away and expects AccessDenied (each file has its own module registry:
// a function's SDK client keeps the endpoints of the first twin it met).
import { startTwin, type Twin } from '../../local/twin';

jest.setTimeout(180_000);

/** The day whose close settles October 2026 (its statement is written 4 days after the month ends). */
const SETTLES_OCTOBER = new Date('2026-11-05T00:10:00Z');

async function admin(twin: Twin, method: string, urlPath: string, body?: unknown) {
  const response = await fetch(`${twin.baseUrl}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${twin.state.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Creates a client and rotates its key twice, the first time with no grace: the second rotation deletes the ended key. */
async function rotateTwice(twin: Twin): Promise<number[]> {
  const created = await admin(twin, 'POST', '/admin/v1/clients', { name: 'iam-rotate', plan: 'standard' });
  expect(created.status).toBe(201);
  const id = created.body.clientId as string;
  const first = await admin(twin, 'POST', `/admin/v1/clients/${id}/rotate`, { graceSeconds: 0 });
  const second = await admin(twin, 'POST', `/admin/v1/clients/${id}/rotate`, { graceSeconds: 0 });
  return [first.status, second.status];
}

describe('the twin with its grants as synthesized', () => {
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, alertSweep: false });
  });
  afterAll(() => twin?.stop());

  it('writes the monthly statement of the month the day settles', async () => {
    await expect(twin.runDailyJob(SETTLES_OCTOBER)).resolves.toMatchObject({
      statement: expect.objectContaining({ manifest: expect.objectContaining({ month: '2026-10' }) }),
    });
  });

  it('rotates a key twice, deleting the key whose grace ended', async () => {
    expect(await rotateTwice(twin)).toEqual([200, 200]);
  });

  it('refused nothing', () => {
    expect(twin.iamDenials()).toEqual([]);
  });
});
