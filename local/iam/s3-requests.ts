// S3 calls (REST XML, path-style as the twin's clients send them: the bucket is the first path segment) as the requests
// AWS authorizes, per the S3 API reference's "Permissions" sections: HeadObject needs s3:GetObject ("To use HEAD, you
// must have the s3:GetObject permission", API_HeadObject.html), listing a bucket is s3:ListBucket on the bucket ARN
// with s3:prefix/s3:delimiter when the request carries them and s3:max-keys ("always present in the request when you
// perform the ListBucket operation", IAM User Guide, reference_policies_elements_condition_operators.html), CopyObject
// is s3:PutObject on the target plus s3:GetObject on the source, multipart uploads are s3:PutObject. A sub-resource
// this reader does not know (`?acl`, `?website`…) is an error rather than a guess.
import type { AwsCall, AwsEnvironment, DraftOperation, DraftRequest } from './aws-call';
import type { ConditionValue } from './policy-types';

type Context = Record<string, ConditionValue | undefined>;

/** What S3 lists as `s3:x-amz-*` condition keys are the request's headers of the same name. */
function headerContext(call: AwsCall): Context {
  const context: Context = {};
  for (const [name, value] of Object.entries(call.headers)) if (name.startsWith('x-amz-')) context[`s3:${name}`] = value;
  const authorization = call.headers.authorization ?? '';
  context['s3:authType'] = authorization ? 'REST-HEADER' : call.query.has('X-Amz-Signature') ? 'REST-QUERY-STRING' : 'POST';
  if (authorization.startsWith('AWS4-HMAC-SHA256') || call.query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256')
    context['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
  return context;
}

function objectArn(env: AwsEnvironment, bucket: string, key: string): string {
  return `arn:${env.partition}:s3:::${bucket}/${key}`;
}

/** `x-amz-copy-source: /bucket/key` (or `bucket/key`, percent-encoded, maybe with `?versionId=`). */
function copySource(call: AwsCall, env: AwsEnvironment): DraftRequest {
  const source = decodeURIComponent((call.headers['x-amz-copy-source'] ?? '').split('?')[0]).replace(/^\//, '');
  const slash = source.indexOf('/');
  return { action: 's3:GetObject', resource: objectArn(env, source.slice(0, slash), source.slice(slash + 1)), context: {} };
}

const BUCKET_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, [operation: string, action: string]>>>> = {
  GET: {
    location: ['GetBucketLocation', 'GetBucketLocation'],
    policy: ['GetBucketPolicy', 'GetBucketPolicy'],
    tagging: ['GetBucketTagging', 'GetBucketTagging'],
    versioning: ['GetBucketVersioning', 'GetBucketVersioning'],
    lifecycle: ['GetBucketLifecycleConfiguration', 'GetLifecycleConfiguration'],
    encryption: ['GetBucketEncryption', 'GetEncryptionConfiguration'],
    notification: ['GetBucketNotificationConfiguration', 'GetBucketNotification'],
    versions: ['ListObjectVersions', 'ListBucketVersions'],
    uploads: ['ListMultipartUploads', 'ListBucketMultipartUploads'],
  },
  PUT: {
    policy: ['PutBucketPolicy', 'PutBucketPolicy'],
    tagging: ['PutBucketTagging', 'PutBucketTagging'],
    versioning: ['PutBucketVersioning', 'PutBucketVersioning'],
    lifecycle: ['PutBucketLifecycleConfiguration', 'PutLifecycleConfiguration'],
    encryption: ['PutBucketEncryption', 'PutEncryptionConfiguration'],
    notification: ['PutBucketNotificationConfiguration', 'PutBucketNotification'],
  },
  DELETE: {
    policy: ['DeleteBucketPolicy', 'DeleteBucketPolicy'],
    tagging: ['DeleteBucketTagging', 'PutBucketTagging'],
    lifecycle: ['DeleteBucketLifecycle', 'PutLifecycleConfiguration'],
  },
};

/** Query parameters that are options of a call rather than sub-resources (`?acl` and the like change the operation). */
const PLAIN_PARAMETERS = new Set([
  'x-id',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'marker',
  'versionId',
  'partNumber',
]);

/** Refuses a query naming a sub-resource this reader does not map (it would otherwise read as a plain Get/Put). */
function refuseUnknownParameters(call: AwsCall, known: readonly string[]): void {
  for (const name of call.query.keys()) {
    if (PLAIN_PARAMETERS.has(name) || known.includes(name) || name.startsWith('response-') || name.startsWith('X-Amz-')) continue;
    throw new Error(`s3: unsupported sub-resource ?${name} on ${call.method} ${call.path}`);
  }
}

/** The sub-resource named in the query (`?tagging`), ignoring the SDK's `x-id` and the listing parameters. */
function subresource(call: AwsCall, known: Readonly<Record<string, unknown>>): string | undefined {
  for (const name of call.query.keys()) if (name in known) return name;
  return undefined;
}

function bucketRequest(call: AwsCall, env: AwsEnvironment, bucket: string): DraftOperation {
  const arn = `arn:${env.partition}:s3:::${bucket}`;
  const method = call.method.toUpperCase();
  const known = BUCKET_SUBRESOURCES[method] ?? {};
  const sub = subresource(call, known);
  refuseUnknownParameters(call, [...Object.keys(known), 'delete']);
  if (sub) {
    const [operation, action] = known[sub];
    return { operation, drafts: [{ action: `s3:${action}`, resource: arn, context: {} }] };
  }
  if (method === 'GET' || method === 'HEAD') {
    const operation = method === 'HEAD' ? 'HeadBucket' : call.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    const context: Context = { 's3:max-keys': Number(call.query.get('max-keys') ?? 1000) };
    if (call.query.has('prefix')) context['s3:prefix'] = call.query.get('prefix') ?? '';
    if (call.query.has('delimiter')) context['s3:delimiter'] = call.query.get('delimiter') ?? '';
    return { operation, drafts: [{ action: 's3:ListBucket', resource: arn, context: method === 'HEAD' ? {} : context }] };
  }
  if (method === 'PUT' && [...call.query.keys()].every((name) => name === 'x-id')) {
    return { operation: 'CreateBucket', drafts: [{ action: 's3:CreateBucket', resource: arn, context: {} }] };
  }
  if (method === 'DELETE' && [...call.query.keys()].every((name) => name === 'x-id')) {
    return { operation: 'DeleteBucket', drafts: [{ action: 's3:DeleteBucket', resource: arn, context: {} }] };
  }
  if (method === 'POST' && call.query.has('delete')) {
    const keys = [...call.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => decodeXml(match[1]));
    return {
      operation: 'DeleteObjects',
      drafts: keys.map((key) => ({ action: 's3:DeleteObject', resource: objectArn(env, bucket, key), context: {} })),
    };
  }
  throw new Error(`s3: unsupported bucket request ${method} /${bucket}?${call.query}`);
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function objectRequest(call: AwsCall, env: AwsEnvironment, bucket: string, key: string): DraftOperation {
  const arn = objectArn(env, bucket, key);
  const method = call.method.toUpperCase();
  const has = (name: string) => call.query.has(name);
  const versioned = has('versionId');
  refuseUnknownParameters(call, ['tagging', 'uploadId', 'uploads', 'attributes', 'acl', 'restore']);
  const one = (operation: string, action: string, context: Context = {}): DraftOperation => ({
    operation,
    drafts: [{ action: `s3:${action}`, resource: arn, context }],
  });
  if (method === 'GET' || method === 'HEAD') {
    if (has('tagging')) return one('GetObjectTagging', versioned ? 'GetObjectVersionTagging' : 'GetObjectTagging');
    if (has('uploadId')) return one('ListParts', 'ListMultipartUploadParts');
    if (has('attributes')) return one('GetObjectAttributes', versioned ? 'GetObjectVersionAttributes' : 'GetObjectAttributes');
    if (has('acl')) return one('GetObjectAcl', versioned ? 'GetObjectVersionAcl' : 'GetObjectAcl');
    return one(method === 'HEAD' ? 'HeadObject' : 'GetObject', versioned ? 'GetObjectVersion' : 'GetObject', headerContext(call));
  }
  if (method === 'PUT') {
    if (has('tagging')) return one('PutObjectTagging', versioned ? 'PutObjectVersionTagging' : 'PutObjectTagging');
    if (has('acl')) return one('PutObjectAcl', versioned ? 'PutObjectVersionAcl' : 'PutObjectAcl');
    const copying = call.headers['x-amz-copy-source'] !== undefined;
    const operation = has('uploadId') ? (copying ? 'UploadPartCopy' : 'UploadPart') : copying ? 'CopyObject' : 'PutObject';
    const put: DraftRequest = { action: 's3:PutObject', resource: arn, context: headerContext(call) };
    return { operation, drafts: copying ? [put, copySource(call, env)] : [put] };
  }
  if (method === 'POST') {
    if (has('uploads')) return one('CreateMultipartUpload', 'PutObject', headerContext(call));
    if (has('uploadId')) return one('CompleteMultipartUpload', 'PutObject');
    if (has('restore')) return one('RestoreObject', 'RestoreObject');
  }
  if (method === 'DELETE') {
    if (has('uploadId')) return one('AbortMultipartUpload', 'AbortMultipartUpload');
    if (has('tagging')) return one('DeleteObjectTagging', versioned ? 'DeleteObjectVersionTagging' : 'DeleteObjectTagging');
    return one('DeleteObject', versioned ? 'DeleteObjectVersion' : 'DeleteObject');
  }
  throw new Error(`s3: unsupported object request ${method} /${bucket}/${key}?${call.query}`);
}

export function s3Requests(call: AwsCall, env: AwsEnvironment): DraftOperation {
  const [, bucketSegment = '', ...keySegments] = call.path.split('/');
  if (bucketSegment === '') return { operation: 'ListBuckets', drafts: [{ action: 's3:ListAllMyBuckets', resource: '*', context: {} }] };
  const bucket = decodeURIComponent(bucketSegment);
  const key = keySegments.map(decodeURIComponent).join('/');
  const { operation, drafts } = key === '' ? bucketRequest(call, env, bucket) : objectRequest(call, env, bucket, key);
  // Every request carries the bucket owner's account (s3:ResourceAccount: the twin's buckets are all its own).
  const owned = drafts.map((draft) => ({ ...draft, context: { 's3:ResourceAccount': env.account, ...draft.context } }));
  // The SDK names the operation in `x-id` for most object calls; it is the more precise name when present.
  return { operation: call.query.get('x-id') ?? operation, drafts: owned };
}
