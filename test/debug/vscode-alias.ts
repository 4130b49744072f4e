// Imported first by the glue's test: `require('vscode')` gets test/debug/fake-vscode.ts.
import Module from 'node:module';
import * as path from 'node:path';

const FAKE = path.join(__dirname, 'fake-vscode.ts');
const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = M._resolveFilename;
M._resolveFilename = function (request: string, ...rest: unknown[]) {
  return original.call(this, request === 'vscode' ? FAKE : request, ...rest);
};
