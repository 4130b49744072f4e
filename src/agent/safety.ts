// The agent must never hurt the app: an internal failure writes one warning line to stderr
// and the agent steps aside (every hook checks `active` and falls through to the original).
const warned = new Set<string>();

export const state = { active: true };

/** One line to stderr, at most once per `key` (the message itself by default). */
export function warn(message: string, key = message): void {
  if (warned.has(key)) return;
  warned.add(key);
  try {
    process.stderr.write(`mwchain agent: ${message}\n`);
  } catch {
    // stderr closed: nothing left to tell
  }
}

/** An internal failure: say so once and stop instrumenting. */
export function stepAside(error: unknown): void {
  if (!state.active) return;
  state.active = false;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  warn(`internal error, instrumentation disabled for the rest of this process: ${firstLines(detail)}`);
}

/** Runs agent bookkeeping; a failure disables the agent instead of reaching the app. */
export function guarded<T>(work: () => T): T | undefined {
  if (!state.active) return undefined;
  try {
    return work();
  } catch (error) {
    stepAside(error);
    return undefined;
  }
}

function firstLines(text: string): string {
  return text.split('\n').slice(0, 3).join(' | ');
}
