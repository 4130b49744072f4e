// MWCHAIN_TRACE: JSON lines appended to a file. Lines of one turn of the event loop are written
// together (one write instead of thirty per request); findings, a dying process and exit flush
// at once, so a crash right after an event still leaves it in the file.
import * as fs from 'node:fs';

export class TraceFile {
  private readonly fd: number;
  private pending = '';
  private scheduled = false;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  write(line: string): void {
    this.pending += line;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon).unref();
    }
  }

  readonly flush = (): void => {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    fs.writeSync(this.fd, text);
  };

  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush();
  };
}
