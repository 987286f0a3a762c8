// fauxqs (SQS + S3) as the twin runs it, in a child process: every listener on loopback (fauxqs itself listens
// on all interfaces, with no option to change it), and a request refused, in SQS's or S3's own error shape,
// unless its Host names loopback, no browser sent it and it is signed with the twin's access key id.
// Environment: FAUXQS_PORT, TWIN_ACCESS_KEY_ID (none: any key), FAUXQS_DATA_DIR (none: in memory).
import { bindLoopbackOnly, emulatorRefusal, guardHttpRequests, LOOPBACK_ADDRESS } from './loopback-guard.mjs';

const accessKeyId = process.env.TWIN_ACCESS_KEY_ID || undefined;
const dataDir = process.env.FAUXQS_DATA_DIR || undefined;

const REFUSALS = {
  host: { code: 'AccessDenied', message: 'The twin accepts requests addressed to 127.0.0.1 or localhost only.' },
  origin: { code: 'AccessDenied', message: 'The twin does not accept requests from a browser.' },
};

/** SQS (JSON protocol) answers with a JSON error; S3 with its XML one. */
function reply(req, res, reason) {
  const sqs = String(req.headers['x-amz-target'] ?? '').startsWith('AmazonSQS');
  if (sqs) {
    const { code, message } =
      reason === 'credentials'
        ? { code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' }
        : REFUSALS[reason];
    res.writeHead(403, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${code};Sender` });
    res.end(JSON.stringify({ __type: `com.amazon.coral.service#${code}`, message }));
    return;
  }
  const { code, message } =
    reason === 'credentials'
      ? { code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' }
      : REFUSALS[reason];
  res.writeHead(403, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

bindLoopbackOnly();
guardHttpRequests((req) => emulatorRefusal(req, accessKeyId), reply);
const { startFauxqs } = await import('fauxqs');
await startFauxqs({ port: Number(process.env.FAUXQS_PORT), host: LOOPBACK_ADDRESS, logger: false, ...(dataDir ? { dataDir } : {}) });
