// Where events go: the trace file, the extension's control socket, or neither (then no event
// text is ever built; `sink.on` is the one check on the hot path).
import type { ControlChannel } from './control-channel';
import type { TraceFile } from './trace-file';

export const sink = {
  on: false,
  file: undefined as TraceFile | undefined,
  control: undefined as ControlChannel | undefined,
};

export function attachSinks(file: TraceFile | undefined, control: ControlChannel | undefined): void {
  sink.file = file;
  sink.control = control;
  sink.on = file !== undefined || control !== undefined;
}

/** `line` is one JSON object and its newline. */
export function emit(line: string): void {
  sink.file?.write(line);
  sink.control?.send(line);
}

/** A constant piece of trace lines, as text (the control channel's) and as UTF-8 (the file's). */
export class Encoded {
  readonly bytes: Uint8Array;
  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }
}

/**
 * The hot lines, two dozen per request (enter, exit, finish): `head` + t + `,"rid":N` + `tail`,
 * the pieces made once each. The file keeps references and numbers (TraceFile.event).
 */
export function emitEvent(head: Encoded, rid: number, tail: Encoded): void {
  const t = stamp();
  // the control socket's text in a function of its own: this one is inlined into every traced call
  if (sink.file !== undefined) sink.file.event(head.bytes, t, rid, tail.bytes);
  if (sink.control !== undefined) sendEvent(sink.control, head, t, rid, tail);
}

function sendEvent(control: ControlChannel, head: Encoded, t: number, rid: number, tail: Encoded): void {
  control.send(`${head.text}${t},"rid":${rid}${tail.text}`);
}

/** The `request` line: the file formats it later, from the method and url it keeps. */
export function emitRequest(rid: number, method: string, url: string): void {
  const t = stamp();
  sink.file?.request(t, rid, method, url);
  sink.control?.send(
    `{"type":"request","t":${t},"rid":${rid},"method":${JSON.stringify(method)},"url":${JSON.stringify(url)}}\n`,
  );
}

export function flush(): void {
  sink.file?.flush();
}

let lastStamp = 0;

/** Date.now(), for a line's `t`; `stampedMs()` gives it again. */
export function stamp(): number {
  return (lastStamp = Date.now());
}

export function stampedMs(): number {
  return lastStamp;
}
