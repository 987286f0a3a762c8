// Where a command acts, resolved one way for every command in scripts/: `--local` (the twin on PORT) or
// `--stage <dev|prod>` (a deployed stack, through its outputs), and what the CLIs need from either.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { OUTPUT, stackName } from '../../contracts/deployment';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';
import type { StageName } from '../../contracts/stages';
import type { ClientStore } from '../../capabilities/customers/client-store';
import { readTwinState, twinClientConfig, type TwinState } from '../../local/state-file';
import { UsageError } from './cli';
import { stackOutputs } from './stack-outputs';

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

/** Where a command acts, as its flags chose it: the twin on PORT, or a deployed stage. */
export type TargetChoice = { readonly kind: 'local' } | { readonly kind: 'stage'; readonly stage: StageName };
export type TargetKind = TargetChoice['kind'];

/** The flags of every command that acts on a target. */
export const TARGET_FLAGS = { local: { type: 'boolean' }, stage: { type: 'string' } } as const;

/** How every command's usage names its target, and what the two flags mean. */
export const TARGET_USAGE = '(--local | --stage <dev|prod>)';
export const TARGET_HELP = `  --local   the twin started with the same PORT (default 3000), found through its state file
  --stage   the deployed stack MeteredApi-<stage>, with your AWS credentials`;

const WHERE: Record<TargetKind, string> = {
  local: '--local (the twin on PORT)',
  stage: '--stage <dev|prod> (a deployed stack)',
};

/**
 * The target the flags name: exactly one of `--local` and `--stage <dev|prod>`, one the command supports; there is
 * no default, so a command never acts on a target nobody named. Anything else is a usage error; nothing is read yet.
 */
export function chooseTarget(
  values: { readonly local?: boolean; readonly stage?: string },
  supported: readonly TargetKind[] = ['local', 'stage'],
): TargetChoice {
  if (values.local && values.stage !== undefined) throw new UsageError('choose one of --local and --stage');
  const kind: TargetKind | undefined = values.local ? 'local' : values.stage !== undefined ? 'stage' : undefined;
  if (kind === undefined) throw new UsageError(`say where: ${supported.map((k) => WHERE[k]).join(' or ')}`);
  if (!supported.includes(kind)) throw new UsageError(`only ${supported.map((k) => `--${k}`).join(' and ')} is supported here`);
  return kind === 'local' ? { kind } : stageChoice(values.stage);
}

/** A stage named on the command line: dev or prod, else a usage error. */
export function stageChoice(stage: string | undefined): Extract<TargetChoice, { kind: 'stage' }> {
  if (stage !== 'dev' && stage !== 'prod') throw new UsageError(`--stage must be dev or prod, got ${JSON.stringify(stage)}`);
  return { kind: 'stage', stage };
}

/** A chosen target, read: the twin's state file, or the stage's stack outputs. */
export type Target =
  | { readonly kind: 'local'; readonly twin: TwinState }
  | { readonly kind: 'stage'; readonly stage: StageName; readonly outputs: Readonly<Record<string, string>> };

export type TargetOf<C extends TargetChoice> = Extract<Target, { kind: C['kind'] }>;

export async function resolveTarget<C extends TargetChoice>(choice: C, cloudFormation?: CloudFormationClient): Promise<TargetOf<C>> {
  const target: Target =
    choice.kind === 'local'
      ? { kind: 'local', twin: readTwinState() }
      : { kind: 'stage', stage: choice.stage, outputs: await stackOutputs(choice.stage, cloudFormation) };
  return target as TargetOf<C>;
}

/** A stack output a command needs, or an error naming the stack and the output. */
export function outputOf(target: Extract<Target, { kind: 'stage' }>, key: string): string {
  const value = target.outputs[key];
  if (!value) throw new Error(`stack ${stackName(target.stage)} has no ${key} output`);
  return value;
}

/** The target's usage table, with a DynamoDB client for it. */
export function tableOf(target: Target): ClientStore {
  if (target.kind === 'local') {
    return {
      db: DynamoDBDocumentClient.from(new DynamoDBClient(twinClientConfig(target.twin, 'dynamodb'))),
      tableName: target.twin.tableName,
    };
  }
  return { db: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: outputOf(target, OUTPUT.tableName) };
}

/** The target's archive bucket, with an S3 client for it. */
export function archiveOf(target: Target): { readonly s3: S3Client; readonly bucket: string } {
  if (target.kind === 'local') return { s3: new S3Client(twinClientConfig(target.twin, 's3')), bucket: target.twin.archiveBucket };
  return { s3: new S3Client({}), bucket: outputOf(target, OUTPUT.archiveBucketName) };
}
