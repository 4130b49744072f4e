import { readdirSync } from 'node:fs';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '../fixtures');

/**
 * The apps of the static analysis. `agent-*` apps belong to the runtime agent's tests: they pick
 * their framework from an environment variable at run time, and are checked by running them.
 */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('agent-'))
    .map((e) => e.name)
    .sort();
}

export const fixture = (name: string): string => path.join(FIXTURES, name);
