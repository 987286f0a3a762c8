// Where admin audit records go: a port with one method, and its CloudWatch Logs adapter (a dedicated log
// group; one stream per execution environment, created on first write). The twin's adapter is a file.
import { randomUUID } from 'node:crypto';
import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import type { AuditRecord } from '../../contracts/admin/audit';
import { utcDay } from '../usage/calendar-days';

export interface AuditLog {
  /** Resolves once the record is stored. */
  write(record: AuditRecord): Promise<void>;
}

export function cloudWatchAuditLog(client: CloudWatchLogsClient, logGroupName: string): AuditLog {
  const logStreamName = `${utcDay(new Date()).replaceAll('-', '/')}/${randomUUID()}`;
  let stream: Promise<void> | undefined;
  const createStream = async () => {
    try {
      await client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    } catch (error) {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    }
  };
  return {
    async write(record) {
      stream ??= createStream().catch((error: unknown) => {
        stream = undefined; // try again on the next record
        throw error;
      });
      await stream;
      await client.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: [{ timestamp: Date.parse(record.at), message: JSON.stringify(record) }],
        }),
      );
    },
  };
}
