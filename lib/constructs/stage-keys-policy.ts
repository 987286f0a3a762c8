// What managing a stage's clients needs from API Gateway, in one place for the admin function and the operator
// policy (the keys CLI): this stage's usage plans and their keys, API keys and client usage plans tagged with the
// stage (created only with that tag, changed only while they carry it), and this stage's authorizer cache.
import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { API_KEY_STAGE_TAG } from '../../contracts/deployment';
import { PLAN_NAMES, type PlanName } from '../../contracts/plans';

export interface StageKeysTarget {
  readonly restApiId: string;
  readonly stageName: string;
  /** The stage's usage plans: the only ones whose keys may change without the stage tag. */
  readonly usagePlans: Readonly<Record<PlanName, apigw.IUsagePlan>>;
}

/** `arn:<partition>:apigateway:<region>::<path>`: API Gateway's management resources. */
export function apiGatewayArn(scope: IConstruct, path: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:apigateway:${stack.region}::${path}`;
}

/**
 * The statements (capabilities/api-gateway): CreateApiKey and CreateUsagePlan are POSTs that carry the stage tag,
 * and tag-on-create is also authorized as `apigateway:PUT` on `/tags/<resource>` (AWS's Service Authorization
 * Reference), so both require the tag and only that tag key; every later change needs the resource to carry it.
 */
export function stageKeyStatements(scope: IConstruct, target: StageKeysTarget): iam.PolicyStatement[] {
  const arn = (path: string) => apiGatewayArn(scope, path);
  const requestTag = { StringEquals: { [`aws:RequestTag/${API_KEY_STAGE_TAG}`]: target.stageName } };
  const resourceTag = { StringEquals: { [`aws:ResourceTag/${API_KEY_STAGE_TAG}`]: target.stageName } };
  return [
    new iam.PolicyStatement({
      sid: 'StageUsagePlanKeys',
      actions: ['apigateway:POST', 'apigateway:DELETE'],
      resources: PLAN_NAMES.flatMap((plan) => {
        const planId = target.usagePlans[plan].usagePlanId;
        return [arn(`/usageplans/${planId}/keys`), arn(`/usageplans/${planId}/keys/*`)];
      }),
    }),
    new iam.PolicyStatement({ sid: 'CreateStageKeys', actions: ['apigateway:POST'], resources: [arn('/apikeys')], conditions: requestTag }),
    new iam.PolicyStatement({
      sid: 'ChangeStageKeys',
      actions: ['apigateway:PATCH', 'apigateway:DELETE'],
      resources: [arn('/apikeys/*')],
      conditions: resourceTag,
    }),
    // Per-client overrides: a client's own usage plan, created tagged with the stage, then given the client's
    // key and deleted only while it carries that tag.
    new iam.PolicyStatement({
      sid: 'CreateClientUsagePlans',
      actions: ['apigateway:POST'],
      resources: [arn('/usageplans')],
      conditions: requestTag,
    }),
    new iam.PolicyStatement({
      sid: 'ChangeClientUsagePlans',
      actions: ['apigateway:POST', 'apigateway:DELETE'],
      resources: [arn('/usageplans/*')],
      conditions: resourceTag,
    }),
    new iam.PolicyStatement({
      sid: 'TagOnCreate',
      actions: ['apigateway:PUT'],
      resources: [arn('/tags/*')],
      conditions: { ...requestTag, 'ForAllValues:StringEquals': { 'aws:TagKeys': [API_KEY_STAGE_TAG] } },
    }),
    new iam.PolicyStatement({
      sid: 'FlushStageAuthorizerCache',
      actions: ['apigateway:DELETE'],
      resources: [arn(`/restapis/${target.restApiId}/stages/${target.stageName}/cache/authorizers`)],
    }),
  ];
}

/** An ARN as cdk-nag reads it in the template: pseudo parameters as `<AWS::…>` (`account` '' for API Gateway's own). */
export function nagArn(scope: IConstruct, service: string, account: string, resource: string): string {
  const stack = Stack.of(scope);
  const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  return `arn:${literal(stack.partition, 'Partition')}:${service}:${literal(stack.region, 'Region')}:${account && literal(account, 'AccountId')}:${resource}`;
}

/** The wildcards of stageKeyStatements, each a decision with its reason, on the policy that holds them. */
export function acknowledgeStageKeyWildcards(policy: IConstruct, who: string, usagePlans: StageKeysTarget['usagePlans']): void {
  const stack = Stack.of(policy);
  const acknowledge = (path: string, reason: string) =>
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(policy, 'apigateway', '', path)}]`,
      reason: `${who}: ${reason}`,
    });
  acknowledge(
    '/apikeys/*',
    'API keys are account-level resources (/apikeys/{id}) whose ids are made at run time, so PATCH/DELETE on /apikeys/* is limited by an aws:ResourceTag condition to the keys tagged with this stage (every key the admin function or the keys CLI creates carries it).',
  );
  acknowledge(
    '/usageplans/*',
    "a client's own usage plan (per-client override) gets its id at run time, so POST/DELETE on /usageplans/* (the plan and its keys) is limited by an aws:ResourceTag condition to the usage plans tagged with this stage (the override use case tags every plan it creates; creating one requires the tag too).",
  );
  acknowledge(
    '/tags/*',
    "tag-on-create: CreateApiKey and CreateUsagePlan with tags are also authorized as PUT on /tags/<the new resource's ARN>, unknown before it exists; the grant requires the request to carry this stage's tag and no other tag key (aws:RequestTag, aws:TagKeys).",
  );
  for (const plan of PLAN_NAMES) {
    const planLogicalId = stack.getLogicalId(usagePlans[plan].node.defaultChild as CfnElement);
    acknowledge(
      `/usageplans/<${planLogicalId}>/keys/*`,
      `a key leaves the ${plan} usage plan by DELETE /usageplans/{planId}/keys/{keyId}, with the key id known only at run time; the grant is limited to this stage's ${plan} plan.`,
    );
  }
}
