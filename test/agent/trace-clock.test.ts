// Lines that follow one another with no app code between share one read of the clock; any line
// after app code may have run reads it again. The fixture's clock moves a millisecond per read,
// so an equal `t` is a shared read and a greater one a fresh read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { FIXTURES, ridOf, RunningApp } from '../support/agent-app';

const CLOCK = path.join(FIXTURES, 'agent-express-clock', 'clock.cjs');

/** `type:name` (or `type`) of each line of request `rid` with its `t`, in order. */
function stamps(events: TraceEvent[], rid: number): [string, number][] {
  return events
    .filter((e) => 'rid' in e && e.rid === rid)
    .map((e) => ['name' in e ? `${e.type}:${e.name}` : e.type, e.t]);
}

/** How each line's `t` relates to the line before it: `same` (shared read) or `later`. */
function steps(lines: [string, number][]): string[] {
  return lines.map(([label, t], i) => {
    if (i === 0) return label;
    const before = lines[i - 1][1];
    return `${label} ${t === before ? 'same' : t > before ? 'later' : 'EARLIER'}`;
  });
}

for (const { label, pkg } of [
  { label: 'Express 4', pkg: 'express4' },
  { label: 'Express 5', pkg: 'express' },
]) {
  describe(`the trace's clock on ${label}`, () => {
    let app: RunningApp;
    before(async () => {
      app = await RunningApp.start({
        app: 'agent-express-clock/app.cjs',
        env: { MWCHAIN_TEST_EXPRESS: pkg },
        nodeArgs: ['--require', CLOCK],
      });
      // the first request through a layer reads the clock afresh (the agent meets the layer)
      for (const url of ['/plain', '/items/7']) assert.equal((await app.get(url)).status, 200);
    });
    after(() => app.stop());

    test('an enter the router reaches from next() in its own code shares the exit before it', async () => {
      assert.equal((await app.get('/plain')).body, 'plain');
      const events = await app.events((e) => e.filter((x) => x.type === 'finish').length >= 3);
      assert.deepEqual(steps(stamps(events, ridOf(events, 'GET', '/plain', 1))), [
        'request',
        'enter:first same',
        'exit:first later',
        'enter:second same',
        'exit:second later',
        // through the route's own layer: framework code only
        'enter:showPlain same',
        'exit:showPlain later',
        'finish same',
      ]);
    });

    test('a middleware or route after param callbacks (app code) reads the clock again', async () => {
      assert.equal((await app.get('/items/7')).body, 'item 7');
      const events = await app.events((e) => e.filter((x) => x.type === 'finish').length >= 4);
      assert.deepEqual(steps(stamps(events, ridOf(events, 'GET', '/items/7', 1))), [
        'request',
        'enter:first same',
        'exit:first later',
        'enter:second same',
        'exit:second later',
        'enter:withItem later',
        'exit:withItem later',
        'enter:showItem later',
        'exit:showItem later',
        'finish same',
      ]);
    });
  });
}
