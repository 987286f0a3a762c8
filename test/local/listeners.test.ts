// What another machine, a web page or a leaked repository credential can reach of a running twin: every TCP
// listener of its whole process tree is on loopback, nothing answers on this machine's other addresses, and the
// emulators refuse the repository's fixed credentials, foreign Host names (DNS rebinding) and browsers.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startTwin, type Twin } from '../../local/twin';
import { twinClientConfig } from '../../local/state-file';
import { LOCAL_CREDENTIALS, LOCAL_REGION, newLocalCredentials } from '../../local/fake-aws';

let twin: Twin;

beforeAll(async () => {
  twin = await startTwin({ port: 0, quiet: true, dailySchedule: false, alertSweep: false });
}, 90_000);

afterAll(async () => {
  await twin?.stop();
});

interface Listener {
  readonly pid: number;
  readonly address: string;
  readonly port: number;
}

/** This process and every process below it (children of children too), from /proc/<pid>/stat. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** `0100007F` → 127.0.0.1; 32 hex digits (four little-endian words) → an IPv6 address. */
function decodeAddress(hex: string): string {
  const word = (h: string) => [6, 4, 2, 0].map((i) => parseInt(h.slice(i, i + 2), 16));
  if (hex.length === 8) return word(hex).join('.');
  const bytes = [0, 8, 16, 24].flatMap((i) => word(hex.slice(i, i + 8)));
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  const text = groups.join(':');
  return text.startsWith('0:0:0:0:0:ffff:') ? `::ffff:${bytes.slice(12).join('.')}` : text.replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Every listening TCP socket (IPv4 and IPv6) owned by a process of the tree, found by socket inode. */
function listeners(pids: readonly number[]): Listener[] {
  const owner = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode) owner.set(inode, pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  const found: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, , state] = fields.slice(1, 4);
      const pid = owner.get(fields[9]);
      if (state !== '0A' || pid === undefined) continue; // 0A: LISTEN
      const [hex, port] = local.split(':');
      found.push({ pid, address: decodeAddress(hex), port: parseInt(port, 16) });
    }
  }
  return found;
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

const portOf = (url: string) => Number(new URL(url).port);

describe('listeners of the twin and of every process it started', () => {
  test('all are on loopback: the gateway, DynamoDB Local, fauxqs and the event bus', () => {
    const tree = processTree(process.pid);
    const found = listeners(tree);
    console.log(`listening sockets of pids ${tree.join(', ')}: ${found.map((l) => `${l.pid} ${l.address}:${l.port}`).join(', ')}`);
    const expected = [twin.baseUrl, twin.state.dynamoEndpoint, twin.state.sqsEndpoint, process.env.AWS_ENDPOINT_URL_EVENTBRIDGE!].map(
      portOf,
    );
    expect(found.map((l) => l.port)).toEqual(expect.arrayContaining(expected));
    // DynamoDB Local and fauxqs run in processes of their own, so the tree is really walked.
    expect(new Set(found.filter((l) => l.pid !== process.pid).map((l) => l.port))).toEqual(
      new Set([twin.emulators.dynamo, twin.emulators.sqs].map(portOf)),
    );
    expect(found.filter((l) => !isLoopback(l.address))).toEqual([]);
  });

  test('the scan reports a listener on all interfaces (the check can fail)', async () => {
    const open = net.createServer();
    await new Promise<void>((resolve) => open.listen(0, '0.0.0.0', resolve));
    const { port } = open.address() as net.AddressInfo;
    try {
      const wide = listeners(processTree(process.pid)).filter((l) => !isLoopback(l.address));
      expect(wide).toEqual([{ pid: process.pid, address: '0.0.0.0', port }]);
    } finally {
      await new Promise((resolve) => open.close(resolve));
    }
  });

  test("nothing of the twin answers on this machine's other addresses", async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && a.family === 'IPv4')
      .map((a) => a.address);
    if (others.length === 0) console.log('no non-loopback IPv4 address on this machine: nothing to try');
    const ports = [
      twin.baseUrl,
      twin.state.dynamoEndpoint,
      twin.state.sqsEndpoint,
      process.env.AWS_ENDPOINT_URL_EVENTBRIDGE!,
      twin.emulators.dynamo,
      twin.emulators.sqs,
      twin.emulators.events,
    ].map(portOf);
    for (const address of others) {
      for (const port of ports) {
        const outcome = await new Promise<string>((resolve) => {
          const socket = net.connect({ host: address, port, timeout: 2_000 });
          socket.once('connect', () => resolve('connected'));
          socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
          socket.once('timeout', () => resolve('timeout'));
        }).finally(() => undefined);
        expect(`${address}:${port} ${outcome}`).toBe(`${address}:${port} ECONNREFUSED`);
      }
    }
  });
});

