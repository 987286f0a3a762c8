// `npm run validators [-- --check]`: renders each route's request validator from its zod schemas
// (scripts/support/request-validators.ts) into capabilities/http/validators/; --check fails when one is stale.
import path from 'node:path';
import fs from 'node:fs';
import { ROUTES } from '../contracts/routes';
import { renderRequestValidator, validatorFile, writeRequestValidators } from './support/request-validators';
import { type Command, parseFlags, runCommand } from './support/cli';

const USAGE = `usage: npm run validators -- [--check]
  Writes capabilities/http/validators/<route>.ts from contracts/routes/<route>.ts.
  --check   write nothing; exit 1 when a generated validator differs from its schemas`;

export const validatorsCommand: Command = {
  name: 'validators',
  usage: USAGE,
  async run(argv) {
    const { values } = parseFlags(argv, { check: { type: 'boolean' } });
    if (values.check) {
      const stale = ROUTES.filter((route) => {
        const file = validatorFile(route.id);
        return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== renderRequestValidator(route);
      });
      for (const route of stale) console.error(`stale: ${path.relative(process.cwd(), validatorFile(route.id))} (run npm run validators)`);
      return stale.length === 0 ? 0 : 1;
    }
    const changed = writeRequestValidators(ROUTES);
    console.log(changed.length ? `wrote ${changed.map((f) => path.relative(process.cwd(), f)).join(', ')}` : 'validators up to date');
    return 0;
  },
};

runCommand(validatorsCommand, module);
