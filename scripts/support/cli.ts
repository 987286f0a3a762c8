// The kit every command in scripts/ is built with: one usage error, one exit-code convention, `--help` on every
// command, flags parsed one way. An entry declares a `Command` and hands it to `runCommand`.
//
// Exit codes (docs/operations.md, "Command-line conventions"):
//   0  done (and `--help`)
//   1  the command ran and failed: an AWS or twin error, or a failure it reports (reconcile's differences,
//      replay's unsent events, a failing smoke check)
//   2  wrong usage: an unknown flag, a missing or malformed value; nothing was done
// Errors are one line on stderr, `<command>: <message>`; a usage error prints the command's usage after it.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Wrong usage: exit 2. `withUsage: false` for a well-formed command with a value it refuses (one line only). */
export class UsageError extends Error {
  readonly withUsage: boolean;

  constructor(message: string, options: { readonly withUsage?: boolean } = {}) {
    super(message);
    this.name = 'UsageError';
    this.withUsage = options.withUsage ?? true;
  }
}

export interface Command {
  /** As `npm run` names it (`keys`, `job:daily`): the prefix of every error line. */
  readonly name: string;
  /** Starts with `usage: npm run <name> -- …`; printed by `--help` and after a usage error. */
  readonly usage: string;
  /** Does the work; resolves to the exit code when it is not 0 (a reported failure). */
  readonly run: (argv: string[]) => Promise<number | undefined>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags as node:util parses them, with `--help` / `-h` known to every command; a parse error is a usage error. */
export function parseFlags<const O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Runs a command with argv and returns its exit code, printing as the convention above says. */
export async function execute(command: Command, argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(command.usage);
    return 0;
  }
  try {
    return (await command.run(argv)) ?? 0;
  } catch (error) {
    console.error(`${command.name}: ${(error as Error).message}`);
    if (error instanceof UsageError) {
      if (error.withUsage) console.error(command.usage);
      return 2;
    }
    return 1;
  }
}

/**
 * The entry point of a command's file: runs it when the file is the program, not when a test imports it, and exits
 * when it is done (open SDK connections do not keep the process alive).
 */
export function runCommand(command: Command, entry: NodeModule): void {
  if (require.main !== entry) return;
  void execute(command, process.argv.slice(2)).then((code) => process.exit(code));
}
