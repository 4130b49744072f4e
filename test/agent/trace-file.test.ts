// The trace file notes lines, formats them into a buffer and writes that: whatever the sizes,
// the file gets every line, whole and in order, and a flush writes everything written before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineShape } from '../../src/agent/sink';
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

test('event, request and text lines land whole and in order, whatever their sizes, rids and times', () => {
  withFile((file) => {
    const trace = new TraceFile(file);
    const head = '{"type":"enter","t":';
    // names not in ASCII: the pieces are UTF-8, not one byte per character
    const shapes = [0, 1, 2].map(
      (k) => new LineShape(head, `,"name":"caf\u00e9_\u65e5${k}","definedAt":null}\n`),
    );
    const expected: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      // requests interleave, and a millisecond covers a few lines: the digits change, or not
      const rid = i % 5 === 0 ? i : 1 + (i % 3);
      const t = 1_700_000_000_000 + Math.floor(i / 4);
      // shapes seen before, with middles of another length than last time, and new ones
      const shape = i % 11 === 0 ? new LineShape(head, `,"name":"n${i}"}\n`) : shapes[i % 3];
      trace.event(shape, t, rid);
      expected.push(`${head}${t},"rid":${rid}${shape.tailText}`);
      if (i % 10 === 3) {
        // escapes, text not in ASCII, and more methods than are kept
        const method = i % 20 === 3 ? 'GET' : `M${i % 50}`;
        const url = i % 30 === 3 ? `/q?"a"=\\b&c=caf\u00e9\u{1F600}/${i}` : `/items/${i}`;
        trace.request(t, rid, method, url);
        expected.push(`${JSON.stringify({ type: 'request', t, rid, method, url })}\n`);
      }
      if (i % 1000 === 7) {
        const text = `${JSON.stringify({ type: 'finding', url: `/\u{1F600}/${i}` })}\n`;
        trace.write(text);
        expected.push(text);
      }
      if (i === 20_000) {
        // one line larger than the buffer
        const huge = new LineShape(head, `,"name":"${'x'.repeat(300_000)}"}\n`);
        trace.event(huge, t, rid);
        expected.push(`${head}${t},"rid":${rid}${huge.tailText}`);
        const url = `/${'y'.repeat(300_000)}`;
        trace.request(t, rid, 'POST', url);
        expected.push(`${JSON.stringify({ type: 'request', t, rid, method: 'POST', url })}\n`);
      }
    }
    trace.flush();
    assert.equal(readFileSync(file, 'utf8'), expected.join(''));
  });
});

test("a flush writes the event lines noted before it, and lets go of the app's text", () => {
  withFile((file) => {
    const trace = new TraceFile(file);
    const shape = new LineShape('{"type":"exit","t":', ',"name":"auth","outcome":"next"}\n');
    trace.write('{"type":"request"}\n');
    trace.request(4, 1, 'GET', '/private?token=abc');
    trace.event(shape, 5, 1);
    assert.equal(readFileSync(file, 'utf8'), '');
    trace.flush();
    const both =
      '{"type":"request"}\n{"type":"request","t":4,"rid":1,"method":"GET","url":"/private?token=abc"}\n' +
      '{"type":"exit","t":5,"rid":1,"name":"auth","outcome":"next"}\n';
    assert.equal(readFileSync(file, 'utf8'), both);
    trace.flush();
    assert.equal(readFileSync(file, 'utf8'), both);
    const noted = (trace as unknown as { pieces: unknown[] }).pieces;
    assert.ok(noted.every((piece) => typeof piece !== 'string'));
  });
});
