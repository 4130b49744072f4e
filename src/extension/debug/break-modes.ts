// The three break modes: settings, toggle commands, and a status-bar item shown while a Node
// debug session runs. Changing a mode reaches running agents at once (setBreak).
import * as vscode from 'vscode';
import type { BreakKind } from '../../protocol/agent-messages';

export type BreakMode = 'breakOnCrossing' | 'breakOnSwallowed' | 'breakOnChainFailures';

const MODES: { mode: BreakMode; label: string; short: string; detail: string }[] = [
  {
    mode: 'breakOnCrossing',
    label: 'Break on errors crossing middleware',
    short: 'crossing',
    detail: 'Stop at the throw site of an error that leaves a middleware',
  },
  {
    mode: 'breakOnSwallowed',
    label: 'Break on swallowed errors',
    short: 'swallowed',
    detail: 'Breakpoints inside the catches the swallowed-error rule reports',
  },
  {
    mode: 'breakOnChainFailures',
    label: 'Break on chain failures',
    short: 'failures',
    detail: 'Hang, double response, unhandled async error, escaping throw',
  },
];

/** The agent's break kinds behind "chain failures". */
const FAILURE_KINDS: BreakKind[] = [
  'unterminated-middleware',
  'double-response',
  'unhandled-async-error',
  'escaping-async-throw',
];

export const NODE_DEBUG_TYPES = new Set(['node', 'pwa-node', 'node-terminal']);

export class BreakModes implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly status = vscode.window.createStatusBarItem(
    'mwchain.breakModes',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly sessions = new Set<vscode.DebugSession>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.status.name = 'Middleware Chains: break modes';
    this.status.command = 'mwchain.chooseBreakModes';
    this.disposables.push(
      this.status,
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mwchain.debug')) {
          this.render();
          this.changed.fire();
        }
      }),
      vscode.debug.onDidStartDebugSession((s) => {
        if (NODE_DEBUG_TYPES.has(s.type)) this.sessions.add(s);
        this.render();
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.sessions.delete(s);
        this.render();
      }),
      vscode.commands.registerCommand('mwchain.toggleBreakOnCrossing', () => this.toggle('breakOnCrossing')),
      vscode.commands.registerCommand('mwchain.toggleBreakOnSwallowed', () =>
        this.toggle('breakOnSwallowed'),
      ),
      vscode.commands.registerCommand('mwchain.toggleBreakOnChainFailures', () =>
        this.toggle('breakOnChainFailures'),
      ),
      vscode.commands.registerCommand('mwchain.chooseBreakModes', () => this.choose()),
    );
    for (const s of [vscode.debug.activeDebugSession].filter((s) => s && NODE_DEBUG_TYPES.has(s.type)))
      this.sessions.add(s!);
    this.render();
  }

  isOn(mode: BreakMode): boolean {
    return vscode.workspace.getConfiguration('mwchain.debug').get<boolean>(mode, false);
  }

  /** The agent's break kinds for the modes that are on (swallowed errors are breakpoints instead). */
  kinds(): BreakKind[] {
    return [
      ...(this.isOn('breakOnCrossing') ? (['crossing'] as BreakKind[]) : []),
      ...(this.isOn('breakOnChainFailures') ? FAILURE_KINDS : []),
    ];
  }

  async set(mode: BreakMode, on: boolean): Promise<void> {
    const config = vscode.workspace.getConfiguration('mwchain.debug');
    const where = config.inspect<boolean>(mode);
    // A user setting, unless the workspace overrides it: then the override is what has to change.
    const target =
      where?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : where?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update(mode, on, target);
  }

  private toggle(mode: BreakMode): Promise<void> {
    return this.set(mode, !this.isOn(mode));
  }

  private async choose(): Promise<void> {
    const items = MODES.map((m) => ({
      label: m.label,
      detail: m.detail,
      mode: m.mode,
      picked: this.isOn(m.mode),
    }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: 'Middleware Chains: where the debugger stops',
    });
    if (!picked) return;
    for (const item of items) {
      const on = picked.includes(item);
      if (on !== item.picked) await this.set(item.mode, on);
    }
  }

  private render(): void {
    const on = MODES.filter((m) => this.isOn(m.mode));
    this.status.text = `$(debug-breakpoint-conditional) Chains: ${on.length ? on.map((m) => m.short).join(', ') : 'no breaks'}`;
    this.status.tooltip = new vscode.MarkdownString(
      [
        '**Middleware Chains: break modes**',
        ...MODES.map((m) => `${this.isOn(m.mode) ? '$(check)' : '$(circle-large-outline)'} ${m.label}`),
        '',
        'Click to change.',
      ].join('\n\n'),
      true,
    );
    if (this.sessions.size > 0) this.status.show();
    else this.status.hide();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
