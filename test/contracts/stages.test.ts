// Stage settings that could count an event twice are refused where the stack is built (bin/app.ts reads
// stageConfig; lib/ builds from a checked config), not found out in a statement.
import { STAGES, stageConfig, validateStageConfig } from '../../contracts/stages';
import { CLAIM_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../../contracts/usage-queue';

describe('stage validation', () => {
  it('accepts every shipped stage', () => {
    expect(stageConfig('dev')).toBe(STAGES.dev);
    expect(stageConfig('prod')).toBe(STAGES.prod);
    for (const stage of Object.values(STAGES)) expect(validateStageConfig(stage)).toBe(stage);
  });

  it('ties the shortest counter retention to the claim retention', () => {
    expect(MIN_RETENTION_DAYS).toBe(2 * CLAIM_RETENTION_DAYS);
    for (const stage of Object.values(STAGES)) expect(stage.retentionDays).toBeGreaterThanOrEqual(MIN_RETENTION_DAYS);
  });

  // Edge 3 of issue 19: with 3 days, a journal resumed after its counters were archived and deleted counted again.
  it.each([1, 3, CLAIM_RETENTION_DAYS, MIN_RETENTION_DAYS - 1, 3_661, 30.5])('refuses retentionDays %s, saying what it got', (days) => {
    expect(() => validateStageConfig({ ...STAGES.dev, retentionDays: days })).toThrow(
      `retentionDays of stage dev must be a whole number of days from ${MIN_RETENTION_DAYS} (twice the claim retention of ${CLAIM_RETENTION_DAYS} days) to 3660: got ${days}`,
    );
  });

  it('still refuses * in prod CORS origins', () => {
    expect(() => validateStageConfig({ ...STAGES.prod, corsOrigins: ['*'] })).toThrow('cors origins must not contain * in prod');
  });

  it('refuses the access log off (its metrics and alarm), and a tracing rate outside 0–1', () => {
    const prod = STAGES.prod;
    expect(() => validateStageConfig({ ...prod, telemetry: { ...prod.telemetry, accessLog: false, routeRequestLog: 'all' } })).toThrow(
      'telemetry.accessLog of stage prod must stay on: the gateway-answer metrics (throttles, refusals) and their alarm are counted from it',
    );
    expect(() => validateStageConfig({ ...prod, telemetry: { ...prod.telemetry, tracing: { reservoirPerSecond: 0, rate: 5 } } })).toThrow(
      /telemetry.tracing of stage prod needs a whole reservoirPerSecond ≥ 0 and a rate from 0 to 1/,
    );
  });
});
