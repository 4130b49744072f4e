// Where a middleware function is defined, asked of V8 through an in-process inspector session
// ([[FunctionLocation]] gives a script id; Debugger.scriptParsed gives its URL and source map).
// The Debugger domain is enabled only for the moment of listing scripts: left enabled, this
// session would be the one a `debugger` statement pauses, and nothing could resume it.
import type { Session } from 'node:inspector';
import type { RuntimeLoc } from '../protocol/agent-messages';
import { originalLocation } from './source-maps';

interface ScriptInfo {
  url: string;
  sourceMapUrl: string;
}

const UNKNOWN: RuntimeLoc = { file: '<unknown>', line: 0, column: 0 };
const PROBE = '__mwchainLocationProbe';

const cache = new WeakMap<object, RuntimeLoc>();
const scripts = new Map<string, ScriptInfo>();
let session: Session | null | undefined;

export function definedAt(fn: object): RuntimeLoc {
  let loc = cache.get(fn);
  if (!loc) {
    loc = locate(fn) ?? UNKNOWN;
    cache.set(fn, loc);
  }
  return loc;
}

function locate(fn: object): RuntimeLoc | undefined {
  const s = connect();
  if (!s) return undefined;
  const position = functionLocation(s, fn);
  if (!position) return undefined;
  let script = scripts.get(position.scriptId);
  if (!script) {
    listScripts(s);
    script = scripts.get(position.scriptId);
  }
  if (!script?.url) return undefined;
  return originalLocation(script.url, script.sourceMapUrl, position.lineNumber, position.columnNumber);
}

function connect(): Session | null {
  if (session !== undefined) return session;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const inspector = require('node:inspector') as typeof import('node:inspector');
    const s = new inspector.Session();
    s.connect();
    s.on('Debugger.scriptParsed', (message) => {
      const { scriptId, url, sourceMapURL } = message.params;
      scripts.set(scriptId, { url, sourceMapUrl: sourceMapURL ?? '' });
    });
    session = s;
  } catch {
    session = null; // a Node built without the inspector: locations stay unknown
  }
  return session;
}

interface Position {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

/** The in-process session answers synchronously, inside `post`. */
function functionLocation(s: Session, fn: object): Position | undefined {
  const holder = globalThis as Record<string, unknown>;
  holder[PROBE] = fn;
  let position: Position | undefined;
  try {
    s.post(
      'Runtime.evaluate',
      { expression: `globalThis.${PROBE}`, objectGroup: 'mwchain' },
      (error, result) => {
        const objectId = result?.result.objectId;
        if (error || !objectId) return;
        s.post('Runtime.getProperties', { objectId, ownProperties: true }, (error2, props) => {
          const internal = props?.internalProperties?.find((p) => p.name === '[[FunctionLocation]]');
          if (!error2 && internal) position = internal.value?.value as Position;
        });
      },
    );
    s.post('Runtime.releaseObjectGroup', { objectGroup: 'mwchain' });
  } finally {
    delete holder[PROBE];
  }
  return position;
}

function listScripts(s: Session): void {
  s.post('Debugger.enable');
  s.post('Debugger.disable');
}
