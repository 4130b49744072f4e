// The extension entry. The views arrive with the extension issue; for now it activates cleanly
// and shows the chains of the workspace as text, through the same analyzer the CLI uses.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Middleware Chains');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('mwchain.showGraphText', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) {
        void vscode.window.showInformationMessage('Open a folder to see its middleware chains.');
        return;
      }
      // Loaded on demand: ts-morph is large and activation must stay fast.
      const [{ ChainAnalyzer }, { graphText }] = await Promise.all([
        import('../analysis/analyzer'),
        import('../render/text'),
      ]);
      try {
        output.replace(graphText(ChainAnalyzer.open(folder.uri.fsPath).graph()));
      } catch (e) {
        output.replace(`Could not analyse ${folder.uri.fsPath}: ${(e as Error).message}`);
      }
      output.show(true);
    }),
  );
}

export function deactivate(): void {}
