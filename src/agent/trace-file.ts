// MWCHAIN_TRACE: JSON lines appended to a file. Lines are joined by V8's string concatenation
// and encoded into one buffer a few requests' worth at a time (one call into Node's encoder for
// dozens of lines, and the strings die young), and the buffer is written every few milliseconds:
// one write for many requests. Findings, a dying process (uncaught exception, unhandled
// rejection) and exit flush at once, so a crash right after an event still leaves it in the
// file; only a kill the process cannot see loses the last few milliseconds.
import * as fs from 'node:fs';
import { context } from './context';
import { stepAside } from './safety';

const FLUSH_MS = 20;
const BUFFER_BYTES = 256 * 1024;
/** UTF-16 units of lines joined before they are encoded into the buffer. */
const ENCODE_AT = 8 * 1024;

export class TraceFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private pending = '';
  private scheduled = false;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  write(line: string): void {
    this.pending += line;
    if (this.pending.length >= ENCODE_AT) this.encode();
    if (!this.scheduled) {
      this.scheduled = true;
      // outside the request's async context: the timer must not keep a middleware's frame alive
      context.exit(() => setTimeout(this.flushSoon, FLUSH_MS).unref());
    }
  }

  readonly flush = (): void => {
    this.encode();
    this.flushBuffer();
  };

  private encode(): void {
    const text = this.pending;
    if (!text) return;
    this.pending = '';
    // a UTF-8 byte count never exceeds three per UTF-16 unit
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flushBuffer();
      if (text.length * 3 > this.buffer.length) {
        fs.writeSync(this.fd, text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

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
