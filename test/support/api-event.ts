// Builds API Gateway REST proxy events and Lambda contexts as API Gateway sends them, for handler tests.
import { lambdaContext as localLambdaContext } from '../../local/fake-aws';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface ApiEventInput {
  method: string;
  path: string;
  resource?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  clientId?: string;
  plan?: string;
  usedToday?: number;
  apiKey?: string;
  requestId?: string;
  requestTimeEpoch?: number;
}

export function apiEvent(input: ApiEventInput): APIGatewayProxyEvent {
  const headers = {
    'Content-Type': 'application/json',
    'X-Api-Key': input.apiKey ?? 'mapiEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE1234',
    ...input.headers,
  };
  const epoch = input.requestTimeEpoch ?? Date.now();
  return {
    resource: input.resource ?? input.path,
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: input.query ?? null,
    multiValueQueryStringParameters: input.query ? Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: null,
    stageVariables: null,
    body: input.body ?? null,
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abcdef1234',
      authorizer: {
        principalId: input.clientId ?? 'cl_test',
        clientId: input.clientId ?? 'cl_test',
        plan: input.plan ?? 'standard',
        ...(input.usedToday !== undefined ? { usedToday: input.usedToday, usageDay: new Date(epoch).toISOString().slice(0, 10) } : {}),
        integrationLatency: 3,
      },
      protocol: 'HTTP/1.1',
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: input.apiKey ?? null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'jest',
        userArn: null,
      },
      path: `/dev${input.path}`,
      stage: 'dev',
      requestId: input.requestId ?? randomUUID(),
      requestTimeEpoch: epoch,
      resourceId: 'res123',
      resourcePath: input.resource ?? input.path,
    },
  };
}

/** A Lambda context for handler tests (the twin's, one definition). */
export function lambdaContext(functionName = 'fn', timeoutMs = 10_000): Context {
  return localLambdaContext(functionName, timeoutMs);
}
