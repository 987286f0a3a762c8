// `npm run iam:manifest -- --from DIR [--add]`: merges the access the twins used (files TWIN_IAM_RECORD=DIR made
// while the suites ran with the IAM check on) into docs/access-manifest.json, which test/local/iam checks against
// the template both ways (docs/security.md, "The access manifest").
import fs from 'node:fs';
import path from 'node:path';
import { mergeUses, type ManifestEntry } from '../local/iam/access-manifest';
import { type Command, parseFlags, runCommand, UsageError } from './support/cli';

const USAGE = `usage: npm run iam:manifest -- --from DIR [--add]
  Record first:  TWIN_IAM_RECORD=DIR npx jest test/e2e test/contract test/scripts
  --from DIR     the folder of uses-*.json files the twins wrote when they stopped
  --add          keep the entries already in docs/access-manifest.json (default: replace them)`;

const MANIFEST = path.resolve(__dirname, '..', 'docs', 'access-manifest.json');

export const iamManifestCommand: Command = {
  name: 'iam:manifest',
  usage: USAGE,
  async run(argv) {
    const { values } = parseFlags(argv, { from: { type: 'string' }, add: { type: 'boolean' } });
    if (!values.from) throw new UsageError('--from DIR is required');
    const from = values.from;
    const files = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => /^uses-.*\.json$/.test(f)) : [];
    if (files.length === 0) throw new Error(`no uses-*.json in ${from}: run the suites with TWIN_IAM_RECORD=${from} first`);
    const kept: ManifestEntry[] = values.add && fs.existsSync(MANIFEST) ? JSON.parse(fs.readFileSync(MANIFEST, 'utf8')).uses : [];
    const recorded = files.flatMap((file) => JSON.parse(fs.readFileSync(path.join(from, file), 'utf8')) as ManifestEntry[]);
    const uses = mergeUses([...kept, ...recorded]);
    const manifest = {
      about: 'Every AWS access the code was seen to use on the twin with the IAM check on; `npm run iam:manifest` writes it.',
      uses,
    };
    fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`${uses.length} uses from ${files.length} twin runs → ${path.relative(process.cwd(), MANIFEST)}`);
    return 0;
  },
};

runCommand(iamManifestCommand, module);
