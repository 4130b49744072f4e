// Run by `npm run bench` in code-server on a folder with no package.json, so nothing activates
// the extension before this measures activate() in a real extension host.
import * as vscode from 'vscode';
import { log, suite } from '../../test/vscode/harness';

export const run = suite('activation time', [
  {
    name: 'activate',
    fn: async () => {
      const ext = vscode.extensions.getExtension('mwchain.mwchain');
      if (!ext) throw new Error('the extension is not installed');
      if (ext.isActive) throw new Error('already active: the measurement would be meaningless');
      const started = performance.now();
      await ext.activate();
      log(`activation-ms ${(performance.now() - started).toFixed(1)}`);
    },
  },
]);
