// The trace file batches lines in memory and in a buffer: whatever the sizes, what lands in the
// file is every line, whole and in order, and a flush writes everything written before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Encoded } from '../../src/agent/sink';
import { TraceFile } from '../../src/agent/trace-file';

function withFile(run: (file: string) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-trace-file-'));
  try {
    run(path.join(dir, 'trace.jsonl'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('many lines, some not ASCII, one larger than the buffer: all of them, in order', () => {
  withFile((file) => {
    writeFileSync(file, '{"earlier":true}\n');
    const trace = new TraceFile(file);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const url = i % 7 === 0 ? `/caf\u00e9/\u65e5\u672c/${i}/\u{1F600}` : `/items/${i}`;
      lines.push(`${JSON.stringify({ type: 'request', t: i, rid: i, method: 'GET', url })}\n`);
      if (i === 12_345) lines.push(`${JSON.stringify({ type: 'finish', note: 'x'.repeat(300_000) })}\n`);
    }
    for (const line of lines) trace.write(line);
    trace.flush();
    assert.equal(readFileSync(file, 'utf8'), `{"earlier":true}\n${lines.join('')}`);
  });
});

test('a flush writes what came before it at once, not on the next timer', () => {
  withFile((file) => {
    const trace = new TraceFile(file);
    trace.write('{"type":"finding"}\n');
    assert.equal(readFileSync(file, 'utf8'), '');
    trace.flush();
    assert.equal(readFileSync(file, 'utf8'), '{"type":"finding"}\n');
    trace.flush();
    assert.equal(readFileSync(file, 'utf8'), '{"type":"finding"}\n');
  });
});

test('lines given as encoded pieces and as text land whole and in order, whatever their sizes', () => {
  withFile((file) => {
    const trace = new TraceFile(file);
    const head = new Encoded('{"type":"enter","t":');
    const expected: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const rid = new Encoded(`,"rid":${i}`);
      // names not in ASCII: the pieces are UTF-8, not one byte per character
      const tail = new Encoded(`,"name":"caf\u00e9_\u65e5${i % 3}","definedAt":null}\n`);
      const t = new Encoded(String(1_700_000_000_000 + i));
      trace.writeParts(head.bytes, t.bytes, rid.bytes, tail.bytes);
      expected.push(`${head.text}${t.text}${rid.text}${tail.text}`);
      if (i % 1000 === 7) {
        const text = `${JSON.stringify({ type: 'finding', url: `/\u{1F600}/${i}` })}\n`;
        trace.write(text);
        expected.push(text);
      }
      if (i === 20_000) {
        // one line larger than the buffer, in pieces
        const huge = new Encoded(`,"name":"${'x'.repeat(300_000)}"}\n`);
        trace.writeParts(head.bytes, t.bytes, rid.bytes, huge.bytes);
        expected.push(`${head.text}${t.text}${rid.text}${huge.text}`);
      }
    }
    trace.flush();
    assert.equal(readFileSync(file, 'utf8'), expected.join(''));
  });
});
