// Where a middleware function is defined, asked of V8 through an in-process inspector session
// ([[FunctionLocation]] gives a script id and position; the Debugger domain's scriptParsed, the
// script's URL and source map). The Debugger domain is on only while the app starts, from the
// agent's load to the first request: turned on once the app runs (at the first lookup, inside
// the first request), it cost that app for the rest of its life, with no more instructions run
// (the agent bench, trace to a file, same run: 0.87 of the bare app's CPU time that way, 0.88 on
// from the load to the first lookup, 0.92 on while the app starts). A script compiled later
// comes from V8's best-effort coverage, which only reads the heap, with its source map from Node
// (which records maps when they are on, as tsx turns them on) or from its file, once the file is
// checked to be the code V8 ran; only what neither knows turns the Debugger domain on again, for
// the moment of listing scripts. While it is on, the session skips pauses: a `debugger` statement
// would otherwise stop at it (the whole paused stack sent to a session that ignores it).
import * as diagnostics from 'node:diagnostics_channel';
import * as fs from 'node:fs';
import type { Session } from 'node:inspector';
import type { RuntimeLoc } from '../protocol/agent-messages';
import type { SourceMap } from 'node:module';
import { nodeSourceMap, originalLocation, sourceMapComment, toPath } from './source-maps';

interface ScriptInfo {
  url: string;
  /** As V8 reports it; undefined until read from the script's file (a script coverage listed). */
  sourceMapUrl: string | undefined;
  /** The map Node recorded for the script, when it has one. */
  nodeMap?: SourceMap;
}

const UNKNOWN: RuntimeLoc = { file: '<unknown>', line: 0, column: 0 };
const PROBE = '__mwchainLocationProbe';

const cache = new WeakMap<object, RuntimeLoc>();
const scripts = new Map<string, ScriptInfo>();
let session: Session | null | undefined;

const REQUEST_START = 'http.server.request.start';
let starting = false;

/**
 * Lists scripts as V8 compiles them while the app starts, until its first request (or the first
 * lookup, for an app whose requests do not come through node:http).
 */
export function watchScriptsWhileStarting(): void {
  const s = connect();
  if (!s) return;
  s.post('Debugger.enable');
  s.post('Debugger.setSkipAllPauses', { skip: true });
  starting = true;
  diagnostics.subscribe(REQUEST_START, startedOver);
}

function startedOver(): void {
  if (!starting) return;
  starting = false;
  try {
    diagnostics.unsubscribe(REQUEST_START, startedOver);
    session?.post('Debugger.disable');
  } catch {
    // called from node:http's request start: nothing may throw into the app from here
  }
}

export function definedAt(fn: object): RuntimeLoc {
  let loc = cache.get(fn);
  if (!loc) {
    loc = locate(fn) ?? UNKNOWN;
    cache.set(fn, loc);
  }
  return loc;
}

function locate(fn: object): RuntimeLoc | undefined {
  startedOver();
  const s = connect();
  if (!s) return undefined;
  const position = functionLocation(s, fn);
  if (!position) return undefined;
  let script = scripts.get(position.scriptId) ?? listedScript(s, position.scriptId);
  if (script && script.sourceMapUrl === undefined && !mapKnown(script, fn, position)) {
    // the file is not the code V8 ran (a loader compiled it): the Debugger domain has that code
    scripts.delete(position.scriptId);
    listFromDebugger(s);
    script = scripts.get(position.scriptId);
  }
  if (!script?.url) return undefined;
  return originalLocation(
    script.url,
    script.sourceMapUrl ?? '',
    position.lineNumber,
    position.columnNumber,
    script.nodeMap,
  );
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
 * The files V8's best-effort coverage lists (scripts with a function that ran or is compiled):
 * their source maps are still to be found (mapKnown).
 */
function listFromCoverage(s: Session): void {
  s.post('Profiler.getBestEffortCoverage', (error, coverage) => {
    if (error) return;
    for (const { scriptId, url } of coverage.result) {
      if (!scripts.has(scriptId) && FILE.test(url)) scripts.set(scriptId, { url, sourceMapUrl: undefined });
    }
  });
}

/** A file URL or an absolute path. */
const FILE = /^(?:file:\/\/|\/|[a-z]:[\\/])/i;
/** A JavaScript file: what may be run as it is on disk. */
const JAVASCRIPT = /\.[cm]?js$/i;

/**
 * True when the script's source map is known without the Debugger domain: Node recorded it, or
 * the script's file is the code V8 ran (a loader that rewrote it in memory fails the check).
 */
function mapKnown(script: ScriptInfo, fn: object, position: Position): boolean {
  const nodeMap = nodeSourceMap(script.url);
  if (nodeMap) {
    script.nodeMap = nodeMap;
    script.sourceMapUrl = '';
    return true;
  }
  return JAVASCRIPT.test(script.url) && readFromDisk(script, fn, position);
}

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
