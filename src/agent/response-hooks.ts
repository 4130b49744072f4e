// Watches responses of traced requests at Node's ServerResponse, below every framework: the
// first write names the responder; a second response (headers after headers, end after end)
// is a double response, reported at the first responder, the middleware that answered and let
// the chain go on.
import * as http from 'node:http';
import { currentFrame } from './context';
import { report } from './findings';
import {
  finishRequest,
  responseStarted,
  startRequest,
  type RequestTrace,
  type Responder,
} from './request-trace';
import { guarded, state, stepAside } from './safety';

// A WeakMap, not a property: the app's response objects keep their shape. Consecutive lookups
// are nearly always for the same response (one request walks its whole chain synchronously),
// so the last answer is kept at hand.
const traces = new WeakMap<object, RequestTrace>();
let lastRes: object | undefined;
let lastTrace: RequestTrace | undefined;

let installed = false;

export function traceOf(res: object): RequestTrace | undefined {
  if (res === lastRes) return lastTrace;
  const trace = traces.get(res);
  if (trace !== undefined) {
    lastRes = res;
    lastTrace = trace;
  }
  return trace;
}

export function bindResponse(res: object, trace: RequestTrace): void {
  traces.set(res, trace);
  lastRes = res;
  lastTrace = trace;
}

interface RequestLine {
  method?: unknown;
  url?: unknown;
  /** Express and Koa keep the URL before mounts rewrote `url`. */
  originalUrl?: unknown;
}

/**
 * The trace of the request `res` answers, started the first time a front end sees the response.
 * `fallbackHandler` names who answers an error no handler of the app takes.
 */
export function traceForResponse(
  res: Responder,
  req: RequestLine | undefined,
  fallbackHandler: string,
): RequestTrace {
  return traceOf(res) ?? startTrace(res, req, fallbackHandler);
}

/** A new trace for the request `res` answers, which has none yet (`traceOf`). */
export function startTrace(
  res: Responder,
  req: RequestLine | undefined,
  fallbackHandler: string,
): RequestTrace {
  const url = typeof req?.originalUrl === 'string' ? req.originalUrl : req?.url;
  const trace = startRequest(
    typeof req?.method === 'string' ? req.method : '',
    typeof url === 'string' ? url : '',
    res,
    fallbackHandler,
  );
  bindResponse(res, trace);
  return trace;
}

function forget(res: object): void {
  if (lastRes === res) lastRes = lastTrace = undefined;
}

export function installResponseHooks(): void {
  if (installed) return;
  installed = true;
  const proto = http.ServerResponse.prototype;
  const { writeHead, end } = proto;

  // `function` keeps the app's `this` and arity-free argument passing. The hooks read nothing
  // from the response itself: Express gives every response a shape of its own, so each property
  // read there misses the engine's inline caches, once per request. The trace knows instead.
  proto.writeHead = function (this: http.ServerResponse) {
    const trace = state.active ? traceOf(this) : undefined;
    if (trace !== undefined) {
      try {
        if (trace.responded) doubleResponse(trace, 'writeHead');
        else responseStarted(trace, currentFrame());
      } catch (error) {
        stepAside(error);
      }
    }
    // eslint-disable-next-line prefer-rest-params -- the caller's exact arguments, no array per call
    return Reflect.apply(writeHead, this, arguments) as http.ServerResponse;
  } as typeof proto.writeHead;

  proto.end = function (this: http.ServerResponse) {
    const trace = state.active ? traceOf(this) : undefined;
    // eslint-disable-next-line prefer-rest-params -- the caller's exact arguments, no array per call
    if (trace === undefined) return Reflect.apply(end, this, arguments);
    const again = trace.endReturned;
    if (again) guarded(() => doubleResponse(trace, 'end'));
    // eslint-disable-next-line prefer-rest-params -- the caller's exact arguments, no array per call
    const result = Reflect.apply(end, this, arguments) as http.ServerResponse;
    if (!again) {
      trace.endReturned = true;
      forget(this);
      try {
        finishRequest(trace, true);
      } catch (error) {
        stepAside(error);
      }
    }
    return result;
  } as typeof proto.end;
}

/**
 * `second` wrote after the response was out. Node throws ERR_HTTP_HEADERS_SENT for the header
 * writes of that (Express's res.send sets headers first), and that error crosses the chain:
 * request-trace reports it from there, which spares a hook on every setHeader call.
 */
export function doubleResponse(
  trace: RequestTrace,
  how: string,
  second = trace.frameNow(currentFrame()),
): void {
  const first = trace.responder ?? second;
  if (!first) return;
  const what =
    second === first
      ? 'then wrote to the response again'
      : `and the chain went on: ${second ? `\`${second.info.name}\`` : 'the chain'} wrote to the response again`;
  report(
    'double-response',
    trace,
    first.info,
    `\`${first.info.name}\` responded, ${what} (${how} after the response was sent)`,
  );
}
