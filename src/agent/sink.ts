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

export const ENTER_HEAD = '{"type":"enter","t":';
export const EXIT_HEAD = '{"type":"exit","t":';
export const FINISH_HEAD = '{"type":"finish","t":';
export const REQUEST_HEAD = '{"type":"request","t":';

/**
 * One kind of hot line, two dozen per request (a middleware's `enter`, its `exit` with one
 * outcome, a `finish` with one status): `head` + t + `,"rid":` + rid + `tail`, the constant
 * pieces made once, as text (the control socket's) and as UTF-8 (the trace file's).
 */
export class LineShape {
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
  /**
   * The trace file's copy of the whole line, with room for a middle (t and rid) of
   * `wholeMiddle` bytes that it fills in: made when first needed, remade when that length changes.
   */
  whole: Uint8Array | undefined = undefined;
  wholeMiddle = -1;

  constructor(
    readonly headText: string,
    readonly tailText: string,
  ) {
    this.head = Buffer.from(headText, 'utf8');
    this.tail = Buffer.from(tailText, 'utf8');
  }
}

/**
 * A hot line, `t` from `stamp()` or, for a line that follows another at once, `stampedMs()`: the
 * file keeps a reference to its shape and its numbers (TraceFile.event).
 */
export function emitEvent(shape: LineShape, rid: number, t: number): void {
  // the control socket's text in a function of its own: this one is inlined into every traced call
  if (sink.file !== undefined) sink.file.event(shape, t, rid);
  if (sink.control !== undefined) sendEvent(sink.control, shape, t, rid);
}

function sendEvent(control: ControlChannel, shape: LineShape, t: number, rid: number): void {
  control.send(`${shape.headText}${t},"rid":${rid}${shape.tailText}`);
}

/** The `request` line: the file formats it later, from the method and url it keeps. */
export function emitRequest(rid: number, method: string, url: string): void {
  const t = stamp();
  sink.file?.request(t, rid, method, url);
  sink.control?.send(
    `${REQUEST_HEAD}${t},"rid":${rid},"method":${JSON.stringify(method)},"url":${JSON.stringify(url)}}\n`,
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

/**
 * The last line's `t` again, for a line that follows it with no app code run between: the agent's
 * own next line, or the framework's step from one middleware to the next. Reading the clock is
 * most of the trace's own work per line here (kvm-clock: about 40 ns a read, two dozen lines a
 * request), and lines written microseconds apart share their millisecond anyway.
 */
export function stampedMs(): number {
  return lastStamp;
}
