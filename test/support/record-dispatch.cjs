// Preload (`node -r test/support/record-dispatch.cjs <entry>`) that runs an Express app for real
// and records, for every request, the user functions Express invoked, in order.
//
//   MWCHAIN_EXPRESS=4        make `require('express')` (and `express/...`) load the `express4`
//                            package (npm alias of express@4) instead of express 5.
//   MWCHAIN_FIXTURE_ENTRY    module exporting the app (`module.exports = app`); it must not listen.
//   MWCHAIN_FIXTURE_DIR      directory locations are reported against (default: the cwd).
//   MWCHAIN_EXIT_ON_STDIN_END=1  exit when stdin closes (so a dead parent leaves no server behind).
//
// Protocol, on stdout, one JSON object per line with an `mwchain` key (other lines are the app's):
//   {"mwchain":"listening","port":N,"express":"4.22.3"}     once the app listens on 127.0.0.1
//   {"mwchain":"dispatch","id":"...","status":200,"seq":["routes/users.js:12","external",...]}
//                                                             when a response finishes; `id` is
//                                                             the request's `x-mwchain-id` header.
//
// What is recorded: every function a Layer actually invokes (normal layers for requests, 4-argument
// layers for errors) and every `param()` callback. Framework plumbing is left out: a route's
// dispatcher (`layer.route`), mounted routers and `mounted_app` wrappers, and express 4's internal
// `query`/`expressInit` layers, i.e. every function defined in the express or router package itself.
// Locations come from V8 (`[[FunctionLocation]]` through the in-process inspector): `file:line`
// relative to the fixture dir, or `external` for anything outside it or inside node_modules.
'use strict';

const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const http = require('node:http');
const inspector = require('node:inspector');
const { fileURLToPath } = require('node:url');

const fixtureDir = path.resolve(process.env.MWCHAIN_FIXTURE_DIR || process.cwd());
const RECORD = Symbol('mwchain.dispatch');

// ---- express 4 instead of express 5 ---------------------------------------------------------
if (process.env.MWCHAIN_EXPRESS === '4') {
  const express4Dir = path.dirname(
    require.resolve('express4/package.json', { paths: [fixtureDir, __dirname] }),
  );
  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function resolveExpress4(request, parent, isMain, options) {
    if (request === 'express' || request.startsWith('express/')) {
      const rest = request.slice('express'.length);
      return originalResolve.call(this, express4Dir + rest, parent, isMain, options);
    }
    return originalResolve.call(this, request, parent, isMain, options);
  };
}

// ---- function locations --------------------------------------------------------------------
const session = new inspector.Session();
session.connect();
const scriptUrls = new Map();
session.on('Debugger.scriptParsed', (m) => scriptUrls.set(m.params.scriptId, m.params.url));
session.post('Debugger.enable'); // in-process sessions answer synchronously

/** Synchronous inspector call (the in-process session dispatches before `post` returns). */
function post(method, params) {
  let out;
  let failure;
  session.post(method, params, (err, result) => {
    failure = err;
    out = result;
  });
  if (failure) throw failure;
  if (out === undefined) throw new Error(`inspector ${method} did not answer synchronously`);
  return out;
}

const PROBE = '__mwchainProbe';
const OBJECT_GROUP = 'mwchain';

/** { file: absolute path or url, line: 1-based } of a function, following bound functions. */
function functionLocation(fn) {
  globalThis[PROBE] = fn;
  try {
    let objectId = post('Runtime.evaluate', { expression: `globalThis.${PROBE}`, objectGroup: OBJECT_GROUP })
      .result.objectId;
    for (let depth = 0; depth < 10 && objectId; depth++) {
      const props = post('Runtime.getProperties', { objectId, ownProperties: true }).internalProperties || [];
      const loc = props.find((p) => p.name === '[[FunctionLocation]]');
      if (loc) {
        const { scriptId, lineNumber } = loc.value.value;
        const url = scriptUrls.get(scriptId) || '';
        return { file: url.startsWith('file://') ? fileURLToPath(url) : url, line: lineNumber + 1 };
      }
      const target = props.find((p) => p.name === '[[TargetFunction]]');
      objectId = target && target.value.objectId;
    }
    return { file: '', line: 0 };
  } finally {
    delete globalThis[PROBE];
    session.post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
  }
}

// ---- which express is loaded, and its Layer --------------------------------------------------
const expressDir = path.dirname(require.resolve('express/package.json', { paths: [fixtureDir] }));
const expressVersion = JSON.parse(fs.readFileSync(path.join(expressDir, 'package.json'), 'utf8')).version;
/** Directories whose functions are framework plumbing, never recorded. */
const frameworkDirs = [expressDir];

