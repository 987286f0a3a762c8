// What the CLIs need from a deployed stage's stack outputs (MeteredApi-<stage>), read once here.
import { OUTPUT } from '../../contracts/deployment';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';

export interface StageTarget {
  /** Base URL of the stage, without a trailing slash. */
  readonly apiUrl: string;
  readonly tableName: string;
  readonly usagePlanIds: Record<PlanName, string>;
  /** For FlushStageAuthorizersCache on revoke. */
  readonly restApiId: string;
  readonly stageName: string;
}

/** Output keys as the stack declares them (contracts/deployment.ts). */
export const usagePlanOutputKey = (plan: PlanName) => OUTPUT.usagePlanId(plan);

export function stageTargetFromOutputs(outputs: Readonly<Record<string, string>>): StageTarget {
  const required = [OUTPUT.apiUrl, OUTPUT.tableName, ...PLAN_NAMES.map(usagePlanOutputKey), OUTPUT.restApiId, OUTPUT.stageName];
  const missing = required.filter((key) => !outputs[key]);
  if (missing.length > 0) throw new Error(`stack outputs lack ${missing.join(', ')}: deploy the current stack first`);
  return {
    apiUrl: outputs[OUTPUT.apiUrl].replace(/\/+$/, ''),
    tableName: outputs[OUTPUT.tableName],
    usagePlanIds: Object.fromEntries(PLAN_NAMES.map((plan) => [plan, outputs[usagePlanOutputKey(plan)]])) as Record<PlanName, string>,
    restApiId: outputs[OUTPUT.restApiId],
    stageName: outputs[OUTPUT.stageName],
  };
}
