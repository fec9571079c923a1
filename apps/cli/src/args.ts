/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags a command accepts: name → takes no value, one value, or one value each time it is given. */
export type FlagSpec = Readonly<Record<string, 'boolean' | 'string' | 'strings'>>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | boolean>;
  /** The values of repeatable (`strings`) flags, in order; [] when not given. */
  readonly lists: Record<string, string[]>;
}

/**
 * Parses `--flag`, `--flag value` and `--flag=value` against `spec`; anything unknown is a
 * {@link UsageError} naming it.
 */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const lists: Record<string, string[]> = Object.fromEntries(Object.entries(spec).filter(([, kind]) => kind === 'strings').map(([name]) => [name, []]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.replace(/^--?/, '').slice(0, eq === -1 ? undefined : eq - (arg.startsWith('--') ? 2 : 1));
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec).map((flag) => `--${flag}`);
      throw new UsageError(`unknown option '${arg}'${known.length ? `; options: ${known.join(', ')}` : ''}`);
    }
    if (kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`option '--${name}' takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`option '--${name}' needs a value`);
    if (kind === 'strings') lists[name].push(value);
    else flags[name] = value;
  }
  return { positionals, flags, lists };
}
