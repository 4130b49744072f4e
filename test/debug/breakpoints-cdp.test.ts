// Swallowed-error breakpoints against a real debugger. The fixture app (Express 4) runs under
// `node --inspect`; the test computes the sites as the extension does, sets each over CDP as
// js-debug would (Debugger.setBreakpointByUrl, the label condition wrapped like js-debug wraps
// it), and sends requests: one that makes a middleware catch must pause exactly at its site,
// inside the catch, with the caught error in scope; one that throws nothing must not pause.
// The empty catches get no site, and the last tests show why: V8 has no place to pause in them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { swallowPoints } from '../../src/debug/swallow-points';
import { swallowSites, type SwallowSite } from '../../src/debug/swallow-sites';
import { enclosingFunction, nodeAt, parse } from '../../src/fixes/edits';
import { lint } from '../../src/lint/lint';
import { RunningApp } from '../support/agent-app';
import { fixture } from '../support/fixtures';
import { CdpClient, type Paused } from '../support/cdp-client';

const APP_DIR = fixture('debug-swallowed');
const EXPRESS4 = path.join(__dirname, 'express4.cjs');

/**
 * What js-debug gives V8 for a breakpoint condition (wrapBreakCondition in
 * src/adapter/breakpoints/conditions/expression.ts of microsoft/vscode-js-debug).
 */
const asJsDebugSendsIt = (condition: string): string =>
  `(()=>{try{return ${condition};}catch(e){console.error(\`Breakpoint condition error: \${e.message||e}\`);return false}})()`;

const { sites, unbreakable } = (() => {
  const model = ChainAnalyzer.open(APP_DIR).model();
  return swallowSites(APP_DIR, { swallowPoints: swallowPoints(model, lint(model).findings) });
})();

function siteOf(name: string): SwallowSite {
  const site = sites.find((s) => s.label === `mwchain: swallowed error in \`${name}\``);
  assert.ok(site, `no site for ${name} in ${sites.map((s) => s.label).join(', ')}`);
  return site;
}

const urlOf = (file: string): string => pathToFileURL(file).href;

/** A request the app never answers: 'timed out' once the client gives up. */
const hangs = (reply: Promise<unknown>): Promise<string> =>
  reply.then(
    () => 'answered',
    (e: Error) => (/timeout/.test(e.message) ? 'timed out' : e.message),
  );

