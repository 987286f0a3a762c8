// The running twin's state file, `.local-state/twin-<PORT>.json`: how `npm run keys -- --local` and
// `npm run job:daily -- --local` find the emulators of the twin started with the same PORT.
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './fake-aws';
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

export const STATE_DIR = path.resolve(__dirname, '..', '.local-state');
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';

export const twinState = z.object({
  port: z.number().int(),
  host: z.string(),
  baseUrl: z.string(),
  pid: z.number().int(),
  dynamoEndpoint: z.string(),
  sqsEndpoint: z.string(),
  s3Endpoint: z.string(),
  tableName: z.string(),
  usageQueueUrl: z.string(),
  deadLetterQueueUrl: z.string(),
  archiveBucket: z.string(),
  /** The in-process Lambdas' JSON log lines (the twin's CloudWatch Logs). */
  lambdaLogFile: z.string().optional(),
  /** Quota alert events the twin's stand-in EventBridge received, one JSON object per line (`npm run events -- --local`). */
  eventLogFile: z.string().optional(),
  /** API Gateway's per-key usage as the twin's usage plans count it (read by `npm run reconcile -- --local`). */
  gatewayUsageFile: z.string().optional(),
  /**
   * The CLIs' credentials for `--local` (random per start): the operator's, whose calls the twin's IAM check judges
   * against the operator policy (with `--iam off`, the twin's own, the only ones its emulators accept).
   */
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }).optional(),
  /** The admin routes' token (`Authorization: Bearer <token>`), in place of IAM on the twin; every state-changing `/_twin/` route needs it too. */
  adminToken: z.string().optional(),
  /** The dashboard's read-only token (the fragment of the dashboard link `npm start` prints). */
  dashboardToken: z.string().optional(),
  /** The admin API's audit records (JSON lines). */
  adminAuditFile: z.string().optional(),
  /**
   * The twin's Stripe emulator and the Secrets Manager shim that serves its key (`npm run billing:push -- --local`):
   * the secret's name only; the key itself lives in the twin's memory, never in this file.
   */
  stripe: z.object({ endpoint: z.string(), secretsEndpoint: z.string(), secretId: z.string() }).optional(),
});
export type TwinState = z.infer<typeof twinState>;

export function stateFilePath(port: number, dir = STATE_DIR): string {
  return path.join(dir, `twin-${port}.json`);
}

/** Where `npm start` files the Lambdas' log lines for the twin on this port. */
export function lambdaLogPath(port: number, dir = STATE_DIR): string {
  return path.join(dir, `twin-${port}-lambda.log`);
}

/** Where `npm start` appends the quota alert events (EventBridge's, on AWS) for the twin on this port. */
export function eventLogPath(port: number, dir = STATE_DIR): string {
  return path.join(dir, `twin-${port}-events.log`);
}

/** Where `npm start` appends the admin API's audit records (JSON lines) for the twin on this port. */
export function adminAuditPath(port: number, dir = STATE_DIR): string {
  return path.join(dir, `twin-${port}-admin-audit.log`);
}

/** Where `npm start` keeps the gateway's per-key usage (plan → key hash → day → requests) for the twin on this port. */
export function gatewayUsagePath(port: number, dir = STATE_DIR): string {
  return path.join(dir, `twin-${port}-gateway-usage.json`);
}

export function writeStateFile(state: TwinState, dir = STATE_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = stateFilePath(state.port, dir);
  // It holds the admin token: readable by its owner only.
  fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

export function removeStateFile(port: number, dir = STATE_DIR): void {
  fs.rmSync(stateFilePath(port, dir), { force: true });
}

/** The port the CLIs look for: `PORT` as `npm start` reads it, else 3000. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return env.PORT ? Number(env.PORT) : DEFAULT_PORT;
}

/**
 * Reads the state of the twin on `port`; throws a one-line error when none runs there (no file, or
 * its process is gone).
 */
export function readTwinState(port = portFromEnv(), dir = STATE_DIR): TwinState {
  const file = stateFilePath(port, dir);
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no local twin on port ${port}: start one with \`PORT=${port} npm start\` (no ${path.relative(process.cwd(), file)})`);
  }
  const state = twinState.parse(JSON.parse(raw));
  if (!processAlive(state.pid)) {
    throw new Error(`no local twin on port ${port}: process ${state.pid} in ${path.relative(process.cwd(), file)} is gone`);
  }
  return state;
}

/**
 * SDK client settings for the twin's emulators, for scripts that talk to them directly: the twin's credentials of
 * this start (a state file a test writes for emulators it started itself may leave them out: those accept any).
 */
export function twinClientConfig(state: TwinState, service: 'dynamodb' | 'sqs' | 's3') {
  const endpoint = service === 'dynamodb' ? state.dynamoEndpoint : service === 'sqs' ? state.sqsEndpoint : state.s3Endpoint;
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: state.credentials ?? LOCAL_CREDENTIALS,
    ...(service === 's3' ? { forcePathStyle: true } : {}),
  };
}

/** Whether a process of this pid runs (one of another user's answers EPERM: it runs). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
