// Facts of the deployed stack the bill depends on that live in lib/ (which Lambda code never imports): each is checked
// against the synthesized template by test/infra/cost-model.test.ts, so a change there fails until this follows.
import { ALERTS } from '../../contracts/billing';
import { METRIC } from '../../contracts/metrics';
import { ROUTES } from '../../contracts/routes';
import { WAF_RULES } from '../../contracts/waf';

/** Metric names the route functions emit per route (dimensions service + route); the rest once per service. */
const PER_ROUTE_METRICS = [METRIC.requests, METRIC.units, METRIC.clientErrors, METRIC.serverErrors, METRIC.latency];

export const DEPLOYED = {
  routeMemoryMb: 512,
  authorizerMemoryMb: 512,
  aggregatorMemoryMb: 1_024,
  dailyJobMemoryMb: 1_024,
  sweeperMemoryMb: 512,
  /** Rules and managed rule groups of the web ACL, each billed as a rule. */
  wafRules: Object.keys(WAF_RULES).length,
  /** Metrics watched by the stage's CloudWatch alarms (each metric of a math alarm is billed as an alarm metric). */
  alarmMetrics: 17,
  dashboards: 1,
  /** Custom metric series (EMF): per-route metrics × routes, every other metric name once. */
  customMetrics: PER_ROUTE_METRICS.length * ROUTES.length + Object.keys(METRIC).length - PER_ROUTE_METRICS.length,
  /** Lambda polls a standard queue with five concurrent batches (docs: "How full batches get"). */
  sqsPollers: 5,
  sweeperRunsPerMonth: Math.round((730 * 60) / ALERTS.sweepEveryMinutes),
} as const;
