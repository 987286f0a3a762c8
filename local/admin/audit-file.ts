// The twin's admin audit log: one JSON line per record, appended to a file beside its other logs
// (what the dedicated CloudWatch log group holds on AWS).
import fs from 'node:fs';
import path from 'node:path';
import type { AuditLog } from '../../capabilities/admin/audit-log';

export function jsonLinesAuditLog(file: string): AuditLog {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return {
    async write(record) {
      await fs.promises.appendFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    },
  };
}
