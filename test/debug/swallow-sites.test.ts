// The extension's side of swallowed-error breakpoints, without VS Code: sites from an analysis
// result, the label condition (as js-debug evaluates it), and the book that keeps the editor's
// breakpoints in step with the analysis without ever touching the user's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  isSwallowCondition,
  labelCondition,
  SwallowBreakpointBook,
  swallowSites,
  type SwallowSite,
} from '../../src/debug/swallow-sites';
import type { SwallowPoint } from '../../src/protocol/analysis-messages';

const ROOT = path.join(path.sep, 'work', 'shop');

const point = (file: string, line: number, label: string, stop?: number, extra: Partial<SwallowPoint> = {}) =>
  ({
    finding: { file, line, column: 5 },
    label: `swallowed error in ${label}`,
    ...(stop === undefined ? { reason: 'empty' } : { stopAt: { file, line: stop, column: 7 } }),
    ...extra,
  }) satisfies SwallowPoint;

/** js-debug's wrapping of a breakpoint condition (wrapBreakCondition in vscode-js-debug). */
function evaluateAsJsDebug(condition: string, scope: Record<string, unknown> = {}): unknown {
  const wrapped = `(()=>{try{return ${condition};}catch(e){return 'failed: ' + e.message}})()`;
  return new Function(...Object.keys(scope), `return ${wrapped};`)(...Object.values(scope));
}

describe('swallow sites', () => {
  test('absolute, 1-based, labelled; unbreakable ones apart', () => {
    const { sites, unbreakable } = swallowSites(ROOT, {
      swallowPoints: [
        point('src/users.js', 20, '`loadUser`', 21, { binding: 'err' }),
        point('src/app.js', 8, 'the handler of GET /', 9),
        point('src/app.js', 30, '`readConfig`', 31, { binding: 'err', when: 'err != null' }),
        point('src/app.js', 40, '`readSettings`'),
      ],
    });
    assert.deepEqual(
      sites.map((s) => [path.relative(ROOT, s.file), s.line, s.column, s.label, s.condition, s.binding]),
      [
        [
          path.join('src', 'app.js'),
          9,
          7,
          'mwchain: swallowed error in the handler of GET /',
          '/* mwchain: swallowed error in the handler of GET / */ true',
          undefined,
        ],
        [
          path.join('src', 'app.js'),
          31,
          7,
          'mwchain: swallowed error in `readConfig`',
          '/* mwchain: swallowed error in readConfig */ err != null',
          'err',
        ],
        [
          path.join('src', 'users.js'),
          21,
          7,
          'mwchain: swallowed error in `loadUser`',
          '/* mwchain: swallowed error in loadUser */ true',
          'err',
        ],
      ],
    );
    assert.deepEqual(unbreakable, [
      {
        file: path.join(ROOT, 'src', 'app.js'),
        line: 40,
        column: 5,
        label: 'mwchain: swallowed error in `readSettings`',
        reason: 'empty',
      },
    ]);
  });

  test('identities survive lines moving; two catches of one middleware stay apart', () => {
    const before = swallowSites(ROOT, {
      swallowPoints: [point('a.js', 10, '`f`', 11), point('a.js', 20, '`f`', 21)],
    }).sites;
    const moved = swallowSites(ROOT, {
      swallowPoints: [point('a.js', 13, '`f`', 14), point('a.js', 23, '`f`', 24)],
    }).sites;
    assert.notEqual(before[0]!.identity, before[1]!.identity);
    assert.deepEqual(
      moved.map((s) => s.identity),
      before.map((s) => s.identity),
    );
    assert.notDeepEqual(
      moved.map((s) => s.key),
      before.map((s) => s.key),
    );
  });

  test('a result without points (an older worker) has no sites', () => {
    assert.deepEqual(swallowSites(ROOT, {}), { sites: [], unbreakable: [] });
  });
});

