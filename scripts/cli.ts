/**
 * Command-line parsing for the scripts: node:util's parseArgs plus the two things every script
 * needs around it. `--help` / `-h` prints the usage and exits 0 before anything starts (no broker,
 * no database); an unknown or malformed option prints one line naming it, then the usage, and
 * exits 2 instead of a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function wantsHelp(args: readonly string[] = process.argv.slice(2)): boolean {
  return args.includes('--help') || args.includes('-h');
}

export function parseCli<T extends ParseArgsConfig>(usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  if (wantsHelp(config.args ?? process.argv.slice(2))) {
    console.log(usage.trim());
    process.exit(0);
  }
  try {
    return parseArgs(config); // strict unless the script says otherwise (parseArgs' default)
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage.trim()}`);
    process.exit(2);
  }
}
