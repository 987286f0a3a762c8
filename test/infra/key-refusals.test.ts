// The refusal of a known key (revoked, expired, rotated out) as deployed: the ACCESS_DENIED gateway
// response takes its detail from the authorizer's Deny context ($context.authorizer.accessDeniedDetail), the one
// authorizer answer whose body API Gateway lets vary; the twin renders the very template the stack deploys.
import { ACCESS_DENIED_DETAIL_KEY, KEY_REFUSALS } from '../../contracts/gateway-responses';
import { renderGatewayTemplate } from '../../local/gateway/gateway-responses';
import { templateFor } from './support/synth';
import { resourcesOf } from './support/template';

function deployed(type: string) {
  const responses = Object.values(resourcesOf(templateFor('dev'), 'AWS::ApiGateway::GatewayResponse'));
  const response = responses.find((r) => r.Properties.ResponseType === type);
  if (!response) throw new Error(`no ${type} gateway response`);
  return { statusCode: response.Properties.StatusCode, template: response.Properties.ResponseTemplates['application/json'] as string };
}

test('ACCESS_DENIED (403) shows the detail of the Deny: expired, rotated out or revoked, as the authorizer said', () => {
  const { statusCode, template } = deployed('ACCESS_DENIED');
  expect(statusCode).toBe('403');
  expect(template).toContain(`"detail":"$context.authorizer.${ACCESS_DENIED_DETAIL_KEY}"`);
  const expired = KEY_REFUSALS.expired('2026-11-28T10:00:00.000Z');
  const body = JSON.parse(renderGatewayTemplate(template, 'req-1', { [ACCESS_DENIED_DETAIL_KEY]: expired }));
  expect(body).toEqual({
    type: 'https://metered-api.dev/problems/forbidden',
    title: 'Forbidden',
    status: 403,
    detail: expired,
    requestId: 'req-1',
  });
});

test('UNAUTHORIZED (401) is static: a Lambda that throws Unauthorized returns no context to show', () => {
  const { statusCode, template } = deployed('UNAUTHORIZED');
  expect(statusCode).toBe('401');
  expect(template).not.toContain('$context.authorizer');
});
