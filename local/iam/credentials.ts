// Random AWS-shaped credentials, made per twin start: the operator's (written to the state file for the
// CLIs) and the functions' (which name no principal: functions are known by their caller stamp).
import { randomBytes } from 'node:crypto';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function randomCredentials(): Credentials {
  const id = [...randomBytes(16)].map((byte) => KEY_ID_ALPHABET[byte % 32]).join('');
  return { accessKeyId: `ASIA${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}
