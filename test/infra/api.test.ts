// The request path in the template: stage, authorizer, methods, validation, usage plans, gateway responses, CORS.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as z from 'zod';
import { GATEWAY_RESPONSES, PROBLEM_CONTENT_TYPE } from '../../contracts/gateway-responses';
import { GATE_PLAN_NAMES, PLAN_NAMES, PLANS, ROUTE_CLASSES } from '../../contracts/plans';
import { GATE_POOL_CEILING, GATE_POOL_SIZE, gatePoolKeyValue } from '../../contracts/gate-pool';
import { ROUTES, routeKey, type RouteDefinition } from '../../contracts/routes';
import { STAGES, type StageName } from '../../contracts/stages';
import { MeteredApiStack } from '../../lib/metered-api-stack';
import { CDK_CONTEXT, templateFor } from './support/synth';
import { ADMIN_ROUTES } from '../../contracts/admin/routes';
import { integrationFunctionId, methodsByRoute, onlyResource, resourcesOf, stackFunctions } from './support/template';

const STAGE_NAMES: StageName[] = ['dev', 'prod'];

describe.each(STAGE_NAMES)('API (%s)', (stageName) => {
  const stage = STAGES[stageName];
  const template = () => templateFor(stageName);

  test('the REST API takes API keys from the authorizer', () => {
    template().hasResourceProperties('AWS::ApiGateway::RestApi', {
      ApiKeySourceType: 'AUTHORIZER',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  test('the stage logs JSON access logs without the key, logs execution, traces and throttles as a ceiling', () => {
    const [, apiStage] = onlyResource(template(), 'AWS::ApiGateway::Stage');
    expect(apiStage.Properties.StageName).toBe(stageName);
    expect(apiStage.Properties.TracingEnabled).toBe(true);
    expect(apiStage.Properties.MethodSettings).toEqual([
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        DataTraceEnabled: false,
        LoggingLevel: stage.logLevel === 'DEBUG' ? 'INFO' : 'ERROR',
        MetricsEnabled: true,
        ThrottlingRateLimit: stage.stageThrottle.ratePerSecond,
        ThrottlingBurstLimit: stage.stageThrottle.burst,
      },
    ]);
    const format = apiStage.Properties.AccessLogSetting.Format as string;
    const fields = JSON.parse(format) as Record<string, string>;
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      clientId: '$context.authorizer.principalId',
      status: '$context.status',
      resourcePath: '$context.resourcePath',
      errorType: '$context.error.responseType',
    });
    expect(format).not.toMatch(/apiKey/i);
    expect(Object.values(fields)).not.toContain('$context.identity.apiKey');
    // Access logs go to a log group kept as long as the stage's other logs.
    const [logGroupId, logGroup] = Object.entries(resourcesOf(template(), 'AWS::Logs::LogGroup')).find(([id]) =>
      JSON.stringify(apiStage.Properties.AccessLogSetting.DestinationArn).includes(`"${id}"`),
    )!;
    expect(logGroupId).toMatch(/AccessLogs/);
    expect(logGroup.Properties.RetentionInDays).toBe(stage.logRetentionDays);
    // Execution logs: the group API Gateway would otherwise create without retention, made before the stage.
    const [executionLogsId, executionLogs] = Object.entries(resourcesOf(template(), 'AWS::Logs::LogGroup')).find(([, g]) =>
      JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    )!;
    expect(executionLogs.Properties.LogGroupName).toEqual({
      'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: expect.any(String) }, `/${stageName}`]],
    });
    expect(executionLogs.Properties.RetentionInDays).toBe(stage.logRetentionDays);
    const stageResource = template().toJSON().Resources[onlyResource(template(), 'AWS::ApiGateway::Stage')[0]];
    expect(stageResource.DependsOn).toContain(executionLogsId);
  });

  test('a REQUEST authorizer reads x-api-key and caches per the stage', () => {
    template().hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: stage.authorizerCacheTtlSeconds,
    });
  });

  test('every route is a method with its own Lambda, the authorizer, a required key and the parameters validator', () => {
    const [authorizerId] = onlyResource(template(), 'AWS::ApiGateway::Authorizer');
    const [validatorId, validator] = onlyResource(template(), 'AWS::ApiGateway::RequestValidator');
    expect(validator.Properties).toMatchObject({ ValidateRequestParameters: true, ValidateRequestBody: false });
    const methods = methodsByRoute(template());
    const functions = stackFunctions(template());
    const integrated = new Set<string>();
    for (const route of ROUTES) {
      const found = methods.get(routeKey(route));
      expect(found).toBeDefined();
      const [, method] = found!;
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
        ApiKeyRequired: true,
        RequestValidatorId: { Ref: validatorId },
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      const fnId = integrationFunctionId(method);
      expect(functions[fnId].Properties.Description).toBe(`Handles ${routeKey(route)}.`);
      integrated.add(fnId);
    }
    expect(integrated.size).toBe(ROUTES.length);
    // Nothing but routes, the admin routes (test/infra/admin-api.test.ts) and (CORS) preflights is exposed.
    const others = [...methods.keys()].filter(
      (k) => !k.startsWith('OPTIONS ') && ![...ROUTES, ...ADMIN_ROUTES].some((r) => routeKey(r) === k),
    );
    expect(others).toEqual([]);
  });

  test('query parameters are declared from the zod schemas; bodies get a model rendered from the schema', () => {
    const methods = methodsByRoute(template());
    const models = resourcesOf(template(), 'AWS::ApiGateway::Model');
    for (const route of ROUTES as readonly RouteDefinition[]) {
      const [, method] = methods.get(routeKey(route))!;
      const expected = Object.fromEntries(
        Object.keys(route.schemas.query?.shape ?? {}).map((name) => [`method.request.querystring.${name}`, false]),
      );
      expect(method.Properties.RequestParameters ?? {}).toEqual(expected);
      if (route.schemas.body) {
        const modelId = method.Properties.RequestModels['application/json'].Ref as string;
        expect(models[modelId].Properties.ContentType).toBe('application/json');
        expect(models[modelId].Properties.Schema).toEqual(z.toJSONSchema(route.schemas.body, { target: 'draft-04', io: 'input' }));
        expect(models[modelId].Properties.Schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
      } else {
        expect(method.Properties.RequestModels).toBeUndefined();
      }
    }
  });

  test('one usage plan per plan: rate, burst and daily quota per key, strict routes throttled in each', () => {
    const plans = Object.values(resourcesOf(template(), 'AWS::ApiGateway::UsagePlan'));
    expect(plans).toHaveLength(PLAN_NAMES.length);
    // The numbers, spelled out: 100/min and 1,000/min, quotas 10,000 and 100,000, strict 10/min.
    const expected = {
      [`metered-api-${stageName}-standard`]: { rate: 100 / 60, burst: 20, quota: 10_000 },
      [`metered-api-${stageName}-premium`]: { rate: 1000 / 60, burst: 200, quota: 100_000 },
    };
    const pool = plans.filter((plan) =>
      GATE_PLAN_NAMES.some((gate) => plan.Properties.UsagePlanName === `metered-api-${stageName}-${gate}`),
    );
    expect(pool).toHaveLength(GATE_PLAN_NAMES.length);
    for (const plan of plans.filter((p) => !pool.includes(p))) {
      const want = expected[plan.Properties.UsagePlanName];
      expect(want).toBeDefined();
      expect(plan.Properties.Throttle.RateLimit).toBeCloseTo(want.rate, 6);
      expect(plan.Properties.Throttle.BurstLimit).toBe(want.burst);
      expect(plan.Properties.Quota).toEqual({ Limit: want.quota, Period: 'DAY' });
      expect(plan.Properties.ApiStages).toHaveLength(1);
      const throttles = plan.Properties.ApiStages[0].Throttle as Record<string, { RateLimit: number; BurstLimit: number }>;
      const strictRoutes = ROUTES.filter((r) => r.routeClass === 'strict');
      expect(Object.keys(throttles).sort()).toEqual(strictRoutes.map((r) => `${r.path}/${r.method}`).sort());
      for (const throttle of Object.values(throttles)) {
        expect(throttle.RateLimit).toBeCloseTo(10 / 60, 6);
        expect(throttle.BurstLimit).toBe(5);
      }
    }
    // A gate plan's usage plan: its pool keys' coarse ceiling, no quota, no per-method throttle (contracts/gate-pool.ts).
    for (const gatePlan of pool) {
      expect(gatePlan.Properties.Throttle).toEqual({
        RateLimit: GATE_POOL_CEILING.ratePerMinute / 60,
        BurstLimit: GATE_POOL_CEILING.burst,
      });
      expect(gatePlan.Properties.Quota).toBeUndefined();
      expect(gatePlan.Properties.ApiStages[0].Throttle ?? {}).toEqual({});
    }
    expect(ROUTE_CLASSES.strict).toEqual({ ratePerMinute: 10, burst: 5 });
    expect(PLANS.standard.burst).toBeLessThanOrEqual(PLANS.standard.ratePerMinute);
  });

  test('a gate plan has GATE_POOL_SIZE pool keys in its usage plan, with the values the authorizer answers; no other key', () => {
    const keys = Object.values(resourcesOf(template(), 'AWS::ApiGateway::ApiKey'));
    expect(keys.map((k) => k.Properties.Value).sort()).toEqual(
      GATE_PLAN_NAMES.flatMap((plan) => Array.from({ length: GATE_POOL_SIZE }, (_, i) => gatePoolKeyValue(stageName, plan, i))).sort(),
    );
    expect(Object.values(resourcesOf(template(), 'AWS::ApiGateway::UsagePlanKey'))).toHaveLength(GATE_PLAN_NAMES.length * GATE_POOL_SIZE);
  });

  test('gateway responses are problem+json; the throttle 429 carries Retry-After, the quota 429 none (its reset is not static)', () => {
    const responses = Object.values(resourcesOf(template(), 'AWS::ApiGateway::GatewayResponse'));
    expect(responses.map((r) => r.Properties.ResponseType).sort()).toEqual(GATEWAY_RESPONSES.map((r) => r.type).sort());
    expect(GATEWAY_RESPONSES.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        'ACCESS_DENIED',
        'BAD_REQUEST_BODY',
        'BAD_REQUEST_PARAMETERS',
        'DEFAULT_4XX',
        'DEFAULT_5XX',
        'QUOTA_EXCEEDED',
        'THROTTLED',
        'UNAUTHORIZED',
      ]),
    );
    for (const definition of GATEWAY_RESPONSES) {
      const response = responses.find((r) => r.Properties.ResponseType === definition.type)!;
      expect(response.Properties.StatusCode).toBe(String(definition.statusCode));
      expect(response.Properties.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(`'${PROBLEM_CONTENT_TYPE}'`);
      // The same security headers as handler responses.
      expect(response.Properties.ResponseParameters).toMatchObject({
        'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
        'gatewayresponse.header.Cache-Control': "'no-store'",
        'gatewayresponse.header.Strict-Transport-Security': "'max-age=31536000; includeSubDomains'",
      });
      const body = JSON.parse(response.Properties.ResponseTemplates['application/json'].replace('$context.requestId', 'req-1'));
      expect(body).toEqual({
        type: expect.stringMatching(/^https:\/\//),
        title: definition.title,
        status: definition.statusCode,
        // ACCESS_DENIED's detail is the authorizer's (revoked key vs a route outside the key's plan).
        detail: definition.type === 'ACCESS_DENIED' ? '$context.authorizer.accessDeniedDetail' : definition.detail,
        requestId: 'req-1',
      });
    }
    const throttled = responses.find((r) => r.Properties.ResponseType === 'THROTTLED')!;
    expect(throttled.Properties.StatusCode).toBe('429');
    expect(throttled.Properties.ResponseParameters['gatewayresponse.header.Retry-After']).toBe("'6'");
    const quota = responses.find((r) => r.Properties.ResponseType === 'QUOTA_EXCEEDED')!;
    expect(quota.Properties.StatusCode).toBe('429');
    expect(quota.Properties.ResponseParameters['gatewayresponse.header.Retry-After']).toBeUndefined();
  });

  test('CORS follows the stage allow-list and never allows every origin in prod', () => {
    const preflights = [...methodsByRoute(template()).entries()].filter(([key]) => key.startsWith('OPTIONS '));
    if (stage.corsOrigins.length === 0) {
      expect(preflights).toEqual([]);
    } else {
      expect(preflights.length).toBeGreaterThan(0);
      for (const [, [, method]] of preflights) {
        expect(method.Properties.AuthorizationType).toBe('NONE');
        const headers = method.Properties.Integration.IntegrationResponses[0].ResponseParameters;
        expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe(`'${stage.corsOrigins[0]}'`);
      }
    }
    if (stageName === 'prod') expect(JSON.stringify(template().toJSON())).not.toMatch(/Access-Control-Allow-Origin":"'\*'/);
  });

  test('Lambda permissions let only this API invoke each route handler, on its own method', () => {
    const permissions = Object.values(resourcesOf(template(), 'AWS::Lambda::Permission'));
    for (const route of ROUTES) {
      const [, method] = methodsByRoute(template()).get(routeKey(route))!;
      const fnId = integrationFunctionId(method);
      const own = permissions.filter((p) => JSON.stringify(p.Properties.FunctionName).includes(`"${fnId}"`));
      expect(own).toHaveLength(1);
      expect(own[0].Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(own[0].Properties.SourceArn)).toContain(`/${route.method}${route.path}`);
    }
  });
});

