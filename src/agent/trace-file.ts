// MWCHAIN_TRACE: JSON lines appended to a file. The hot lines come as pieces already encoded
// (writeParts) and are copied into one buffer, so tracing a request makes no strings to collect;
// other lines are encoded into it. The buffer is written every few milliseconds: one write for
// many requests. Findings, a dying process (uncaught exception, unhandled
// rejection) and exit flush at once, so a crash right after an event still leaves it in the
// file; only a kill the process cannot see loses the last few milliseconds.
import * as fs from 'node:fs';
import { context } from './context';
import { stepAside } from './safety';

const FLUSH_MS = 20;
const BUFFER_BYTES = 256 * 1024;

export class TraceFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private scheduled = false;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  write(line: string): void {
    // a UTF-8 byte count never exceeds three per UTF-16 unit
    if (this.used + line.length * 3 > this.buffer.length) {
      this.flushBuffer();
      if (line.length * 3 > this.buffer.length) {
        fs.writeSync(this.fd, line);
        return;
      }
    }
    this.used += this.buffer.write(line, this.used);
    this.schedule();
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      // outside the request's async context: the timer must not keep a middleware's frame alive
      context.exit(() => setTimeout(this.flushSoon, FLUSH_MS).unref());
    }
  }

  /** One line given in pieces already encoded: copied into the buffer, with no string made. */
  writeParts(a: Uint8Array, b: Uint8Array, c: Uint8Array, d: Uint8Array): void {
    const size = a.length + b.length + c.length + d.length;
    if (this.used + size > this.buffer.length) {
      this.flushBuffer();
      if (size > this.buffer.length) {
        for (const part of [a, b, c, d]) fs.writeSync(this.fd, part);
        return;
      }
    }
    const buffer = this.buffer;
    let at = this.used;
    buffer.set(a, at);
    at += a.length;
    buffer.set(b, at);
    at += b.length;
    buffer.set(c, at);
    at += c.length;
    buffer.set(d, at);
    this.used = at + d.length;
    this.schedule();
  }

  readonly flush = (): void => this.flushBuffer();

  private flushBuffer(): void {
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
