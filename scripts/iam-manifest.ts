// `npm run iam:manifest -- --from DIR`: merges the access the twins used (files TWIN_IAM_RECORD=DIR made while
// the suites ran with the IAM check on) into docs/access-manifest.json, which test/local/iam checks against the
// template both ways.
import fs from 'node:fs';
import path from 'node:path';
import { mergeUses, type ManifestEntry } from '../local/iam/access-manifest';

const USAGE = `usage: npm run iam:manifest -- --from DIR [--add]
  Record first:  TWIN_IAM_RECORD=DIR npx jest test/e2e test/contract test/scripts
  --from DIR     the folder of uses-*.json files the twins wrote when they stopped
  --add          keep the entries already in docs/access-manifest.json (default: replace them)`;

const MANIFEST = path.resolve(__dirname, '..', 'docs', 'access-manifest.json');

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const from = argv[argv.indexOf('--from') + 1];
  if (!argv.includes('--from') || !from || from.startsWith('--')) {
    console.error(`--from DIR is required\n${USAGE}`);
    return 2;
  }
  const files = fs.existsSync(from) ? fs.readdirSync(from).filter((f) => /^uses-.*\.json$/.test(f)) : [];
  if (files.length === 0) {
    console.error(`no uses-*.json in ${from}: run the suites with TWIN_IAM_RECORD=${from} first`);
    return 1;
  }
  const kept: ManifestEntry[] = argv.includes('--add') && fs.existsSync(MANIFEST) ? JSON.parse(fs.readFileSync(MANIFEST, 'utf8')).uses : [];
  const uses = mergeUses([
    ...kept,
    ...files.flatMap((file) => JSON.parse(fs.readFileSync(path.join(from, file), 'utf8')) as ManifestEntry[]),
  ]);
  const manifest = {
    about: 'Every AWS access the code was seen to use on the twin with the IAM check on; `npm run iam:manifest` writes it.',
    uses,
  };
  fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${uses.length} uses from ${files.length} twin runs → ${path.relative(process.cwd(), MANIFEST)}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
