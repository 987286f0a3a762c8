// The twin's IAM check with the stage's grants as synthesized: the monthly statement and a second key rotation
// (the paths an independent review found refused on AWS) work, and nothing is refused. Its twin,
// iam-grants-bite.test.ts, takes those grants away and expects AccessDenied (each file has its own module registry:
// a function's SDK client keeps the endpoints of the first twin it met).
import { startTwin, type Twin } from '../../local/twin';
import { rotateTwice, SETTLES_OCTOBER } from './support/iam-paths';

jest.setTimeout(180_000);

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
