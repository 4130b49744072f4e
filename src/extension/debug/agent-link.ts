// The window's end of the runtime agents' control channel: started the first time a launch needs
// it, it tells every connected agent the break kinds as they change, and hands their events on.
import * as vscode from 'vscode';
import { ControlServer, type AgentConnection } from '../../agent-link/control-server';
import type { AgentLaunch } from '../../agent-link/launch-env';
import type { FromAgent } from '../../protocol/agent-messages';
import type { BreakModes } from './break-modes';

export interface AgentEvents {
  message(agent: AgentConnection, message: FromAgent): void;
  ended(agent: AgentConnection): void;
}

export class AgentLink implements vscode.Disposable {
  private server: Promise<ControlServer> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly agentPath: string,
    private readonly modes: BreakModes,
    private readonly log: vscode.OutputChannel,
    private readonly events: AgentEvents,
  ) {
    this.disposables.push(
      modes.onDidChange(() => {
        void this.server?.then((s) => s.broadcast({ type: 'setBreak', kinds: this.modes.kinds() }));
      }),
    );
  }

  /** What a process needs in its environment to load the agent and reach this window. */
  async launch(): Promise<AgentLaunch> {
    const server = await this.start();
    return {
      agentPath: this.agentPath,
      controlPath: server.socketPath,
      token: server.token,
      kinds: this.modes.kinds(),
    };
  }

  private start(): Promise<ControlServer> {
    this.server ??= (async () => {
      const server = new ControlServer({
        connected: (agent) => {
          this.log.appendLine(`agent connected: pid ${agent.pid}, agent ${agent.agentVersion}`);
          // the kinds may have changed since the process was launched with MWCHAIN_BREAK
          agent.send({ type: 'setBreak', kinds: this.modes.kinds() });
        },
        message: (agent, message) => {
          if (message.type === 'instrumented')
            this.log.appendLine(`agent pid ${agent.pid}: instrumented ${message.framework}`);
          else if (message.type === 'dropped')
            this.log.appendLine(
              `agent pid ${agent.pid}: ${message.count} events dropped (the window was busy)`,
            );
          this.events.message(agent, message);
        },
        disconnected: (agent) => {
          this.log.appendLine(`agent disconnected: pid ${agent.pid}`);
          this.events.ended(agent);
        },
      });
      await server.listen();
      this.disposables.push({ dispose: () => server.dispose() });
      return server;
    })();
    return this.server;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
