// The twin's Secrets Manager, as small as the billing push needs: GetSecretValue (AWS JSON 1.1 protocol) of secrets
// held in this process's memory only (the twin's generated Stripe test key), on loopback, for callers signing with
// one of the twin's access key ids. Nothing is written to disk; an unknown secret gets AWS's ResourceNotFoundException.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../fake-aws';

export interface SecretsShim {
  readonly endpoint: string;
  /** The ARN a secret of this name gets (as AWS: `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>`). */
  arnOf(name: string): string;
  stop(): Promise<void>;
}

export interface SecretsShimOptions {
  /** Secret name → its string, kept in memory only. */
  readonly secrets: ReadonlyMap<string, string>;
  /** Access key ids whose signed requests are answered (the twin's, the operator's of this start). */
  readonly accessKeyIds: readonly string[];
}

const SUFFIX = 'Tw1nSm';

function awsError(type: string, message: string, status = 400): [number, string] {
  return [status, JSON.stringify({ __type: type, message })];
}

export async function startSecretsShim(options: SecretsShimOptions): Promise<SecretsShim> {
  const arnOf = (name: string) => `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${name}-${SUFFIX}`;
  const byId = (id: string): string | undefined => {
    for (const name of options.secrets.keys()) if (id === name || id === arnOf(name)) return name;
    return undefined;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
      let [status, body]: [number, string] = [200, ''];
      if (!keyId || !options.accessKeyIds.includes(keyId)) {
        [status, body] = awsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      } else if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        [status, body] = awsError('UnknownOperationException', `${String(req.headers['x-amz-target'])} is not served by the twin`);
      } else {
        let secretId = '';
        try {
          secretId = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: unknown }).SecretId ?? '');
        } catch {
          // an empty id: not found below
        }
        const name = byId(secretId);
        if (name === undefined) {
          [status, body] = awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        } else {
          body = JSON.stringify({
            ARN: arnOf(name),
            Name: name,
            SecretString: options.secrets.get(name),
            VersionId: randomUUID(),
            VersionStages: ['AWSCURRENT'],
            CreatedDate: Math.floor(Date.now() / 1000),
          });
        }
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arnOf,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