test('a route added to the route list appears with its Lambda, parameters, model and strict throttle', () => {
  // Prepare: one more strict route with a path parameter and a body.
  const widget = z.strictObject({ name: z.string().min(1), size: z.int().min(1).optional() });
  const extra: RouteDefinition = {
    id: 'widgets',
    method: 'PUT',
    path: '/v1/widgets/{widgetId}',
    routeClass: 'strict',
    entry: 'functions/hello/handler.ts',
    timeoutSeconds: 7,
    schemas: { body: widget },
  };
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  // Act
  const template = Template.fromStack(new MeteredApiStack(app, 'Extra', { stage: STAGES.dev, routes: [...ROUTES, extra] }));
  // Assess
  const found = methodsByRoute(template).get('PUT /v1/widgets/{widgetId}');
  expect(found).toBeDefined();
  const [, method] = found!;
  expect(method.Properties.RequestParameters).toEqual({ 'method.request.path.widgetId': true });
  expect(method.Properties.ApiKeyRequired).toBe(true);
  const fn = stackFunctions(template)[integrationFunctionId(method)];
  expect(fn.Properties).toMatchObject({ Description: 'Handles PUT /v1/widgets/{widgetId}.', Timeout: 7 });
  template.hasResourceProperties('AWS::ApiGateway::Model', {
    Schema: Match.objectLike({ required: ['name'], properties: { name: { type: 'string', minLength: 1 }, size: Match.anyValue() } }),
  });
  // Every gateway plan's usage plan; a gate plan's holds only pool keys and no per-method throttle.
  const gatewayPlans = Object.values(resourcesOf(template, 'AWS::ApiGateway::UsagePlan')).filter(
    (plan) => !GATE_PLAN_NAMES.some((gate) => String(plan.Properties.UsagePlanName).endsWith(`-${gate}`)),
  );
  expect(gatewayPlans).toHaveLength(PLAN_NAMES.length - GATE_PLAN_NAMES.length);
  for (const plan of gatewayPlans) {
    expect(plan.Properties.ApiStages[0].Throttle['/v1/widgets/{widgetId}/PUT']).toEqual({ RateLimit: 10 / 60, BurstLimit: 5 });
  }
});

test('CORS allowing every origin is refused in prod', () => {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  expect(() => new MeteredApiStack(app, 'Open', { stage: { ...STAGES.prod, corsOrigins: ['*'] } })).toThrow(/must not contain \*/);
});
