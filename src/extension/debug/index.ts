// Debug integration: break modes, the agent in Node launches, the pause view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentConnection } from '../../agent-link/control-server';
import type { FromAgent } from '../../protocol/agent-messages';
import type { AnalysisHost } from '../analysis-host';
import { AgentLink } from './agent-link';
import { BreakModes, NODE_DEBUG_TYPES } from './break-modes';
import { registerAgentInjection } from './debug-config';
import { PauseView, type NextHandlerLookup, type ShownPause } from './pause-view';
import { SwallowedBreakpoints } from './swallowed-breakpoints';
import { TerminalAgent } from './terminal-agent';

export interface DebugIntegration {
  readonly modes: BreakModes;
  readonly link: AgentLink;
  lastPause(): ShownPause | undefined;
  disposables: vscode.Disposable[];
}

/** Receives what running agents stream, keyed by process (`agent#<pid>`). */
export interface LiveSink {
  accept(session: string, message: FromAgent): void;
  endSession(session: string): void;
}

export function registerDebugIntegration(
  extensionPath: string,
  terminalEnv: vscode.GlobalEnvironmentVariableCollection,
  host: AnalysisHost,
  log: vscode.OutputChannel,
  nextHandler: NextHandlerLookup,
  live: LiveSink,
): DebugIntegration {
  const agentPath = path.join(extensionPath, 'dist', 'agent.js');
  const modes = new BreakModes();
  // js-debug announces each debuggee's pid (DAP `process` event): when that session ends, so
  // does the overlay of its process (kept until then, so a process that died shows where)
  const sessionOfPid = new Map<number, string>();
  const keyOf = (agent: AgentConnection) => `agent#${agent.pid}`;
  const link = new AgentLink(agentPath, modes, log, {
    message: (agent, message) => live.accept(keyOf(agent), message),
    ended: () => {}, // the overlay keeps a dead process's last requests until its session ends
  });
  const pauses = new PauseView(agentPath, nextHandler, log);
  const swallowed = new SwallowedBreakpoints(host, log);
  swallowed.setEnabled(modes.isOn('breakOnSwallowed'));
  return {
    modes,
    link,
    lastPause: () => pauses.lastShown(),
    disposables: [
      modes,
      link,
      pauses,
      swallowed,
      new TerminalAgent(terminalEnv, link, log),
      modes.onDidChange(() => swallowed.setEnabled(modes.isOn('breakOnSwallowed'))),
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) =>
          NODE_DEBUG_TYPES.has(session.type)
            ? {
                onDidSendMessage: (m: {
                  type?: string;
                  event?: string;
                  body?: { systemProcessId?: number };
                }) => {
                  if (m.type === 'event' && m.event === 'process' && m.body?.systemProcessId)
                    sessionOfPid.set(m.body.systemProcessId, session.id);
                },
              }
            : undefined,
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        for (const [pid, id] of sessionOfPid)
          if (id === session.id) {
            live.endSession(`agent#${pid}`);
            sessionOfPid.delete(pid);
          }
      }),
      ...registerAgentInjection(link, log),
    ],
  };
}
