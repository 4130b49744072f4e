// Where an error was thrown (created): the first frame of its stack in the app's own code (not
// node internals, not node_modules, not the agent), source-mapped like `definedAt`. An error a
// library throws (ERR_HTTP_HEADERS_SENT from res.send, a JSON.parse in a body parser) is shown
// where the app called into it; when no frame is the app's, the first library frame.
import type { RuntimeLoc } from '../protocol/agent-messages';
import { fileURLToPath } from 'node:url';
import { originalLocation } from './source-maps';

const FRAME = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/;

export function throwSiteOf(error: unknown): RuntimeLoc | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  let library: RuntimeLoc | undefined;
  for (const line of error.stack.split('\n').slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    if (file === __filename) continue; // the agent's own frames
    if (/[\\/]node_modules[\\/]/.test(file)) {
      library ??= sourceMapped(file, Number(match[2]) - 1, Number(match[3]) - 1);
      continue;
    }
    return sourceMapped(file, Number(match[2]) - 1, Number(match[3]) - 1);
  }
  return library;
}

function sourceMapped(file: string, line: number, column: number): RuntimeLoc {
  // Stacks of code with a source map are already mapped when the app enabled source maps; the
  // generated position is still a true one otherwise.
  return originalLocation(file, '', line, column);
}
