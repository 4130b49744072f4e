import { ChainAnalyzer } from '../analysis/analyzer';
// Command-line parsing for `mwchain`: positional DIR, `--flag value` and `--flag=value`.
export class UsageError extends Error {}

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['format', 'route', 'app', 'fail-on']);
const BOOLEAN_FLAGS = new Set(['help', 'version', 'performance']);

export function parseArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') flags.set('help', true);
    else if (a === '-v') flags.set('version', true);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (VALUE_FLAGS.has(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        flags.set(name, value);
      } else if (BOOLEAN_FLAGS.has(name) && eq < 0) {
        flags.set(name, true);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else positionals.push(a);
  }
  return { command: positionals.shift(), positionals, flags };
}

export function choice<T extends string>(
  flags: ParsedArgs['flags'],
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got ${String(v)})`);
  }
  return v as T;
}

/** The one directory a command works on (default: here), opened for analysis. */
export function openWorkspace(
  command: string,
  args: ParsedArgs,
  err: (s: string) => void,
): { dir: string; analyzer: ChainAnalyzer } {
  if (args.positionals.length > 1)
    throw new UsageError(`${command} takes one directory, got ${args.positionals.length}`);
  const dir = args.positionals[0] ?? '.';
  try {
    return { dir, analyzer: ChainAnalyzer.open(dir, { onProgress: (m) => err(`mwchain: ${m}`) }) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
