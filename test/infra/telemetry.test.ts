// Each telemetry setting of a stage (contracts/stages.ts) in its template, and the deployed facts the cost model
// (capabilities/cost/deployment.ts) prices: a change to either side fails here until the other follows.
import { DEPLOYED } from '../../capabilities/cost/deployment';
import { STAGES, type StageName } from '../../contracts/stages';
import { templateFor } from './support/synth';
import { onlyResource, resourcesOf } from './support/template';

const STAGE_NAMES: StageName[] = ['dev', 'prod'];
/** The stack's own functions (MeteredFunction), not CDK's custom-resource handlers. */
const functions = (stage: StageName) =>
  Object.values(resourcesOf(templateFor(stage), 'AWS::Lambda::Function')).filter(
    (fn) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
  );

describe.each(STAGE_NAMES)('%s: telemetry as the stage says', (stage) => {
  const settings = STAGES[stage].telemetry;

  test('every function logs JSON at the stage log level, platform lines at the stage system level, traced if the stage traces', () => {
    for (const fn of functions(stage)) {
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        ApplicationLogLevel: STAGES[stage].logLevel,
        SystemLogLevel: settings.lambdaSystemLogLevel,
      });
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  test('the API stage writes its access log and traces; its X-Ray sampling rule has the stage reservoir and rate', () => {
    const apiStage = onlyResource(templateFor(stage), 'AWS::ApiGateway::Stage')[1].Properties;
    expect(apiStage.AccessLogSetting !== undefined).toBe(settings.accessLog);
    expect(apiStage.TracingEnabled).toBe(true);
    const rule = onlyResource(templateFor(stage), 'AWS::XRay::SamplingRule')[1].Properties.SamplingRule;
    expect(rule).toMatchObject({
      ServiceName: `metered-api-${stage}/${stage}`,
      ServiceType: 'AWS::ApiGateway::Stage',
      ReservoirSize: settings.tracing.reservoirPerSecond,
      FixedRate: settings.tracing.rate,
    });
  });
});

test('prod: platform lines only at WARN, WAF logs only what a rule blocked', () => {
  expect(STAGES.prod.telemetry.lambdaSystemLogLevel).toBe('WARN');
  const logging = onlyResource(templateFor('prod'), 'AWS::WAFv2::LoggingConfiguration')[1].Properties;
  expect(logging.LoggingFilter).toEqual({
    DefaultBehavior: 'DROP',
    Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
  });
});

test.each(STAGE_NAMES)('%s: route functions get the stage request-log choice', (stage) => {
  const routes = functions(stage).filter((fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'metered-api');
  expect(routes.length).toBeGreaterThan(0);
  for (const fn of routes) expect(fn.Properties.Environment.Variables.REQUEST_LOG).toBe(STAGES[stage].telemetry.routeRequestLog);
});

test('dev: Lambda platform lines kept (INFO)', () => {
  for (const fn of functions('dev')) expect(fn.Properties.LoggingConfig.SystemLogLevel).toBe('INFO');
});

describe('the deployed facts the cost model prices', () => {
  const template = () => templateFor('prod');

  test('alarm metrics, dashboards and WAF rules', () => {
    // An alarm is billed per metric it watches (each metric of a math expression).
    const alarmMetrics = Object.values(resourcesOf(template(), 'AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm.Properties.Metrics as { MetricStat?: unknown }[] | undefined)?.filter((m) => m.MetricStat).length ?? 1,
    );
    expect(alarmMetrics.reduce((a, b) => a + b, 0)).toBe(DEPLOYED.alarmMetrics);
    expect(Object.keys(resourcesOf(template(), 'AWS::CloudWatch::Dashboard'))).toHaveLength(DEPLOYED.dashboards);
    expect(onlyResource(template(), 'AWS::WAFv2::WebACL')[1].Properties.Rules).toHaveLength(DEPLOYED.wafRules);
  });

  test('memory of the route functions, the authorizer and the aggregator', () => {
    const byMemory = new Map<string, number>();
    for (const fn of functions('prod'))
      byMemory.set(String(fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME), fn.Properties.MemorySize);
    expect(byMemory.get('metered-api')).toBe(DEPLOYED.routeMemoryMb);
    expect(byMemory.get('metered-api-authorizer')).toBe(DEPLOYED.authorizerMemoryMb);
    expect(byMemory.get('usage-aggregator')).toBe(DEPLOYED.aggregatorMemoryMb);
    expect(byMemory.get('usage-daily-job')).toBe(DEPLOYED.dailyJobMemoryMb);
    expect(byMemory.get('usage-alert-sweeper')).toBe(DEPLOYED.sweeperMemoryMb);
  });
});
