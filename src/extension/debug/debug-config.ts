// Node launch configurations (node, pwa-node, node-terminal: launch.json entries, npm-script
// launches) get the agent appended to NODE_OPTIONS, with the control socket and break kinds.
import * as vscode from 'vscode';
import { startCommand, withAgent, type LaunchEnv } from '../../agent-link/launch-env';
import type { AgentLink } from './agent-link';

export class AgentInjector implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly link: AgentLink,
    private readonly log: vscode.OutputChannel,
  ) {}

  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration> {
    if (config.request !== 'launch') return config; // attach: see copyAgentCommand
    if (!vscode.workspace.getConfiguration('mwchain.debug').get<boolean>('injectAgent', true)) return config;
    try {
      config.env = withAgent(config.env as LaunchEnv | undefined, await this.link.launch());
      this.log.appendLine(`debug launch "${config.name}": the runtime agent is added to NODE_OPTIONS`);
    } catch (error) {
      // the session still starts, only without the agent
      this.log.appendLine(`debug launch "${config.name}": no runtime agent (${(error as Error).message})`);
    }
    return config;
  }
}

export function registerAgentInjection(link: AgentLink, log: vscode.OutputChannel): vscode.Disposable[] {
  const injector = new AgentInjector(link, log);
  return [
    ...['node', 'pwa-node', 'node-terminal'].map((type) =>
      vscode.debug.registerDebugConfigurationProvider(type, injector),
    ),
    vscode.commands.registerCommand('mwchain.copyAgentCommand', async () => {
      const line = startCommand(await link.launch(), process.platform);
      await vscode.env.clipboard.writeText(line);
      void vscode.window.showInformationMessage(
        'Copied the command to start your app with the Middleware Chains agent and the inspector on. Replace app.js with your entry point, then attach.',
      );
      return line;
    }),
  ];
}
