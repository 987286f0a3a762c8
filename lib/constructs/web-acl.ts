// The stage's AWS WAF web ACL (contracts/waf.ts): IP reputation, a per-IP rate rule, the API key
// format, and AWS's known-bad-inputs and common rule sets, in that order. Blocked requests get the
// WAF_FILTERED gateway response (problem+json). Logs go to CloudWatch Logs without credentials or query strings.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { API_KEY_REGEX } from '../../contracts/api-key-format';
import type { StageConfig } from '../../contracts/stages';
import { WAF_LOG_REDACTED, WAF_METRIC_NAME, WAF_RULES } from '../../contracts/waf';

export interface StageWebAclProps {
  readonly stage: StageConfig;
  readonly restApi: apigw.RestApi;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

export class StageWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StageWebAclProps) {
    super(scope, id);
    const { stage } = props;
    // singleHeader is free-form JSON in the L1 types: CloudFormation's own casing.
    const keyHeader = { singleHeader: { Name: WAF_RULES.keyFormat.header } };
    const managed = (
      rule: { readonly name: string; readonly managedGroup: string },
      countOnly: readonly string[] = [],
    ): Omit<wafv2.CfnWebACL.RuleProperty, 'priority'> => ({
      name: rule.name,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: rule.managedGroup,
          ruleActionOverrides: countOnly.length ? countOnly.map((name) => ({ name, actionToUse: { count: {} } })) : undefined,
        },
      },
      visibilityConfig: visibility(rule.name),
    });

    const rules: Omit<wafv2.CfnWebACL.RuleProperty, 'priority'>[] = [
      managed(WAF_RULES.ipReputation),
      {
        name: WAF_RULES.ipRate.name,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: stage.waf.ipRate.limit,
            evaluationWindowSec: stage.waf.ipRate.windowSeconds,
          },
        },
        visibilityConfig: visibility(WAF_RULES.ipRate.name),
      },
      {
        // A present x-api-key that is not a key never reaches the authorizer (a missing one is its 401).
        name: WAF_RULES.keyFormat.name,
        action: { block: {} },
        statement: {
          andStatement: {
            statements: [
              {
                sizeConstraintStatement: {
                  fieldToMatch: keyHeader,
                  comparisonOperator: 'GT',
                  size: 0,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
              {
                notStatement: {
                  statement: {
                    regexMatchStatement: {
                      fieldToMatch: keyHeader,
                      regexString: API_KEY_REGEX,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            ],
          },
        },
        visibilityConfig: visibility(WAF_RULES.keyFormat.name),
      },
      managed(WAF_RULES.knownBadInputs),
      managed(WAF_RULES.common, WAF_RULES.common.countOnly),
    ];

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `metered-api-${stage.stageName}`,
      description: `Edge rules of the metered API ${stage.stageName} stage, from contracts/waf.ts`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: rules.map((rule, priority) => ({ ...rule, priority })),
      visibilityConfig: visibility(WAF_METRIC_NAME),
    });
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.restApi.deploymentStage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF requires the log group's name to start with aws-waf-logs-; credentials and query strings are redacted.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-metered-api-${stage.stageName}`,
      retention: stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF takes the log group's ARN without the trailing `:*` of LogGroup.logGroupArn.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        ...WAF_LOG_REDACTED.headers.map((name) => ({ singleHeader: { Name: name } })),
        ...(WAF_LOG_REDACTED.queryString ? [{ queryString: {} }] : []),
      ],
      // `blocked`: only requests a rule blocked are logged; allowed ones are in the stage's access log.
      loggingFilter:
        (stage.waf.logging ?? 'all') === 'blocked'
          ? {
              DefaultBehavior: 'DROP',
              Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY', Conditions: [{ ActionCondition: { Action: 'BLOCK' } }] }],
            }
          : undefined,
    });
  }

  /** The dimensions of the web ACL's metrics over all its rules. */
  private get metricDimensions(): Record<string, string> {
    return { WebACL: this.webAcl.name!, Region: Stack.of(this).region, Rule: 'ALL' };
  }

  /** Requests the web ACL blocked (all rules), per 5 minutes. */
  metricBlockedRequests(props?: cw.MetricOptions): cw.Metric {
    return this.wafMetric('BlockedRequests', props);
  }

  /** Requests a count-only rule matched, per 5 minutes. */
  metricCountedRequests(props?: cw.MetricOptions): cw.Metric {
    return this.wafMetric('CountedRequests', props);
  }

  /** Requests the web ACL let through, per 5 minutes. */
  metricAllowedRequests(props?: cw.MetricOptions): cw.Metric {
    return this.wafMetric('AllowedRequests', props);
  }

  private wafMetric(metricName: string, props?: cw.MetricOptions): cw.Metric {
    return new cw.Metric({
      namespace: 'AWS/WAFV2',
      metricName,
      dimensionsMap: this.metricDimensions,
      statistic: cw.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }
}
