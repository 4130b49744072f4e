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

export function flush(): void {
  sink.file?.flush();
}

// A request's two dozen lines mostly fall in the same millisecond: its text is made once.
let stampMs = 0;
let stampText = '0';

/** Date.now() as the text of a line's `t`; `stampedMs()` is the same instant as a number. */
export function stamp(): string {
  const ms = Date.now();
  if (ms !== stampMs) {
    stampMs = ms;
    stampText = `${ms}`;
  }
  return stampText;
}

export function stampedMs(): number {
  return stampMs;
}
