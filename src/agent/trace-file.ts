// MWCHAIN_TRACE: JSON lines appended to a file. A request writes two dozen lines while the app
// waits, so where they happen they are only noted: the line's shape (its constant text, already
// UTF-8) and its numbers (t and rid). A few dozen requests' lines at a time are copied
// into one buffer in one loop, and the buffer is written when full or every few milliseconds:
// the same copies cost less in a loop of their own than spread between the app's calls (the
// agent bench, trace to a file: 0.86-0.89 of the bare app's CPU time with the copies made where
// the lines happen, 0.86-0.91 and a median of 0.89 this way, both while locating middleware
// through the Debugger domain still cost 3-5 points: see locations.ts). Findings, a dying process
// (uncaught exception, unhandled rejection) and exit flush at once, so a crash right after an
// event still leaves it in the file; only a kill the process cannot see loses the last few ms.
import * as fs from 'node:fs';
import { context } from './context';
import { stepAside } from './safety';
import { LineShape, REQUEST_HEAD } from './sink';

const FLUSH_MS = 20;
// Few, large writes: appending to a file on ext4 here cost about 0.46 µs of system time per
// request's lines when written 32 KB at a time, 0.28 µs at 256 KB.
const BUFFER_BYTES = 256 * 1024;
/** Lines noted before they are formatted: about forty requests of an app with ten middleware. */
const NOTED_LINES = 1024;

// What a noted line is; its slots: pieces[2i], pieces[2i + 1], numbers[2i], numbers[2i + 1].
/** A whole line of text: pieces[2i]. */
const TEXT = 0;
/** shape, t, rid: the shape's head, t `,"rid":` rid, its tail. */
const EVENT = 1;
/** method, url (strings), t, rid: a `request` line. */
const REQUEST = 2;

const RID_KEY = Buffer.from(',"rid":', 'latin1');