/** Inside a framework package but not in its own node_modules (express 4 nests body-parser there). */
function isPlumbing(dir, file) {
  const rel = path.relative(dir, file);
  return (
    !!file && !rel.startsWith('..') && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== 'node_modules'
  );
}

const label = new WeakMap(); // fn -> 'file:line' | 'external' | null (plumbing)
function labelOf(fn) {
  if (label.has(fn)) return label.get(fn);
  const { file, line } = functionLocation(fn);
  let result;
  if (frameworkDirs.some((d) => isPlumbing(d, file))) result = null;
  else {
    const rel = path.relative(fixtureDir, file);
    const outside =
      !file || rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules');
    result = outside ? 'external' : `${rel.split(path.sep).join('/')}:${line}`;
  }
  label.set(fn, result);
  return result;
}

function record(req, fn) {
  const seq = req && req[RECORD];
  if (!seq || typeof fn !== 'function') return;
  const l = labelOf(fn);
  if (l !== null) seq.push(l);
}

function patchLayer(proto, requestName, errorName) {
  const handleRequest = proto[requestName];
  const handleError = proto[errorName];
  if (typeof handleRequest !== 'function' || typeof handleError !== 'function') {
    throw new Error(`record-dispatch: Layer.prototype.${requestName}/${errorName} not found`);
  }
  proto[requestName] = function recordRequest(req, res, next) {
    // express skips functions of more than 3 parameters for requests
    if (!this.route && typeof this.handle === 'function' && this.handle.length <= 3) record(req, this.handle);
    return handleRequest.apply(this, arguments);
  };
  proto[errorName] = function recordError(err, req, res, next) {
    // and everything but 4-parameter functions for errors
    if (!this.route && typeof this.handle === 'function' && this.handle.length === 4)
      record(req, this.handle);
    return handleError.apply(this, arguments);
  };
}

function patchParam(owner) {
  const param = owner.param;
  owner.param = function recordingParam(name, fn) {
    if (typeof name === 'string' && typeof fn === 'function') {
      const original = fn;
      fn = function recordedParam(req) {
        record(req, original);
        return original.apply(this, arguments);
      };
    }
    return param.call(this, name, fn);
  };
}

const express4Layer = path.join(expressDir, 'lib/router/layer.js');
if (fs.existsSync(express4Layer)) {
  // express 4: lib/router/layer.js (handle_request/handle_error), params on the router proto
  patchLayer(require(express4Layer).prototype, 'handle_request', 'handle_error');
  patchParam(require(path.join(expressDir, 'lib/router/index.js')));
} else {
  // express 5: the `router` package (handleRequest/handleError), params on Router.prototype
  const routerDir = path.dirname(require.resolve('router/package.json', { paths: [expressDir] }));
  frameworkDirs.push(routerDir);
  patchLayer(require(path.join(routerDir, 'lib/layer.js')).prototype, 'handleRequest', 'handleError');
  patchParam(require(routerDir).prototype);
}

// ---- serve the app ---------------------------------------------------------------------------
function emit(kind, fields) {
  process.stdout.write(JSON.stringify({ mwchain: kind, ...fields }) + '\n');
}

let counter = 0;
function start() {
  const entry = process.env.MWCHAIN_FIXTURE_ENTRY
    ? path.resolve(fixtureDir, process.env.MWCHAIN_FIXTURE_ENTRY)
    : process.argv[1] && path.resolve(process.argv[1]);
  if (!entry) throw new Error('record-dispatch: set MWCHAIN_FIXTURE_ENTRY or pass the entry module');
  const exported = require(entry);
  const app = exported && typeof exported.handle === 'function' ? exported : exported && exported.default;
  if (typeof app !== 'function') throw new Error(`record-dispatch: ${entry} does not export an express app`);
  const server = http.createServer((req, res) => {
    const id = String(req.headers['x-mwchain-id'] || `auto-${++counter}`);
    const seq = [];
    req[RECORD] = seq;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      emit('dispatch', { id, status: res.statusCode, seq });
    };
    res.on('finish', finish);
    res.on('close', finish);
    app(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    emit('listening', { port: server.address().port, express: expressVersion });
  });
  if (process.env.MWCHAIN_EXIT_ON_STDIN_END === '1') {
    // a test runner that dies (its end of the stdin pipe closes) must not leave this process behind
    process.stdin.on('end', () => process.exit(0));
    process.stdin.on('error', () => process.exit(0));
    process.stdin.resume();
  }
}

// Let the main module (when it is the entry) finish loading first.
setImmediate(start);