describe('label conditions', () => {
  test('read as the label and are true where js-debug evaluates them', () => {
    const c = labelCondition('mwchain: swallowed error in `loadUser`');
    assert.equal(c, '/* mwchain: swallowed error in loadUser */ true');
    assert.equal(evaluateAsJsDebug(c), true);
  });

  test('an err-first condition is true only with an error', () => {
    const c = labelCondition('mwchain: swallowed error in `readConfig`', 'err != null');
    assert.equal(evaluateAsJsDebug(c, { err: new Error('x') }), true);
    assert.equal(evaluateAsJsDebug(c, { err: null }), false);
    assert.equal(evaluateAsJsDebug(c, { err: undefined }), false);
  });

  test('a label cannot end the comment early or break the line after return', () => {
    const c = labelCondition('mwchain: swallowed error in the handler of GET /a/*/b\nx */ false; //');
    assert.equal(evaluateAsJsDebug(c), true);
    assert.equal(c.split('\n').length, 1);
    assert.equal(c.indexOf('*/'), c.lastIndexOf('*/'));
  });

  test('ours are recognised by their prefix', () => {
    assert.equal(isSwallowCondition('/* mwchain: swallowed error in f */ true'), true);
    assert.equal(isSwallowCondition('/* mwchain: swallowed error in f */ req.url === "/x"'), true);
    assert.equal(isSwallowCondition('x > 1'), false);
    assert.equal(isSwallowCondition('/* my note */ true'), false);
    assert.equal(isSwallowCondition(undefined), false);
  });
});

/** The editor's side for the book: breakpoints by id, as the glue keeps them. */
class Editor {
  readonly breakpoints = new Map<string, { key: string; condition: string }>();
  private next = 1;
  readonly book = new SwallowBreakpointBook<string>();

  sync(sites: SwallowSite[]): { added: number; removed: number } {
    const { add, remove } = this.book.sync(sites);
    for (const id of remove) this.breakpoints.delete(id);
    for (const site of add) {
      const id = `bp${this.next++}`;
      this.book.track(id, id, site);
      this.breakpoints.set(id, { key: site.key, condition: site.condition });
    }
    return { added: add.length, removed: remove.length };
  }

  /** The user removes a breakpoint in the editor. */
  userRemoves(id: string): boolean {
    this.breakpoints.delete(id);
    return this.book.removed(id);
  }

  userEdits(id: string, now: { key?: string; condition?: string }) {
    const bp = this.breakpoints.get(id)!;
    const next = { key: now.key ?? bp.key, condition: now.condition ?? bp.condition };
    this.breakpoints.set(id, next);
    return this.book.changed(id, id, next);
  }

  idAt(key: string): string {
    return [...this.breakpoints].find(([, b]) => b.key === key)![0];
  }

  keys(): string[] {
    return [...this.breakpoints.values()].map((b) => b.key).sort();
  }
}

const sitesAt = (...lines: [number, string?][]): SwallowSite[] =>
  swallowSites(ROOT, {
    // by default each catch is in its own middleware, named by its rank: moving lines keeps names
    swallowPoints: lines.map(([line, label], i) => point('app.js', line - 1, label ?? `\`f${i}\``, line)),
  }).sites;

const key = (line: number) => `${path.join(ROOT, 'app.js')}:${line}:7`;

