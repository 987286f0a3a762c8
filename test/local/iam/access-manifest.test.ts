// The access manifest (docs/access-manifest.json: every access the suites used on the twin with the IAM check on)
// against the dev template, both ways: every use is granted, and every grant is used or says why it is not.
import fs from 'node:fs';
import path from 'node:path';
import { grantKey, isAllowed, type ManifestEntry, unusedGrants } from '../../../local/iam/access-manifest';
import { loadStackAccess, type StackAccess } from '../../../local/iam/stack-policies';
import { STATE_DIR } from '../../../local/state-file';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest: ManifestEntry[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'access-manifest.json'), 'utf8')).uses;

/**
 * Grants the suites do not exercise, each with the reason it stays. Keys: `principal action [key pattern]`, where
 * `*` in a key matches anything (`* logs:*`).
 */
const UNUSED_GRANT_REASONS: Readonly<Record<string, string>> = {
  '* logs:CreateLogStream':
    "Lambda writes a function's logs with its role; the code never calls CloudWatch Logs (the twin's functions log to stdout).",
  '* logs:PutLogEvents': 'Same: the Lambda service, not the code.',
  '* xray:*': "Active tracing: the Lambda service and X-Ray's daemon send the segments; the twin does not trace.",
  '* sqs:GetQueue*':
    'CDK grants GetQueueAttributes/GetQueueUrl with SendMessage and with the SQS event source; the code addresses queues by URL and never reads their attributes.',
  '* dynamodb:GetItem GATE#*':
    "The gate reads a gate item only when a request's units exceed a limit outright (no write could admit them: a quote of more lines than a client's burst or quota, possible only under an override on the shipped plans, whose burst admits the largest quote); the suites over the twin send none (test/capabilities/gate/gate.test.ts does, on DynamoDB Local).",
  'daily-job sqs:SendMessage':
    "The function's dead-letter queue: Lambda sends a failed asynchronous invocation there with the function's role.",
  'alert-sweeper sqs:SendMessage': "Same: the sweeper's dead-letter queue, written by Lambda.",
  'aggregator sqs:ChangeMessageVisibility':
    "Lambda's SQS event source mapping may change visibility with the function's role; the twin's poller lets the timeout run out.",
  'aggregator dynamodb:*':
    'Recovery paths of the exactly-once protocol (an unknown claim-append outcome re-reads the claim page, a journal resumed or finished) and the get/write intents granted together; exercised on DynamoDB Local by test/capabilities/counting, not reached by a healthy twin run.',
  'daily-job dynamodb:*':
    'Archive and re-close paths (counters older than the retention, a closed day run again) and the read/write intents granted together; a fresh twin has nothing old enough to archive; test/capabilities/daily-job covers them on DynamoDB Local.',
  'daily-job events:PutEvents':
    "Announces corrections of closed monthly statements on the alert bus (capabilities/statements/correction-events.ts); the twin's daily job is given no bus and a fresh twin has no closed month to correct; test/capabilities/daily-job/statement-corrections.test.ts covers it.",
  'daily-job s3:ListBucket': 'Lets a missing archive object read as 404 (NoSuchKey) instead of 403 when a day is closed again.',
  'alert-sweeper *':
    "The sweeper's resend and recompute paths run only after an alert step failed; test/capabilities/alerts covers them. The twin's alert steps did not fail.",
  'usage-summary dynamodb:*': 'The read intent grants GetItem, BatchGetItem and Query together; the usage routes Query only.',
  'usage-daily dynamodb:*': 'Same as usage-summary.',
  'admin dynamodb:*': 'The read/write intents grant Get/BatchGet/Query and Put/Update together; the admin use cases use a subset.',
  'operator dynamodb:*': "The operator policy shares the admin function's table intents; the CLIs run in the suites use a subset.",
  'admin apigateway:*':
    "On the twin, key changes go to the twin's own key gateway, not to an emulated API Gateway: these grants are pinned by test/infra/admin-api.test.ts and grants-cover-calls.test.ts.",
  'operator apigateway:*': 'Same as the admin function: the keys CLI with --stage only.',
  'operator cloudformation:*': 'The CLIs read the stack outputs with --stage only; --local reads the state file.',
  'operator logs:FilterLogEvents': "usage:replay --stage reads the route log groups; --local reads the twin's log file.",
  'operator sqs:*': "The DLQ redrive (StartMessageMoveTask and friends) is an AWS runbook step; the twin's DLQ is redriven by its poller.",
  'operator lambda:InvokeFunction': 'job:daily --stage invokes the deployed function; --local runs it in-process.',
  'operator s3:PutObject': 'usage:export --write --stage writes statements; the suites run it against their own emulators.',
  'operator logs:*':
    "keys --stage writes one audit record per change to the admin API's audit log group; --local appends to the twin's audit file.",
  'operator execute-api:Invoke': 'The admin API over IAM on AWS; the twin serves it on loopback with its admin token.',
};

const reasonPattern = (key: string) => new RegExp(`^${key.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
const explained = (grant: string) => Object.keys(UNUSED_GRANT_REASONS).some((key) => reasonPattern(key).test(grant));

jest.setTimeout(120_000);
let access: StackAccess;
beforeAll(async () => {
  access = await loadStackAccess({ stage: 'dev', cacheDir: path.join(STATE_DIR, 'iam') });
});

it('lists uses of every function the twin runs', () => {
  const principals = new Set(manifest.map((entry) => entry.principal));
  expect([...Object.keys(access.functions)].filter((id) => !principals.has(id))).toEqual([]);
});

it('nothing used is missing: the template grants every use the suites recorded', () => {
  const refused = manifest.flatMap((entry) => {
    const { allowed, reason } = isAllowed(access, entry);
    return allowed ? [] : [`${entry.principal} ${entry.action} ${entry.keyFamily ?? entry.resource}: ${reason}`];
  });
  expect(refused).toEqual([]);
});

it('nothing granted is unused, or it says why', () => {
  const unused = unusedGrants(access, manifest).map(grantKey);
  expect(unused.filter((grant) => !explained(grant))).toEqual([]);
  // A reason that explains no unused grant (the grant is used now, or gone) is stale.
  expect(Object.keys(UNUSED_GRANT_REASONS).filter((key) => !unused.some((grant) => reasonPattern(key).test(grant)))).toEqual([]);
});

it('bites: a use the template does not grant is reported', () => {
  const forged: ManifestEntry = {
    principal: 'hello',
    action: 'dynamodb:DeleteItem',
    resource: access.resources.tableArn,
    keyFamily: 'CLIENTS',
  };
  expect(isAllowed(access, forged).allowed).toBe(false);
});
