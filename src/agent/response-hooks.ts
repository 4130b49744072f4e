// Watches responses of traced requests at Node's ServerResponse, below every framework: the
// first write names the responder; a second response (headers after headers, end after end)
// is a double response, reported at the first responder, the middleware that answered and let
// the chain go on.
import * as http from 'node:http';
import { currentFrame } from './context';
import { report } from './findings';
import { finishRequest, responseStarted, type RequestTrace } from './request-trace';
import { guarded, state } from './safety';

export const kTrace = Symbol('mwchain.trace');

type Traced = http.ServerResponse & { [kTrace]?: RequestTrace };

let installed = false;

export function traceOf(res: object): RequestTrace | undefined {
  return (res as Traced)[kTrace];
}

export function bindResponse(res: object, trace: RequestTrace): void {
  (res as Traced)[kTrace] = trace;
}

export function installResponseHooks(): void {
  if (installed) return;
  installed = true;
  const proto = http.ServerResponse.prototype;
  const { writeHead, end, setHeader } = proto;

  // `function` keeps the app's `this` and arity-free argument passing.
  proto.writeHead = function (this: Traced) {
    const trace = this[kTrace];
    if (trace !== undefined && state.active) {
      if (this.headersSent) guarded(() => doubleResponse(trace, 'writeHead'));
      else guarded(() => responseStarted(trace, currentFrame()));
    }
    return Reflect.apply(writeHead, this, arguments) as http.ServerResponse;
  } as typeof proto.writeHead;

  proto.end = function (this: Traced) {
    const trace = this[kTrace];
    if (trace === undefined || !state.active) return Reflect.apply(end, this, arguments);
    const again = this.writableEnded;
    if (again) guarded(() => doubleResponse(trace, 'end'));
    const result = Reflect.apply(end, this, arguments) as http.ServerResponse;
    if (!again) guarded(() => finishRequest(trace, this.statusCode));
    return result;
  } as typeof proto.end;

  proto.setHeader = function (this: Traced) {
    const trace = this[kTrace];
    if (trace !== undefined && this.headersSent && state.active) {
      guarded(() => doubleResponse(trace, 'setHeader'));
    }
    return Reflect.apply(setHeader, this, arguments) as http.ServerResponse;
  } as typeof proto.setHeader;
}

function doubleResponse(trace: RequestTrace, how: string): void {
  const second = trace.frameNow(currentFrame());
  const first = trace.responder ?? second;
  if (!first) return;
  const secondName = second && second !== first ? `\`${second.info.name}\`` : 'the chain';
  report(
    'double-response',
    trace,
    first.info,
    `\`${first.info.name}\` responded and the chain went on: ${secondName} wrote to the response again (${how} after the response was sent)`,
  );
}
