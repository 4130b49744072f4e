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
 * The hot lines, two dozen per request (enter, exit, finish): `head` + t + `rid` + `tail`, each
 * piece made once. The file copies their bytes, so no string is made for it to collect.
 */
export function emitEvent(head: Encoded, rid: Encoded, tail: Encoded): void {
  const t = stamp(); // stampBytes is the same instant
  sink.file?.writeParts(head.bytes, stampBytes, rid.bytes, tail.bytes);
  sink.control?.send(`${head.text}${t}${rid.text}${tail.text}`);
}

export function flush(): void {
  sink.file?.flush();
}

// A request's two dozen lines mostly fall in the same millisecond: its text is made once.
let stampMs = 0;
let stampText = '0';
let stampBytes: Uint8Array = Buffer.from('0');

function setStamp(ms: number): void {
  stampMs = ms;
  stampText = `${ms}`;
  stampBytes = Buffer.from(stampText, 'latin1');
}

/** Date.now() as the text of a line's `t`; `stampedMs()` is the same instant as a number. */
export function stamp(): string {
  const ms = Date.now();
  if (ms !== stampMs) setStamp(ms);
  return stampText;
}

export function stampedMs(): number {
  return stampMs;
}