export class TraceFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private scheduled = false;
  private readonly kinds = new Uint8Array(NOTED_LINES);
  private readonly pieces: (LineShape | string | null)[] = new Array(2 * NOTED_LINES).fill(null);
  private readonly numbers = new Float64Array(2 * NOTED_LINES);
  private noted = 0;
  // `t,"rid":rid` of the last line formatted: a request's lines mostly share it. One array per
  // length, rewritten in place (putLine copies it out at once): no allocation per request.
  private t = -1;
  private rid = -1;
  private middle: Uint8Array = RID_KEY;
  private readonly middles: Uint8Array[] = [];
  /** `{"type":"request","t":` t `,"rid":` rid `,"method":"GET","url":` and the like, one per method. */
  private readonly requestShapes = new Map<string, LineShape>();

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  /** A line of `shape` with `t` and `rid`. */
  event(shape: LineShape, t: number, rid: number): void {
    this.note(EVENT, shape, null, t, rid);
  }

  /** The `request` line. */
  request(t: number, rid: number, method: string, url: string): void {
    this.note(REQUEST, method, url, t, rid);
  }

  /** `line` is one JSON object and its newline. */
  write(line: string): void {
    this.note(TEXT, line, null, 0, 0);
  }

  /** Writes every line noted so far. */
  readonly flush = (): void => {
    this.format();
    this.writeBuffer();
  };

  private note(kind: number, a: LineShape | string, b: string | null, t: number, rid: number): void {
    const line = this.noted;
    this.kinds[line] = kind;
    this.pieces[2 * line] = a;
    this.pieces[2 * line + 1] = b;
    this.numbers[2 * line] = t;
    this.numbers[2 * line + 1] = rid;
    if ((this.noted = line + 1) === NOTED_LINES) this.format();
    if (!this.scheduled) this.schedule();
  }

  private schedule(): void {
    this.scheduled = true;
    // outside the request's async context: the timer must not keep a middleware's frame alive
    context.exit(() => setTimeout(this.flushSoon, FLUSH_MS).unref());
  }

  private format(): void {
    const { kinds, pieces, numbers } = this;
    const count = this.noted;
    this.noted = 0;
    for (let line = 0; line < count; line++) {
      const i = 2 * line;
      const kind = kinds[line];
      if (kind === EVENT) {
        this.putLine(pieces[i] as LineShape, this.middleFor(numbers[i], numbers[i + 1]));
      } else {
        // the noted text is the app's (its urls): let it go; shapes are the agent's, and stay
        if (kind === REQUEST) {
          this.putRequest(pieces[i] as string, pieces[i + 1] as string, numbers[i], numbers[i + 1]);
        } else this.putText(pieces[i] as string);
        pieces[i] = null;
        pieces[i + 1] = null;
      }
    }
  }

  /** The bytes of `t,"rid":rid`, made anew only when one of them changed. */
  private middleFor(t: number, rid: number): Uint8Array {
    if (t !== this.t || rid !== this.rid) {
      this.t = t;
      this.rid = rid;
      const tEnd = digitCount(t);
      const length = tEnd + RID_KEY.length + digitCount(rid);
      const middle = (this.middles[length] ??= new Uint8Array(length));
      putDigits(middle, tEnd, t);
      for (let k = 0; k < RID_KEY.length; k++) middle[tEnd + k] = RID_KEY[k];
      putDigits(middle, middle.length, rid);
      this.middle = middle;
    }
    return this.middle;
  }

  /**
   * One copy of the shape's whole line, then the middle over the room left for it: per line, the
   * copy's fixed cost is most of the work, and three copies (head, middle, tail) cost twice this.
   */
  private putLine(shape: LineShape, middle: Uint8Array): void {
    const whole =
      shape.wholeMiddle === middle.length ? (shape.whole as Uint8Array) : wholeLine(shape, middle);
    const size = whole.length;
    if (this.used + size > BUFFER_BYTES) {
      this.writeBuffer();
      if (size > BUFFER_BYTES) {
        for (const part of [shape.head, middle, shape.tail]) fs.writeSync(this.fd, part);
        return;
      }
    }
    const buffer = this.buffer;
    const at = this.used;
    buffer.set(whole, at);
    // not a loop over the bytes: in a loop of its own, that took 16 ns a line and `set` 11
    buffer.set(middle, at + shape.head.length);
    this.used = at + size;
  }

  private putRequest(method: string, url: string, t: number, rid: number): void {
    let shape = this.requestShapes.get(method);
    if (!shape) {
      shape = new LineShape(REQUEST_HEAD, `,"method":${JSON.stringify(method)},"url":`);
      // methods are few, but a client can send any token: keep the usual ones
      if (this.requestShapes.size < 32) this.requestShapes.set(method, shape);
    }
    this.putLine(shape, this.middleFor(t, rid));
    this.putText(`${JSON.stringify(url)}}\n`);
  }

  private putText(line: string): void {
    // a UTF-8 byte count never exceeds three per UTF-16 unit
    if (this.used + line.length * 3 > BUFFER_BYTES) {
      this.writeBuffer();
      if (line.length * 3 > BUFFER_BYTES) {
        fs.writeSync(this.fd, line);
        return;
      }
    }
    this.used += this.buffer.write(line, this.used);
  }

  private writeBuffer(): void {
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
  }

  private readonly flushSoon = (): void => {
    this.scheduled = false;
    try {
      this.flush();
    } catch (error) {
      // a full disk, say: from a timer this would be the app's uncaught exception
      stepAside(error);
    }
  };
}

/** The shape's whole line, with zeros where the middle (t and rid) goes, kept on the shape. */
function wholeLine(shape: LineShape, middle: Uint8Array): Uint8Array {
  const whole = new Uint8Array(shape.head.length + middle.length + shape.tail.length);
  whole.set(shape.head, 0);
  whole.set(shape.tail, shape.head.length + middle.length);
  shape.whole = whole;
  shape.wholeMiddle = middle.length;
  return whole;
}

/** The number of decimal digits of `n`, a whole number from 0 up. */
function digitCount(n: number): number {
  let count = 1;
  for (let power = 10; power <= n; power *= 10) count++;
  return count;
}

/** Writes the digits of `n` (a whole number from 0 up) to `bytes`, ending just before `end`. */
function putDigits(bytes: Uint8Array, end: number, n: number): void {
  let at = end;
  do {
    const rest = Math.floor(n / 10);
    bytes[--at] = 48 + n - rest * 10;
    n = rest;
  } while (n > 0);
}
