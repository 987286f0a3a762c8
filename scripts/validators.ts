// `npm run validators [-- --check]`: renders each route's request validator from its zod schemas
// (scripts/support/request-validators.ts) into capabilities/http/validators/, each stored record's validator
// (scripts/support/record-validators.ts) into capabilities/records/validators/ and the admin API's request and response
// validators (scripts/support/admin-validators.ts) into capabilities/admin/validators/; --check fails when one is stale.
import path from 'node:path';
import fs from 'node:fs';
import { ROUTES } from '../contracts/routes';
import { renderRequestValidator, validatorFile, writeRequestValidators } from './support/request-validators';
import { recordValidatorFile, renderRecordValidator, STORED_RECORDS, writeRecordValidators } from './support/record-validators';
import { adminValidatorFiles, writeAdminValidators } from './support/admin-validators';
import { type Command, parseFlags, runCommand } from './support/cli';

const USAGE = `usage: npm run validators -- [--check]
  Writes capabilities/http/validators/<route>.ts from contracts/routes/<route>.ts, and
  capabilities/records/validators/<record>.ts from each stored record's zod schema, and
  capabilities/admin/validators/ from contracts/admin/ (requests, responses, index).
  --check   write nothing; exit 1 when a generated validator differs from its schemas`;

export const validatorsCommand: Command = {
  name: 'validators',
  usage: USAGE,
  async run(argv) {
    const { values } = parseFlags(argv, { check: { type: 'boolean' } });
    if (values.check) {
      const differs = (file: string, text: () => string) => !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text();
      const stale = [
        ...ROUTES.filter((route) => differs(validatorFile(route.id), () => renderRequestValidator(route))).map((r) => validatorFile(r.id)),
        ...STORED_RECORDS.filter((record) => differs(recordValidatorFile(record.name), () => renderRecordValidator(record))).map((r) =>
          recordValidatorFile(r.name),
        ),
        ...adminValidatorFiles()
          .filter(({ file, text }) => differs(file, text))
          .map(({ file }) => file),
      ];
      for (const file of stale) console.error(`stale: ${path.relative(process.cwd(), file)} (run npm run validators)`);
      return stale.length === 0 ? 0 : 1;
    }
    const changed = [...writeRequestValidators(ROUTES), ...writeRecordValidators(), ...writeAdminValidators()];
    console.log(changed.length ? `wrote ${changed.map((f) => path.relative(process.cwd(), f)).join(', ')}` : 'validators up to date');
    return 0;
  },
};

runCommand(validatorsCommand, module);
