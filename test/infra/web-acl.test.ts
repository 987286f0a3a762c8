// The stage's web ACL in the template: on in prod, off in dev, with its rules, logging without the key
// header, the association with the stage, a problem+json WAF_FILTERED response and a dashboard widget.
import { Validations } from 'aws-cdk-lib';
import { API_KEY_PATTERN, API_KEY_REGEX } from '../../contracts/api-key-format';
import { DASHBOARD } from '../../contracts/dashboard';
import { gatewayResponse, PROBLEM_CONTENT_TYPE } from '../../contracts/gateway-responses';
import { PLANS } from '../../contracts/plans';
import { STAGES } from '../../contracts/stages';
import { WAF_RULES } from '../../contracts/waf';
import { appFor, templateFor } from './support/synth';
import { onlyResource, resourcesOf } from './support/template';

function acknowledgedRules(stageName: 'dev' | 'prod'): string[] {
  const { app } = appFor(stageName);
  return app.node
    .findAll()
    .flatMap((node) => node.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
}

describe('prod: web ACL on the stage', () => {
  const template = () => templateFor('prod');
  const webAcl = () => onlyResource(template(), 'AWS::WAFv2::WebACL')[1].Properties;

  test('regional, allow by default, the five rules in order', () => {
    expect(webAcl().Scope).toBe('REGIONAL');
    expect(webAcl().DefaultAction).toEqual({ Allow: {} });
    expect(webAcl().Rules.map((r: { Name: string; Priority: number }) => [r.Priority, r.Name])).toEqual([
      [0, WAF_RULES.ipReputation.name],
      [1, WAF_RULES.ipRate.name],
      [2, WAF_RULES.keyFormat.name],
      [3, WAF_RULES.knownBadInputs.name],
      [4, WAF_RULES.common.name],
    ]);
  });

  test('the per-IP rate rule blocks above the configured limit, which one client at its full plan rate never reaches', () => {
    const rule = webAcl().Rules.find((r: { Name: string }) => r.Name === WAF_RULES.ipRate.name);
    const { limit, windowSeconds } = STAGES.prod.waf.ipRate;
    expect(rule.Action).toEqual({ Block: {} });
    expect(rule.Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: limit, EvaluationWindowSec: windowSeconds });
    const fastestPlanPerWindow = Math.max(...Object.values(PLANS).map((p) => p.ratePerMinute)) * (windowSeconds / 60);
    expect(limit).toBeGreaterThanOrEqual(2 * fastestPlanPerWindow);
  });

  test('a present x-api-key without the key format is blocked; a missing one is left to the authorizer (401)', () => {
    const rule = webAcl().Rules.find((r: { Name: string }) => r.Name === WAF_RULES.keyFormat.name);
    expect(rule.Action).toEqual({ Block: {} });
    const [present, notKey] = rule.Statement.AndStatement.Statements;
    expect(present.SizeConstraintStatement).toMatchObject({
      FieldToMatch: { SingleHeader: { Name: 'x-api-key' } },
      ComparisonOperator: 'GT',
      Size: 0,
    });
    const regex = notKey.NotStatement.Statement.RegexMatchStatement;
    expect(regex.FieldToMatch).toEqual({ SingleHeader: { Name: 'x-api-key' } });
    expect(regex.RegexString).toBe(API_KEY_REGEX);
    expect(regex.RegexString.length).toBeLessThanOrEqual(512);
    // The same pattern the authorizer applies.
    expect(new RegExp(regex.RegexString).source).toBe(API_KEY_PATTERN.source);
  });

  test('AWS managed groups: IP reputation, known bad inputs, and the common set with its two count-only rules', () => {
    const managed = Object.fromEntries(
      webAcl()
        .Rules.filter((r: any) => r.Statement.ManagedRuleGroupStatement)
        .map((r: any) => [r.Statement.ManagedRuleGroupStatement.Name, r]),
    );
    expect(Object.keys(managed).sort()).toEqual(
      [WAF_RULES.ipReputation.managedGroup, WAF_RULES.knownBadInputs.managedGroup, WAF_RULES.common.managedGroup].sort(),
    );
    for (const rule of Object.values(managed) as any[]) {
      expect(rule.OverrideAction).toEqual({ None: {} });
      expect(rule.Statement.ManagedRuleGroupStatement.VendorName).toBe('AWS');
    }
    expect(managed[WAF_RULES.common.managedGroup].Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      WAF_RULES.common.countOnly.map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
    );
  });

  test('the web ACL is associated with the API stage', () => {
    const [aclId] = onlyResource(template(), 'AWS::WAFv2::WebACL');
    const [stageId] = onlyResource(template(), 'AWS::ApiGateway::Stage');
    const [, association] = onlyResource(template(), 'AWS::WAFv2::WebACLAssociation');
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(stageId);
  });

  test('WAF logs go to an aws-waf-logs- group with the stage retention, credentials and query strings redacted', () => {
    const [, logging] = onlyResource(template(), 'AWS::WAFv2::LoggingConfiguration');
    // CloudFormation's FieldToMatch shapes for RedactedFields: SingleHeader { Name } and QueryString {}.
    expect(logging.Properties.RedactedFields).toEqual([
      { SingleHeader: { Name: 'x-api-key' } },
      { SingleHeader: { Name: 'authorization' } },
      { SingleHeader: { Name: 'cookie' } },
      { QueryString: {} },
    ]);
    const groups = Object.values(resourcesOf(template(), 'AWS::Logs::LogGroup')).filter((g) =>
      String(g.Properties.LogGroupName).startsWith('aws-waf-logs-'),
    );
    expect(groups).toHaveLength(1);
    expect(groups[0].Properties.RetentionInDays).toBe(STAGES.prod.logRetentionDays);
    const [groupId] = Object.entries(resourcesOf(template(), 'AWS::Logs::LogGroup')).find(([, g]) => g === groups[0])!;
    expect(groups[0].Properties.LogGroupName).toBe('aws-waf-logs-metered-api-prod');
    expect(logging.Properties.LogDestinationConfigs).toEqual([
      { 'Fn::Join': ['', [expect.stringMatching(/^arn:aws:logs:[^:]+:\d+:log-group:$/), { Ref: groupId }]] },
    ]);
    expect(JSON.stringify(logging.Properties.LogDestinationConfigs)).not.toContain(':*');
  });

  test('a blocked request gets the WAF_FILTERED gateway response as problem+json', () => {
    const response = Object.values(resourcesOf(template(), 'AWS::ApiGateway::GatewayResponse')).find(
      (r) => r.Properties.ResponseType === 'WAF_FILTERED',
    );
    expect(response?.Properties.StatusCode).toBe(String(gatewayResponse('WAF_FILTERED').statusCode));
    expect(response?.Properties.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(`'${PROBLEM_CONTENT_TYPE}'`);
  });

  test('the dashboard shows the web ACL blocked, counted and allowed requests', () => {
    const [, dashboard] = onlyResource(template(), 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain(DASHBOARD.waf.title);
    expect(body).toContain('AWS/WAFV2');
    expect(body).toContain('BlockedRequests');
  });

  test('cdk-nag needs no acknowledgement of a missing web ACL (AwsSolutions-APIG3)', () => {
    expect(acknowledgedRules('prod')).not.toContain('AwsSolutions-APIG3');
  });
});

describe('dev: no web ACL (cost zero), and the gap is acknowledged with its reason', () => {
  test('no WAF resources', () => {
    const template = templateFor('dev');
    for (const type of ['AWS::WAFv2::WebACL', 'AWS::WAFv2::WebACLAssociation', 'AWS::WAFv2::LoggingConfiguration']) {
      expect(Object.keys(resourcesOf(template, type))).toHaveLength(0);
    }
    expect(STAGES.dev.waf.enabled).toBe(false);
    expect(acknowledgedRules('dev')).toContain('AwsSolutions-APIG3');
  });
});
