// Where a middleware function is defined, asked of V8 through an in-process inspector session
// ([[FunctionLocation]] gives a script id and position). The script's URL comes first from V8's
// best-effort coverage, which only reads the heap. Only a script it does not list (a TypeScript
// file a loader compiled in memory, whose source map only V8 has seen; a script whose functions
// the GC has flushed) is looked up through the Debugger domain: enabling it in a warm app costs
// that app for the rest of its life (the agent bench, trace to a file: 0.87 of the bare app's
// CPU time through the Debugger domain, 0.90 through coverage, in the same run). The domain is
// enabled only for the moment of listing scripts: left enabled, this session would be the one a
// `debugger` statement pauses, and nothing could resume it.
import * as fs from 'node:fs';
import type { Session } from 'node:inspector';
import type { RuntimeLoc } from '../protocol/agent-messages';
import { originalLocation, sourceMapComment, toPath } from './source-maps';

interface ScriptInfo {
  url: string;
  /** As V8 reports it; undefined until read from the script's file (a script coverage listed). */
  sourceMapUrl: string | undefined;
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
  let script = scripts.get(position.scriptId) ?? listedScript(s, position.scriptId);
  if (script && script.sourceMapUrl === undefined && !readFromDisk(script, fn, position)) {
    // the file is not the code V8 ran (a loader compiled it): the Debugger domain has that code
    scripts.delete(position.scriptId);
    listFromDebugger(s);
    script = scripts.get(position.scriptId);
  }
  if (!script?.url) return undefined;
  return originalLocation(script.url, script.sourceMapUrl ?? '', position.lineNumber, position.columnNumber);
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

function listedScript(s: Session, scriptId: string): ScriptInfo | undefined {
  listFromCoverage(s);
  const script = scripts.get(scriptId);
  if (script) return script;
  listFromDebugger(s);
  return scripts.get(scriptId);
}

/**
 * The JavaScript files V8's best-effort coverage lists (scripts with a function that ran or is
 * compiled). Their source maps are read from the files, so only files that are what V8 ran: a
 * `.ts` file went through a loader, and only the Debugger domain shows the code it made.
 */
function listFromCoverage(s: Session): void {
  s.post('Profiler.getBestEffortCoverage', (error, coverage) => {
    if (error) return;
    for (const { scriptId, url } of coverage.result) {
      if (!scripts.has(scriptId) && RUN_AS_IS.test(url))
        scripts.set(scriptId, { url, sourceMapUrl: undefined });
    }
  });
}

/** A JavaScript file (as a file URL or an absolute path): what may be run as it is on disk. */
const RUN_AS_IS = /^(?:file:\/\/|\/|[a-z]:[\\/]).*\.[cm]?js$/i;

/**
 * True when the script's file holds `fn` at `position`, the file is then what V8 ran, and its
 * source map comment is the script's. A loader that rewrote the file in memory fails the check.
 */
function readFromDisk(script: ScriptInfo, fn: object, position: Position): boolean {
  let text: string;
  try {
    text = fs.readFileSync(toPath(script.url), 'utf8');
  } catch {
    return false;
  }
  let offset = 0;
  for (let line = 0; line < position.lineNumber && offset >= 0; line++) {
    offset = text.indexOf('\n', offset);
    if (offset >= 0) offset++;
  }
  if (offset < 0) return false;
  // V8 places a function at its parameters, inside the text toString gives
  const probe = text.slice(offset + position.columnNumber, offset + position.columnNumber + 16);
  if (!probe || !Function.prototype.toString.call(fn).includes(probe)) return false;
  script.sourceMapUrl = sourceMapComment(text);
  return true;
}

function listFromDebugger(s: Session): void {
  s.post('Debugger.enable');
  s.post('Debugger.disable');
}
