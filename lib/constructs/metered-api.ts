// The request path: REST API, stage, REQUEST authorizer, usage plans, routes, models and gateway responses.
import { API_KEY_HEADER, usagePlanName } from '../../contracts/deployment';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';
import * as z from 'zod';
import { ACCESS_LOG_FIELDS } from '../../contracts/access-log';
import { CORS_PREFLIGHT } from '../../contracts/cors';
import { GATEWAY_RESPONSES, gatewayDetailTemplate, gatewayProblemBody, PROBLEM_CONTENT_TYPE } from '../../contracts/gateway-responses';
import { SECURITY_HEADERS } from '../../contracts/security-headers';
import { isGatePlan, PLAN_NAMES, PLANS, type PlanName } from '../../contracts/plans';
import { GATE_POOL_CEILING, GATE_POOL_SIZE, gatePoolKeyValue } from '../../contracts/gate-pool';
import { throttleOf, usagePlanShape } from '../../contracts/usage-plan';
import { routeKey, type RouteDefinition } from '../../contracts/routes';
import type { StageConfig } from '../../contracts/stages';
import { tracingOn } from './metered-function';
import { constructIdFor } from './route-functions';
import { StageWebAcl } from './web-acl';

export interface MeteredApiProps {
  readonly stage: StageConfig;
  readonly routes: readonly RouteDefinition[];
  /** The handler Lambda of each route, by route id. */
  readonly handlerFor: (routeId: string) => lambda.IFunction;
  /** The REQUEST authorizer: resolves `x-api-key` to the client and returns its key as usage identifier. */
  readonly authorizer: lambda.IFunction;
}

/** The header clients send their API key in; the authorizer's only identity source. */

/** Renders a zod schema as an API Gateway model schema (JSON Schema draft 4). */
export function modelSchemaOf(schema: z.ZodType): apigw.JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-04', io: 'input' }) as apigw.JsonSchema;
}

/** Method request parameters of a route: its query fields (required unless optional) and path params. */
export function requestParametersOf(route: RouteDefinition): Record<string, boolean> {
  const parameters: Record<string, boolean> = {};
  for (const [name, field] of Object.entries(route.schemas.query?.shape ?? {})) {
    parameters[`method.request.querystring.${name}`] = !(field as z.ZodType).safeParse(undefined).success;
  }
  for (const [, name] of route.path.matchAll(/\{([^}+]+)\+?\}/g)) {
    parameters[`method.request.path.${name}`] = true;
  }
  return parameters;
}

const FIVE_MINUTES = Duration.minutes(5);

export class MeteredApi extends Construct {
  readonly restApi: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;
  readonly executionLogs: logs.LogGroup;
  readonly usagePlans: Readonly<Record<PlanName, apigw.UsagePlan>>;
  /** API Gateway method per route id. */
  readonly methods: ReadonlyMap<string, apigw.Method>;
  /** The stage's web ACL, where the stage config turns it on. */
  readonly webAcl?: StageWebAcl;

