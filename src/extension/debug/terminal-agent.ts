// The JavaScript Debug Terminal: js-debug starts it with its own bootloader in NODE_OPTIONS and
// no launch configuration this extension could resolve. So the window's terminals get the agent
// gate appended to NODE_OPTIONS (as js-debug's own auto-attach does), with this window's control
// socket; the gate loads the agent only into processes that are being debugged. Not persisted:
// the socket belongs to this window.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { requireOption } from '../../agent-link/launch-env';
import { AGENT_ENV } from '../../protocol/agent-messages';
import type { AgentLink } from './agent-link';

export class TerminalAgent implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly env: vscode.GlobalEnvironmentVariableCollection,
    private readonly link: AgentLink,
    private readonly log: vscode.OutputChannel,
  ) {
    env.persistent = false;
    env.description = 'Middleware Chains: the runtime agent for Node processes run under the debugger';
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mwchain.debug.injectAgent')) void this.apply();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.apply()),
    );
    void this.apply();
  }

  private async apply(): Promise<void> {
    const on =
      vscode.workspace.isTrusted &&
      vscode.workspace.getConfiguration('mwchain.debug').get<boolean>('injectAgent', true);
    if (!on) {
      this.env.clear();
      return;
    }
    try {
      const launch = await this.link.launch();
      const gate = path.join(path.dirname(launch.agentPath), 'agent-when-debugged.js');
      this.env.append('NODE_OPTIONS', ` ${requireOption(gate)}`);
      this.env.replace(AGENT_ENV.control, launch.controlPath);
      this.env.replace(AGENT_ENV.controlToken, launch.token);
    } catch (error) {
      this.log.appendLine(`terminals get no runtime agent: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    this.env.clear();
    for (const d of this.disposables) d.dispose();
  }
}
