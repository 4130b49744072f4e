// MWCHAIN_TRACE: JSON lines appended to a file. Each line is encoded straight into a buffer
// (no long string to build, flatten and encode again), and the buffer is written every few
// milliseconds: one write for many requests rather than thirty per request. Findings, a dying
// process (uncaught exception, unhandled rejection) and exit flush at once, so a crash right
// after an event still leaves it in the file; only a kill the process cannot see loses the last
// few milliseconds.
import * as fs from 'node:fs';
import { context } from './context';

const FLUSH_MS = 20;
const BUFFER_BYTES = 256 * 1024;

export class TraceFile {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private scheduled = false;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  write(line: string): void {
    // a UTF-8 byte count never exceeds three per UTF-16 unit
    if (this.used + line.length * 3 > this.buffer.length) {
      this.flush();
      if (line.length * 3 > this.buffer.length) {
        fs.writeSync(this.fd, line);
        return;
      }
    }
    this.used += this.buffer.write(line, this.used);
    if (!this.scheduled) {
      this.scheduled = true;
      // outside the request's async context: the timer must not keep a middleware's frame alive
      context.exit(() => setTimeout(this.flushSoon, FLUSH_MS).unref());
    }
  }

  readonly flush = (): void => {
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
  };

  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush();
  };
}
