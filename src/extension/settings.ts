// The `mwchain.*` settings of a folder.
import * as vscode from 'vscode';
import type { AnalysisSettings } from '../protocol/analysis-messages';

export function analysisSettings(folder: vscode.Uri): AnalysisSettings {
  const c = vscode.workspace.getConfiguration('mwchain', folder);
  // Configuration values are proxies a worker message cannot carry: plain copies.
  return JSON.parse(
    JSON.stringify({
      include: c.get<string[]>('include', []),
      exclude: c.get<string[]>('exclude', []),
      rules: c.get<AnalysisSettings['rules']>('rules', {}),
    }),
  ) as AnalysisSettings;
}

export function analysisEnabled(folder: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('mwchain', folder).get<boolean>('analysis.enabled', true);
}