describe('the breakpoint book', () => {
  test('adds every site once, then nothing while the analysis says the same', () => {
    const e = new Editor();
    assert.deepEqual(e.sync(sitesAt([10], [20])), { added: 2, removed: 0 });
    assert.deepEqual(e.sync(sitesAt([10], [20])), { added: 0, removed: 0 });
    assert.deepEqual(e.sync([...sitesAt([10], [20]), ...sitesAt([10])]), { added: 0, removed: 0 });
    assert.deepEqual(e.keys(), [key(10), key(20)]);
  });

  test('follows the analysis: gone sites removed, new ones added, a renamed one relabelled', () => {
    const e = new Editor();
    e.sync(sitesAt([10, '`a`'], [20, '`b`']));
    assert.deepEqual(e.sync(sitesAt([20, '`b`'], [30, '`c`'])), { added: 1, removed: 1 });
    assert.deepEqual(e.keys(), [key(20), key(30)]);
    assert.deepEqual(e.sync(sitesAt([20, '`renamed`'], [30, '`c`'])), { added: 1, removed: 1 });
    assert.equal(
      e.breakpoints.get(e.idAt(key(20)))!.condition,
      '/* mwchain: swallowed error in renamed */ true',
    );
  });

  test('what the book removes itself is forgotten first, so the editor event is not the user', () => {
    const e = new Editor();
    e.sync(sitesAt([10]));
    const id = e.idAt(key(10));
    e.sync([]);
    assert.equal(e.book.removed(id), false);
    assert.equal(e.book.size, 0);
  });

  test('a breakpoint the user removes stays away until the toggle goes off and on', () => {
    const e = new Editor();
    e.sync(sitesAt([10], [20]));
    assert.equal(e.userRemoves(e.idAt(key(10))), true);
    assert.deepEqual(e.sync(sitesAt([10], [20])), { added: 0, removed: 0 });
    // lines above moved: still the same catch, still away
    assert.deepEqual(e.sync(sitesAt([12], [22])), { added: 1, removed: 1 });
    assert.deepEqual(e.keys(), [key(22)]);
    // off, then on
    e.book.releaseAll().forEach((id) => e.breakpoints.delete(id));
    e.book.clearDismissed();
    assert.deepEqual(e.sync(sitesAt([12], [22])), { added: 2, removed: 0 });
  });

  test('moved with its text: still ours, no churn once the analysis agrees', () => {
    const e = new Editor();
    e.sync(sitesAt([10]));
    const id = e.idAt(key(10));
    assert.equal(e.userEdits(id, { key: key(13) }), 'kept');
    assert.deepEqual(e.sync(sitesAt([13])), { added: 0, removed: 0 });
    assert.deepEqual(e.book.releaseAll(), [id]);
  });

  test('an edited condition that keeps the label stays as the user wrote it, and still ours', () => {
    const e = new Editor();
    e.sync(sitesAt([10]));
    const id = e.idAt(key(10));
    const edited = "/* mwchain: swallowed error in f0 */ req.url === '/x'";
    assert.equal(e.userEdits(id, { condition: edited }), 'kept');
    assert.deepEqual(e.sync(sitesAt([10])), { added: 0, removed: 0 });
    assert.equal(e.breakpoints.get(id)!.condition, edited);
    // its catch gone: removed like the others
    assert.deepEqual(e.sync([]), { added: 0, removed: 1 });
  });

  test('a condition without the label makes it the user’s: never removed, never set again', () => {
    const e = new Editor();
    e.sync(sitesAt([10, '`a`'], [20, '`b`']));
    const id = e.idAt(key(10));
    assert.equal(e.userEdits(id, { condition: 'req.user == null' }), 'adopted');
    assert.deepEqual(e.sync(sitesAt([10, '`a`'], [20, '`b`'])), { added: 0, removed: 0 });
    assert.deepEqual(e.sync(sitesAt([20, '`b`'])), { added: 0, removed: 0 });
    assert.equal(e.book.releaseAll().includes(id), false);
    assert.equal(
      e.book.changed('someone-else', 'someone-else', { key: key(10), condition: 'x' }),
      'not-ours',
    );
  });

  test('releaseAll gives exactly ours', () => {
    const e = new Editor();
    e.sync(sitesAt([10], [20], [30]));
    const ours = [...e.breakpoints.keys()];
    e.breakpoints.set('users-own', { key: key(10), condition: 'true' });
    assert.deepEqual(e.book.releaseAll().sort(), ours.sort());
    assert.equal(e.book.isOurs('users-own'), false);
    assert.deepEqual(e.book.releaseAll(), []);
  });
});