describe('credentials', () => {
  test('each start makes its own, shaped like AWS keys; the state file holds them', () => {
    const a = newLocalCredentials();
    const b = newLocalCredentials();
    expect(a.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(a.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.secretAccessKey).not.toBe(b.secretAccessKey);
    expect(twin.state.credentials).toEqual({ accessKeyId: expect.stringMatching(/^AKIA/), secretAccessKey: expect.any(String) });
    expect(twin.state.credentials!.accessKeyId).not.toBe(LOCAL_CREDENTIALS.accessKeyId);
    // The functions' keys are their own (the IAM check knows them by their caller stamp), not the operator's.
    expect(process.env.AWS_ACCESS_KEY_ID).toMatch(/^AKIA/);
    expect(process.env.AWS_ACCESS_KEY_ID).not.toBe(twin.state.credentials!.accessKeyId);
  });

  test("the twin refuses the repository's fixed credentials with AWS's errors, and judges the state file's as the operator", async () => {
    const fixed = { credentials: LOCAL_CREDENTIALS };
    const sqs = (extra = {}) => new SQSClient({ ...twinClientConfig(twin.state, 'sqs'), ...extra });
    const s3 = (extra = {}) => new S3Client({ ...twinClientConfig(twin.state, 's3'), ...extra });
    const events = (extra = {}) =>
      new EventBridgeClient({
        endpoint: process.env.AWS_ENDPOINT_URL_EVENTBRIDGE,
        region: LOCAL_REGION,
        credentials: twin.state.credentials,
        ...extra,
      });
    const put = new PutEventsCommand({ Entries: [{ EventBusName: 'metered-api-dev-alerts', Source: 's', DetailType: 'd', Detail: '{}' }] });
    const attributes = new GetQueueAttributesCommand({
      QueueUrl: twin.state.usageQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    const list = new ListObjectsV2Command({ Bucket: twin.state.archiveBucket, Prefix: 'statements/' });

    await expect(sqs(fixed).send(attributes)).rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
    await expect(s3(fixed).send(list)).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
    await expect(events(fixed).send(put)).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(
      new DynamoDBClient({ ...twinClientConfig(twin.state, 'dynamodb'), ...fixed }).send(new ListTablesCommand({})),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });

    // The state file's keys are the operator's: what the operator policy grants works, the rest is AccessDenied.
    expect((await sqs().send(attributes)).Attributes?.ApproximateNumberOfMessages).toBeDefined();
    expect((await s3().send(list)).$metadata.httpStatusCode).toBe(200);
    await expect(events().send(put)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('a page that rebinds its DNS name to 127.0.0.1, or calls from a browser', () => {
  const send = (port: number, headers: Record<string, string>, method = 'POST') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: '/', headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });
  const signed = () => ({
    authorization: `AWS4-HMAC-SHA256 Credential=${twin.emulators.credentials.accessKeyId}/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    'content-type': 'application/x-amz-json-1.0',
  });

  test.each([
    ['DynamoDB Local', () => twin.emulators.dynamo, 404],
    ['fauxqs', () => twin.emulators.sqs, 403],
    ['the event bus', () => twin.emulators.events, 403],
    ["the IAM check's proxies", () => twin.state.dynamoEndpoint, 403],
  ])('%s refuses a Host that is not loopback', async (_name, endpoint, status) => {
    const port = portOf(endpoint());
    expect((await send(port, { ...signed(), host: `attacker.example:${port}` })).status).toBe(status);
    expect((await send(port, { ...signed(), host: `localhost:${port}`, 'x-amz-target': 'DynamoDB_20120810.ListTables' })).status).not.toBe(
      status,
    );
  });

  test('fauxqs and the event bus refuse anything a browser sends (it carries an Origin)', async () => {
    for (const endpoint of [twin.emulators.sqs, twin.emulators.events]) {
      const port = portOf(endpoint);
      expect((await send(port, { ...signed(), host: `127.0.0.1:${port}`, origin: 'https://attacker.example' })).status).toBe(403);
    }
  });

  test("DynamoDB Local's CORS preflight allows no origin, so a browser never sends the request", async () => {
    const port = portOf(twin.state.dynamoEndpoint);
    const preflight = await send(
      port,
      {
        host: `127.0.0.1:${port}`,
        origin: 'https://attacker.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-amz-target',
      },
      'OPTIONS',
    );
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
