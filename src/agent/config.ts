// The agent's switches, read once from the environment (CONTRACT.md §4).
import { AGENT_ENV, type BreakKind } from '../protocol/agent-messages';

export const BREAK_KINDS: readonly BreakKind[] = [
  'crossing',
  'unterminated-middleware',
  'double-response',
  'unhandled-async-error',
  'unawaited-next',
  'escaping-async-throw',
];

export interface AgentConfig {
  off: boolean;
  traceFile: string | undefined;
  hangMs: number;
  breakKinds: Set<BreakKind>;
  controlPath: string | undefined;
  controlToken: string;
}

export function readConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const hang = Number(env[AGENT_ENV.hangMs]);
  return {
    off: /^(off|0|false)$/i.test(env[AGENT_ENV.off] ?? ''),
    traceFile: env[AGENT_ENV.trace] || undefined,
    hangMs: Number.isFinite(hang) && hang > 0 ? hang : 5000,
    breakKinds: parseBreakKinds(env[AGENT_ENV.break] ?? ''),
    controlPath: env[AGENT_ENV.control] || undefined,
    controlToken: env[AGENT_ENV.controlToken] ?? '',
  };
}

/** `all`, or a comma list of kinds; unknown words are ignored rather than fatal. */
export function parseBreakKinds(text: string | readonly string[]): Set<BreakKind> {
  const words = typeof text === 'string' ? text.split(',') : text;
  const kinds = new Set<BreakKind>();
  for (const raw of words) {
    const word = raw.trim();
    if (word === 'all') BREAK_KINDS.forEach((k) => kinds.add(k));
    else if ((BREAK_KINDS as readonly string[]).includes(word)) kinds.add(word as BreakKind);
  }
  return kinds;
}
