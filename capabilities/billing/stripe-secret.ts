// The Stripe secret key by reference: read from Secrets Manager (GetSecretValue) when a push needs it, held in memory
// only, never logged, never put in an environment variable. On the twin, the same call reaches its loopback shim.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** What names the key: a secret (name or ARN) and, for a JSON secret, the field holding the key. */
export interface StripeSecretRef {
  readonly secretId: string;
  readonly jsonField?: string;
}

/** Stripe's secret (`sk_…`) and restricted (`rk_…`) keys, test or live. */
const STRIPE_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/;

/** The key the secret holds; an error names the secret and what is wrong, never any of its value. */
export async function readStripeSecret(client: SecretsManagerClient, ref: StripeSecretRef): Promise<string> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: ref.secretId }));
  if (SecretString === undefined) throw new Error(`secret ${ref.secretId} has no SecretString: store the Stripe key as text`);
  let key: unknown = SecretString.trim();
  if (ref.jsonField !== undefined) {
    try {
      key = (JSON.parse(SecretString) as Record<string, unknown>)[ref.jsonField];
    } catch {
      throw new Error(`secret ${ref.secretId} is not JSON, but a field (${ref.jsonField}) was named`);
    }
  }
  if (typeof key !== 'string' || !STRIPE_KEY.test(key))
    throw new Error(
      `secret ${ref.secretId}${ref.jsonField ? ` field ${ref.jsonField}` : ''} does not hold a Stripe secret key (sk_… or rk_…)`,
    );
  return key;
}
