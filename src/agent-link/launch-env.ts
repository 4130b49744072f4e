// How a Node process is started with the agent: `--require <agent>` appended to NODE_OPTIONS
// (js-debug puts its bootloader first and keeps what follows, so appending never breaks
// debugging; replacing NODE_OPTIONS would), the control socket, and the break kinds to start with.
import type { BreakKind } from '../protocol/agent-messages';
import { AGENT_ENV } from '../protocol/agent-messages';

export interface AgentLaunch {
  agentPath: string;
  controlPath: string;
  token: string;
  kinds: readonly BreakKind[];
}

/** A launch configuration's `env`: js-debug reads null as "unset this variable". */
export type LaunchEnv = Record<string, string | null | undefined>;

/** `--require "<path>"`, quoted the way Node parses NODE_OPTIONS. */
export function requireOption(agentPath: string): string {
  return `--require "${agentPath.replace(/(["\\])/g, '\\$1')}"`;
}

/** NODE_OPTIONS with the agent appended, unless it is already there. */
export function appendAgent(nodeOptions: string | null | undefined, agentPath: string): string {
  const existing = nodeOptions?.trim() ?? '';
  if (existing.includes(agentPath)) return existing;
  return existing ? `${existing} ${requireOption(agentPath)}` : requireOption(agentPath);
}

/** The launch env with the agent, its control socket and break kinds added. */
export function withAgent(env: LaunchEnv | undefined, launch: AgentLaunch): LaunchEnv {
  return {
    ...env,
    NODE_OPTIONS: appendAgent(env?.NODE_OPTIONS, launch.agentPath),
    [AGENT_ENV.control]: launch.controlPath,
    [AGENT_ENV.controlToken]: launch.token,
    [AGENT_ENV.break]: launch.kinds.join(','),
  };
}

/**
 * The command line to start an app for an attach configuration: with the agent, connected to
 * this window, with the inspector on.
 */
export function startCommand(launch: AgentLaunch, platform: NodeJS.Platform, program = 'app.js'): string {
  const vars: [string, string][] = [
    ['NODE_OPTIONS', requireOption(launch.agentPath)],
    [AGENT_ENV.control, launch.controlPath],
    [AGENT_ENV.controlToken, launch.token],
    [AGENT_ENV.break, launch.kinds.join(',')],
  ];
  const plain = (v: string) => /^[\w./:@%+=,-]+$/.test(v);
  if (platform === 'win32') {
    const ps = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const prog = plain(program) ? program : ps(program);
    return `${vars.map(([k, v]) => `$env:${k}=${ps(v)}`).join('; ')}; node --inspect ${prog}`;
  }
  const sh = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const prog = plain(program) ? program : sh(program);
  return `${vars.map(([k, v]) => `${k}=${sh(v)}`).join(' ')} node --inspect ${prog}`;
}