  constructor(scope: Construct, id: string, props: MeteredApiProps) {
    super(scope, id);
    const { stage } = props;
    if (stage.stageName === 'prod' && stage.corsOrigins.includes('*')) {
      throw new Error(`cors origins must not contain * in prod: got ${JSON.stringify(stage.corsOrigins)}`);
    }

    // Access logs in JSON, kept as long as the stage's other logs.
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // The API: keys come from the authorizer, every method is authorized and needs a key.
    const authorizer = new apigw.RequestAuthorizer(this, 'ApiKeyAuthorizer', {
      handler: props.authorizer,
      identitySources: [apigw.IdentitySource.header(API_KEY_HEADER)],
      resultsCacheTtl: Duration.seconds(stage.authorizerCacheTtlSeconds),
    });
    const methods = [...new Set(props.routes.map((r) => r.method))];
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `metered-api-${stage.stageName}`,
      description: `Metered API (${stage.stageName})`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: true,
      // The account-level logging role is shared by every API in the account and region: keep it.
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      defaultMethodOptions: { authorizer, apiKeyRequired: true },
      defaultCorsPreflightOptions:
        stage.corsOrigins.length === 0
          ? undefined
          : {
              allowOrigins: [...stage.corsOrigins],
              allowMethods: [...methods, 'OPTIONS'],
              allowHeaders: [...CORS_PREFLIGHT.allowHeaders],
              exposeHeaders: [...CORS_PREFLIGHT.exposeHeaders],
              maxAge: Duration.seconds(CORS_PREFLIGHT.maxAgeSeconds),
            },
      deployOptions: {
        stageName: stage.stageName,
        // The access log is a stage setting (telemetry.accessLog): one JSON line per request, priced by `npm run cost`.
        ...(stage.telemetry.accessLog
          ? {
              accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
              accessLogFormat: apigw.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
            }
          : {}),
        // Execution logs: full INFO only where the stage logs at DEBUG; errors only elsewhere.
        loggingLevel: stage.logLevel === 'DEBUG' ? apigw.MethodLoggingLevel.INFO : apigw.MethodLoggingLevel.ERROR,
        // Data trace would write request headers, including the API key, to the logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        // Which requests are traced is the stage's X-Ray sampling rule below (telemetry.tracing).
        tracingEnabled: tracingOn(stage),
        throttlingRateLimit: stage.stageThrottle.ratePerSecond,
        throttlingBurstLimit: stage.stageThrottle.burst,
      },
    });

    // The stack declares the URL as its stable `ApiUrl` output; drop RestApi's generated duplicate.
    this.restApi.node.tryRemoveChild('Endpoint');

    // Execution logs: API Gateway would create this group itself, without retention; own it first.
    this.executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${stage.stageName}`,
      retention: stage.logRetentionDays as logs.RetentionDays,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.restApi.deploymentStage.node.addDependency(this.executionLogs);

    // X-Ray samples this stage by its own rule (API Gateway decides; the functions follow its decision).
    if (tracingOn(stage)) {
      const { reservoirPerSecond, rate } = stage.telemetry.tracing;
      new xray.CfnSamplingRule(this, 'TraceSampling', {
        samplingRule: {
          ruleName: `metered-api-${stage.stageName}`,
          priority: 100,
          reservoirSize: reservoirPerSecond,
          fixedRate: rate,
          serviceName: `${this.restApi.restApiName}/${stage.stageName}`,
          serviceType: 'AWS::ApiGateway::Stage',
          host: '*',
          httpMethod: '*',
          urlPath: '*',
          resourceArn: '*',
          version: 1,
        },
      });
    }

    // The edge: AWS WAF in front of the stage (per stage config; contracts/waf.ts).
    if (stage.waf.enabled) this.webAcl = new StageWebAcl(this, 'WebAcl', { stage, restApi: this.restApi });

    // Parameters are validated at the gateway; bodies by the Lambda (see README, Decisions: the
    // gateway's body errors echo input and cannot list field paths).
    const parametersValidator = this.restApi.addRequestValidator('ParametersValidator', {
      validateRequestParameters: true,
      validateRequestBody: false,
    });

    // One method per route, with its model and parameters.
    const routeMethods = new Map<string, apigw.Method>();
    for (const route of props.routes) {
      const id = constructIdFor(route.id);
      const model = route.schemas.body
        ? this.restApi.addModel(`${id}Body`, {
            contentType: 'application/json',
            description: `Request body of ${routeKey(route)}`,
            schema: modelSchemaOf(route.schemas.body),
          })
        : undefined;
      const method = this.restApi.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigw.LambdaIntegration(props.handlerFor(route.id), { allowTestInvoke: false }), {
          requestValidator: parametersValidator,
          requestParameters: requestParametersOf(route),
          requestModels: model ? { 'application/json': model } : undefined,
        });
      routeMethods.set(route.id, method);
    }
    this.methods = routeMethods;

    // One usage plan per plan: rate, burst and daily quota per key, strict routes throttled inside each.
    const usagePlans: Partial<Record<PlanName, apigw.UsagePlan>> = {};
    for (const plan of PLAN_NAMES) {
      if (isGatePlan(plan)) {
        usagePlans[plan] = this.addGatePool(plan, stage.stageName);
        continue;
      }
      const limits = PLANS[plan];
      const shape = usagePlanShape(plan, limits, props.routes);
      usagePlans[plan] = this.restApi.addUsagePlan(`${constructIdFor(plan)}Plan`, {
        name: usagePlanName(stage.stageName, plan),
        description: `${plan}: ${limits.ratePerMinute} requests/minute, ${limits.dailyQuota} requests/day per key`,
        throttle: shape.throttle,
        quota: { limit: shape.quota.limit, period: apigw.Period.DAY },
        apiStages: [
          {
            api: this.restApi,
            stage: this.restApi.deploymentStage,
            throttle: shape.methodThrottles.map(({ route, throttle }) => ({ method: routeMethods.get(route.id)!, throttle })),
          },
        ],
      });
    }
    this.usagePlans = usagePlans as Record<PlanName, apigw.UsagePlan>;

    // API Gateway's own errors as problem+json; 429s say when to retry.
    for (const response of GATEWAY_RESPONSES) {
      this.restApi.addGatewayResponse(`${constructIdFor(response.type.toLowerCase())}Response`, {
        type: apigw.ResponseType.of(response.type),
        statusCode: String(response.statusCode),
        responseHeaders: {
          // Static header values are single-quoted literals in API Gateway's mapping syntax.
          ...Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([name, value]) => [name, `'${value}'`])),
          'Content-Type': `'${PROBLEM_CONTENT_TYPE}'`,
          ...(response.retryAfterSeconds !== undefined ? { 'Retry-After': `'${response.retryAfterSeconds}'` } : {}),
        },
        templates: { 'application/json': gatewayProblemBody(response, '$context.requestId', gatewayDetailTemplate(response)) },
      });
    }

    this.acknowledgeFindings(stage);
  }

  /**
   * A gate plan's usage plan: its pool of shared usage-identifier keys (contracts/gate-pool.ts), one coarse throttle
   * per pool key and no quota; each client's own limits are the gate's, in the route chain.
   */
  private addGatePool(plan: PlanName, stageName: string): apigw.UsagePlan {
    const usagePlan = this.restApi.addUsagePlan(`${constructIdFor(plan)}Plan`, {
      name: usagePlanName(stageName, plan),
      description: `${plan}: admitted by the gate; ${GATE_POOL_SIZE} pooled keys, each a coarse ceiling over its clients`,
      throttle: throttleOf(GATE_POOL_CEILING),
      apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
    });
    for (let index = 0; index < GATE_POOL_SIZE; index++) {
      const key = new apigw.ApiKey(this, `${constructIdFor(plan)}PoolKey${index}`, {
        value: gatePoolKeyValue(stageName, plan, index),
        description: `pool key ${index} of the ${plan} plan (a usage identifier, not a client's secret)`,
      });
      usagePlan.addApiKey(key);
    }
    return usagePlan;
  }

  /** Requests the stage received, per 5 minutes. */
  metricRequests(props?: cw.MetricOptions): cw.Metric {
    return this.restApi.deploymentStage.metricCount({ period: FIVE_MINUTES, statistic: cw.Stats.SUM, ...props });
  }

  /** Requests the stage answered 4xx, per 5 minutes. */
  metricClientErrors(props?: cw.MetricOptions): cw.Metric {
    return this.restApi.deploymentStage.metricClientError({ period: FIVE_MINUTES, statistic: cw.Stats.SUM, ...props });
  }

  /** Requests the stage answered 5xx, per 5 minutes. */
  metricServerErrors(props?: cw.MetricOptions): cw.Metric {
    return this.restApi.deploymentStage.metricServerError({ period: FIVE_MINUTES, statistic: cw.Stats.SUM, ...props });
  }

  /** Share of requests answered 5xx, percent, per 5 minutes (0 without requests). */
  metricServerErrorRate(props?: cw.MathExpressionOptions): cw.MathExpression {
    return new cw.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests: this.metricRequests(), errors: this.metricServerErrors() },
      period: FIVE_MINUTES,
      ...props,
    });
  }

  /** End-to-end latency of the stage, p99 per 5 minutes unless `props` say otherwise. */
  metricLatency(props?: cw.MetricOptions): cw.Metric {
    return this.restApi.deploymentStage.metricLatency({ period: FIVE_MINUTES, statistic: cw.Stats.p(99), ...props });
  }

  /** Latency of the backend (the route Lambdas), p99 per 5 minutes unless `props` say otherwise. */
  metricIntegrationLatency(props?: cw.MetricOptions): cw.Metric {
    return this.restApi.deploymentStage.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: cw.Stats.p(99), ...props });
  }

  /** cdk-nag findings that are decisions, each on the resource it concerns. */
  private acknowledgeFindings(stage: StageConfig): void {
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level API Gateway logging role needs to create log groups for any stage; AWS maintains this service-role policy for exactly that.',
      });
    }
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        "The ParametersValidator validates query and path parameters; bodies are validated by each route Lambda with the same zod schema, because the gateway's body errors echo input values and cannot list field paths (contract: 400 problem+json with errors[{path,message}], never echoing input).",
    });
    if (!stage.telemetry.accessLog) {
      Validations.of(this.restApi.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG1',
        reason: `The ${stage.stageName} stage turns its access log off (contracts/stages.ts telemetry.accessLog) to cut its cost; the route functions log every request they answer.`,
      });
    }
    if (!stage.waf.enabled) {
      Validations.of(this.restApi.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: `The ${stage.stageName} stage turns its web ACL off (contracts/stages.ts waf.enabled) to keep its cost at zero; abuse is bounded per key by usage plans and per stage by the stage throttle. Prod has the web ACL.`,
      });
    }
    if (stage.corsOrigins.length > 0) {
      // Browsers send CORS preflights without credentials, so OPTIONS methods cannot carry the authorizer.
      this.restApi.methods
        .filter((m) => m.httpMethod === 'OPTIONS')
        .forEach((m) => {
          Validations.of(m).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${m.resource.path} OPTIONS is a CORS preflight (mock integration); browsers send it without the API key, so it cannot be authorized.`,
          });
          Validations.of(m).acknowledge({
            id: 'AwsSolutions-COG4',
            reason: `${m.resource.path} OPTIONS is a CORS preflight; browsers send it without credentials.`,
          });
        });
    }
    for (const method of this.methods.values()) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `${method.httpMethod} ${method.resource.path} is called by machine clients with API keys, authorized by the Lambda REQUEST authorizer; there are no Cognito users.`,
      });
    }
  }
}
