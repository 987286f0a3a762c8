// What the CLIs need from a deployed stage's stack outputs (MeteredApi-<stage>), read once here.
import { PLAN_NAMES, type PlanName } from '../contracts/plans';

export interface StageTarget {
  /** Base URL of the stage, without a trailing slash. */
  readonly apiUrl: string;
  readonly tableName: string;
  readonly usagePlanIds: Record<PlanName, string>;
}

/** Output keys as lib/metered-api-stack.ts names them (CfnOutput ids). */
export const usagePlanOutputKey = (plan: PlanName) => `UsagePlanId${plan[0].toUpperCase()}${plan.slice(1)}`;

export function stageTargetFromOutputs(outputs: Readonly<Record<string, string>>): StageTarget {
  const required = ['ApiUrl', 'TableName', ...PLAN_NAMES.map(usagePlanOutputKey)];
  const missing = required.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new Error(`stack outputs lack ${missing.join(', ')}: deploy the current stack first`);
  return {
    apiUrl: outputs.ApiUrl.replace(/\/+$/, ''),
    tableName: outputs.TableName,
    usagePlanIds: Object.fromEntries(PLAN_NAMES.map((plan) => [plan, outputs[usagePlanOutputKey(plan)]])) as Record<PlanName, string>,
  };
}
