// The twin's IAM check bites: with one grant taken away from the synthesized policies (the daily job's
// plan-history read, the admin's DeleteItem), the monthly statement and a second key rotation fail with AWS's
// AccessDenied, and the twin names the role, action, resource and reason (iam-enforcement.test.ts: with them, both work).
import { startTwin, type Twin } from '../../local/twin';
import { rotateTwice, SETTLES_OCTOBER } from './support/iam-paths';
import type { StackAccess } from '../../local/iam/stack-policies';
import { withoutAction, withoutLeadingKeys } from '../local/iam/policy-edits';
import { inProcessCalls } from '../../local/iam/in-process-hop';

jest.setTimeout(180_000);

describe("the twin without the daily job's plan-history read and the admin's DeleteItem", () => {
  let twin: Twin;
  const lines: string[] = [];
  beforeAll(async () => {
    twin = await startTwin({
      port: 0,
      dailySchedule: false,
      alertSweep: false,
      lambdaLogLevel: 'SILENT',
      log: (line) => lines.push(line),
      iamPolicies: (access: StackAccess) =>
        withoutAction(withoutLeadingKeys(access, 'daily-job', 'PLANS#'), 'admin', 'dynamodb:DeleteItem'),
    });
  });
  afterAll(() => twin?.stop());

  it('refuses the monthly statement with AccessDenied, and says which grant is missing', async () => {
    const inProcessBefore = inProcessCalls.count;
    await expect(twin.runDailyJob(SETTLES_OCTOBER)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const denial = twin.iamDenials().find((d) => d.action === 'dynamodb:Query');
    expect(denial?.principal).toMatch(/DailyJob/);
    expect(JSON.stringify(denial?.context)).toContain('PLANS#');
    expect(lines.some((line) => line.includes('IAM denied') && line.includes('dynamodb:Query') && line.includes('PLANS#'))).toBe(true);
    // The daily job's calls reached the check in process (in-process-hop.ts), not over loopback: the denial is that path's.
    expect(inProcessCalls.count).toBeGreaterThan(inProcessBefore);
  });

  it('answers a second rotation 500: the ended key cannot be deleted', async () => {
    expect(await rotateTwice(twin)).toEqual([200, 500]);
    expect(twin.iamDenials().some((d) => d.action === 'dynamodb:DeleteItem' && d.resource.endsWith(':table/metered-api-usage'))).toBe(true);
  });
});