describe('swallowed-error breakpoints in a real debugger', () => {
  let app: RunningApp;
  let cdp: CdpClient;
  const resolved = new Map<string, { lineNumber: number; columnNumber?: number }[]>();
  const breakpointIds: string[] = [];

  before(async () => {
    app = await RunningApp.start({
      app: 'debug-swallowed/app.js',
      agent: false,
      nodeArgs: ['--inspect=127.0.0.1:0', '--require', EXPRESS4],
    });
    cdp = await CdpClient.attach(() => app.stderr);
    for (const site of sites) {
      const r = await cdp.send<{
        breakpointId: string;
        locations: { lineNumber: number; columnNumber?: number }[];
      }>('Debugger.setBreakpointByUrl', {
        url: urlOf(site.file),
        lineNumber: site.line - 1,
        columnNumber: site.column - 1,
        condition: asJsDebugSendsIt(site.condition),
      });
      resolved.set(site.key, r.locations);
      breakpointIds.push(r.breakpointId);
    }
  });
  after(async () => {
    cdp?.close();
    await app?.stop();
  });

  test('the analysis gives a site for each breakable swallow, none for the empty catches', () => {
    assert.deepEqual(
      sites.map((s) => `${path.basename(s.file)}:${s.line}:${s.column} ${s.condition}`),
      [
        'app.js:16:19 /* mwchain: swallowed error in listOrders */ true',
        'app.js:21:5 /* mwchain: swallowed error in readReport */ err != null',
        'load-user.js:7:5 /* mwchain: swallowed error in loadUser */ true',
      ],
    );
    assert.deepEqual(
      unbreakable.map((u) => `${path.basename(u.file)}:${u.line}:${u.column} ${u.label}`),
      [
        'app.js:29:5 mwchain: swallowed error in `readSettings`',
        'app.js:35:5 mwchain: swallowed error in `readPreferences`',
      ],
    );
  });

  test('the app runs Express 4', async () => {
    const r = await cdp.send<{ result: { value: string } }>('Runtime.evaluate', {
      expression: "process.mainModule.require('express/package.json').version",
      returnByValue: true,
    });
    assert.match(r.result.value, /^4\./);
  });

  test('V8 sets every breakpoint exactly at its site, not further on', () => {
    for (const site of sites)
      assert.deepEqual(
        resolved.get(site.key)?.map((l) => [l.lineNumber + 1, (l.columnNumber ?? 0) + 1]),
        [[site.line, site.column]],
        site.label,
      );
  });

  test('a bad header pauses inside the catch of loadUser, with err in the catch scope', async () => {
    const site = siteOf('loadUser');
    const reply = hangs(
      app.request('GET', '/orders', { headers: { 'x-user': 'not json' }, timeoutMs: 1000 }),
    );
    const paused = await cdp.nextPause();
    try {
      assertPausedAt(cdp, paused, site);
      const frame = paused.callFrames[0]!;
      assert.equal(frame.functionName, 'loadUser');
      const catchScope = frame.scopeChain.find((s) => s.type === 'catch');
      assert.ok(catchScope, `scopes: ${frame.scopeChain.map((s) => s.type).join(', ')}`);
      assert.deepEqual(await cdp.scopeNames(catchScope), ['err']);
      assert.equal(await cdp.evaluate(paused, `${site.binding} instanceof SyntaxError`), true);
      assert.match(String(await cdp.evaluate(paused, `${site.binding}.message`)), /JSON/);
    } finally {
      await cdp.send('Debugger.resume');
    }
    // the catch swallowed it: the request hangs until the client gives up
    assert.equal(await reply, 'timed out');
  });

  test('.catch(() => {}) pauses inside the callback when the promise rejects', async () => {
    const site = siteOf('listOrders');
    const reply = hangs(app.request('GET', '/orders?fail=1', { timeoutMs: 1000 }));
    const paused = await cdp.nextPause();
    try {
      assertPausedAt(cdp, paused, site);
      // the callback itself, called by the promise, not listOrders
      assert.equal(paused.callFrames[0]!.functionName, '');
      assert.equal(paused.callFrames[0]!.scopeChain[0]!.type, 'local');
    } finally {
      await cdp.send('Debugger.resume');
    }
    assert.equal(await reply, 'timed out');
  });

  test('an err-first callback pauses when it gets an error, with err in scope', async () => {
    const site = siteOf('readReport');
    const reply = hangs(app.request('GET', '/reports/missing.txt', { timeoutMs: 1000 }));
    const paused = await cdp.nextPause();
    try {
      assertPausedAt(cdp, paused, site);
      const local = paused.callFrames[0]!.scopeChain[0]!;
      assert.equal(local.type, 'local');
      assert.ok((await cdp.scopeNames(local)).includes('err'));
      assert.equal(await cdp.evaluate(paused, 'err.code'), 'ENOENT');
    } finally {
      await cdp.send('Debugger.resume');
    }
    assert.equal(await reply, 'timed out');
  });

  test('requests that throw nothing do not pause', async () => {
    assert.equal((await app.get('/orders', { timeoutMs: 3000 })).body, '[{"id":1}]');
    const report = await app.get('/reports/daily.txt', { timeoutMs: 3000 });
    assert.equal(report.body.trim(), 'sales: 42');
    assert.equal((await app.get('/settings?s=%7B%22a%22%3A1%7D', { timeoutMs: 3000 })).body, '{"a":1}');
    assert.equal((await app.get('/preferences?p=2', { timeoutMs: 3000 })).body, '2');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(cdp.queuedPauses, 0);
  });

  test('the label condition pauses as V8 gets it from older js-debug too (not wrapped)', async () => {
    for (const id of breakpointIds.splice(0))
      await cdp.send('Debugger.removeBreakpoint', { breakpointId: id });
    const site = siteOf('loadUser');
    const r = await cdp.send<{ breakpointId: string }>('Debugger.setBreakpointByUrl', {
      url: urlOf(site.file),
      lineNumber: site.line - 1,
      columnNumber: site.column - 1,
      condition: site.condition,
    });
    const reply = hangs(app.request('GET', '/', { headers: { 'x-user': '{' }, timeoutMs: 1000 }));
    const paused = await cdp.nextPause();
    try {
      assertPausedAt(cdp, paused, site);
      assert.ok(paused.hitBreakpoints?.includes(r.breakpointId));
    } finally {
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.removeBreakpoint', { breakpointId: r.breakpointId });
    }
    assert.equal(await reply, 'timed out');
  });

  test('an empty catch block has no place to pause: its closing brace resolves past the try', async () => {
    assert.equal(unbreakable.length, 2);
    for (const u of unbreakable) {
      const text = readFileSync(u.file, 'utf8');
      const sf = parse(u.file, text);
      const clause = nodeAt(sf, u.line, u.column, ts.isCatchClause)!;
      const fn = enclosingFunction(clause)!;
      const lc = (pos: number) => sf.getLineAndCharacterOfPosition(pos);
      const scriptId = cdp.scripts.get(urlOf(u.file))!;
      const range = async (from: number, to: number) =>
        (
          await cdp.send<{ locations: { lineNumber: number; columnNumber: number }[] }>(
            'Debugger.getPossibleBreakpoints',
            {
              start: { scriptId, lineNumber: lc(from).line, columnNumber: lc(from).character },
              end: { scriptId, lineNumber: lc(to).line, columnNumber: lc(to).character },
            },
          )
        ).locations;
      // the function has places to pause (it is compiled), the catch block none
      assert.ok((await range(fn.getStart(sf), fn.getEnd())).length > 0, u.label);
      assert.deepEqual(await range(clause.getStart(sf), clause.getEnd()), [], u.label);

      // a breakpoint on the block's closing brace lands after the try statement, outside the catch
      const brace = lc(clause.block.getEnd() - 1);
      const set = await cdp.send<{
        breakpointId: string;
        locations: { lineNumber: number; columnNumber: number }[];
      }>('Debugger.setBreakpointByUrl', {
        url: urlOf(u.file),
        lineNumber: brace.line,
        columnNumber: brace.character,
      });
      const landed = set.locations[0]!;
      const tryEnd = lc(clause.parent.getEnd());
      assert.ok(
        landed.lineNumber > tryEnd.line ||
          (landed.lineNumber === tryEnd.line && landed.columnNumber >= tryEnd.character),
        `${u.label}: landed at ${landed.lineNumber + 1}:${landed.columnNumber + 1}`,
      );
      // ... where a request that throws nothing stops as well
      const route = u.label.includes('readSettings') ? '/settings?s=1' : '/preferences?p=1';
      const reply = app.get(route, { timeoutMs: 3000 });
      const paused = await cdp.nextPause();
      assert.equal(paused.callFrames[0]!.location.lineNumber, landed.lineNumber);
      assert.equal(
        paused.callFrames[0]!.scopeChain.some((s) => s.type === 'catch'),
        false,
      );
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.removeBreakpoint', { breakpointId: set.breakpointId });
      assert.equal((await reply).status, 200);
    }
  });
});

function assertPausedAt(cdp: CdpClient, paused: Paused, site: SwallowSite): void {
  const frame = paused.callFrames[0]!;
  assert.equal(paused.reason, 'other');
  assert.equal(frame.location.scriptId, cdp.scripts.get(urlOf(site.file)), 'the script of the site');
  assert.deepEqual(
    [frame.location.lineNumber + 1, (frame.location.columnNumber ?? 0) + 1],
    [site.line, site.column],
  );
}
