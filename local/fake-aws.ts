// The twin's stand-in AWS identity and the Lambda context it hands to handlers: defined once, here.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_API_ID = 'localtwin';
/** For emulators a test starts on its own (they accept any credentials); the twin makes its own per start. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `size` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
function randomText(alphabet: string, size: number): string {
  let out = '';
  while (out.length < size) {
    for (const byte of randomBytes(size * 2)) {
      if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
      if (out.length === size) break;
    }
  }
  return out;
}

/**
 * The twin's credentials for one start, shaped like AWS's (`AKIA` + 16 base32 characters, a 40-character
 * secret; letters and digits only, which DynamoDB Local requires): handed to its functions and written to
 * its state file, and the only ones its emulators accept where they can check (docs/local-twin.md).
 */
export function newLocalCredentials(): LocalCredentials {
  return { accessKeyId: `AKIA${randomText(BASE32, 16)}`, secretAccessKey: randomText(ALPHANUMERIC, 40) };
}

/** A function's name as the stack would give it: `metered-api-<stage>-<id>`. */
export function localFunctionName(stageName: string, id: string): string {
  return `metered-api-${stageName}-${id}`;
}

/** The Lambda context of one invocation; the remaining time counts down from the function's timeout. */
export function lambdaContext(functionName: string, timeoutMs: number, awsRequestId: string = randomUUID()): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
