// Debug integration: break modes, the agent in Node launches, the pause view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentConnection } from '../../agent-link/control-server';
import type { FromAgent } from '../../protocol/agent-messages';
import { AgentLink } from './agent-link';
import { BreakModes } from './break-modes';
import { registerAgentInjection } from './debug-config';
import { PauseView, type NextHandlerLookup, type ShownPause } from './pause-view';

export interface DebugIntegration {
  readonly modes: BreakModes;
  readonly link: AgentLink;
  lastPause(): ShownPause | undefined;
  disposables: vscode.Disposable[];
}

export function registerDebugIntegration(
  extensionPath: string,
  log: vscode.OutputChannel,
  nextHandler: NextHandlerLookup,
  onAgentMessage: (agent: AgentConnection, message: FromAgent) => void,
  onAgentEnded: (agent: AgentConnection) => void,
): DebugIntegration {
  const agentPath = path.join(extensionPath, 'dist', 'agent.js');
  const modes = new BreakModes();
  const link = new AgentLink(agentPath, modes, log, { message: onAgentMessage, ended: onAgentEnded });
  const pauses = new PauseView(agentPath, nextHandler, log);
  return {
    modes,
    link,
    lastPause: () => pauses.lastShown(),
    disposables: [modes, link, pauses, ...registerAgentInjection(link, log)],
  };
}
