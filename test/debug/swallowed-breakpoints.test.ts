// SwallowedBreakpoints, the VS Code glue, against a fake `vscode` whose breakpoint events come
// as the extension host sends them: on and off, following the analysis, leftovers of an earlier
// window, and the user's own breakpoints and edits. The real editor is the e2e suite's.
import './vscode-alias';
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { AnalysisHost } from '../../src/extension/analysis-host';
import { SwallowedBreakpoints } from '../../src/extension/debug/swallowed-breakpoints';
import type { AnalysisResult, SwallowPoint } from '../../src/protocol/analysis-messages';
import * as vscode from './fake-vscode';

const ROOT = path.join(path.sep, 'work', 'shop');

class FakeHost {
  readonly results = new Map<string, Pick<AnalysisResult, 'swallowPoints'>>();
  private readonly analysed = new vscode.EventEmitter<unknown>();
  readonly onDidAnalyse = this.analysed.event;
  roots = () => [...this.results.keys()];
  resultFor = (root: string) => this.results.get(root);
  analyse(root: string, points: SwallowPoint[]): void {
    this.results.set(root, { swallowPoints: points });
    this.analysed.fire({ root });
  }
}

const log = {
  lines: [] as string[],
  appendLine(l: string) {
    this.lines.push(l);
  },
};

const point = (line: number, name: string, stop = true): SwallowPoint => ({
  finding: { file: 'app.js', line, column: 5 },
  label: `swallowed error in \`${name}\``,
  ...(stop ? { stopAt: { file: 'app.js', line: line + 1, column: 7 } } : { reason: 'an empty catch' }),
});

const sourceBps = () => vscode.debug.breakpoints.filter((b) => b instanceof vscode.SourceBreakpoint);
const shown = () =>
  sourceBps()
    .map(
      (b) =>
        `${b.location.range.start.line + 1}:${b.location.range.start.character + 1} ${b.condition ?? ''}`,
    )
    .sort();

function userBreakpoint(line: number, condition?: string): vscode.SourceBreakpoint {
  return new vscode.SourceBreakpoint(
    new vscode.Location(vscode.Uri.file(path.join(ROOT, 'app.js')), new vscode.Position(line - 1, 0)),
    true,
    condition,
  );
}

function start(): { host: FakeHost; sb: SwallowedBreakpoints } {
  const host = new FakeHost();
  const sb = new SwallowedBreakpoints(host as unknown as AnalysisHost, log as never);
  return { host, sb };
}

describe('SwallowedBreakpoints', () => {
  beforeEach(() => {
    vscode.host.reset();
    log.lines = [];
  });

  test('on: a labelled breakpoint per site of every folder, once; off: exactly ours go', () => {
    const mine = userBreakpoint(3);
    vscode.debug.addBreakpoints([mine]);
    const { host, sb } = start();
    host.analyse(ROOT, [point(10, 'loadUser'), point(20, 'readSettings', false)]);
    host.results.set(path.join(ROOT, 'admin'), { swallowPoints: [point(30, 'audit')] });
    assert.deepEqual(shown(), ['3:1 '], 'nothing while off');
    sb.setEnabled(true);
    sb.setEnabled(true);
    assert.deepEqual(shown(), [
      '11:7 /* mwchain: swallowed error in loadUser */ true',
      '31:7 /* mwchain: swallowed error in audit */ true',
      '3:1 ',
    ]);
    assert.ok(
      log.lines.some((l) =>
        /no breakpoint for the swallowed error in `readSettings`.*an empty catch/.test(l),
      ),
    );
    host.analyse(ROOT, [point(10, 'loadUser'), point(20, 'readSettings', false)]);
    assert.equal(sourceBps().length, 3, 'no duplicates');
    assert.equal(log.lines.filter((l) => /readSettings/.test(l)).length, 1, 'said once');
    sb.setEnabled(false);
    assert.deepEqual(sourceBps(), [mine]);
    sb.dispose();
  });

  test('follows the analysis while on: moved and new sites set, gone ones removed', () => {
    const { host, sb } = start();
    host.analyse(ROOT, [point(10, 'loadUser')]);
    sb.setEnabled(true);
    host.analyse(ROOT, [point(12, 'loadUser'), point(40, 'listOrders')]);
    assert.deepEqual(shown(), [
      '13:7 /* mwchain: swallowed error in loadUser */ true',
      '41:7 /* mwchain: swallowed error in listOrders */ true',
    ]);
    host.analyse(ROOT, []);
    assert.deepEqual(shown(), []);
    sb.dispose();
  });

  test('leftovers of an earlier window are removed, also when they arrive late', () => {
    const early = userBreakpoint(5, '/* mwchain: swallowed error in old */ true');
    const mine = userBreakpoint(6, '/* just mine */ true');
    vscode.host.restore([early, mine]);
    const { host, sb } = start();
    assert.deepEqual(sourceBps(), [mine]);
    const late = userBreakpoint(7, '/* mwchain: swallowed error in older */ true');
    vscode.host.restore([late]);
    assert.deepEqual(sourceBps(), [mine]);
    host.analyse(ROOT, [point(10, 'loadUser')]);
    sb.setEnabled(true);
    assert.equal(sourceBps().length, 2);
    sb.dispose();
    assert.deepEqual(sourceBps(), [mine]);
  });

  test('a breakpoint the user removes stays away until the toggle goes off and on', () => {
    const { host, sb } = start();
    host.analyse(ROOT, [point(10, 'loadUser'), point(40, 'listOrders')]);
    sb.setEnabled(true);
    const ours = sourceBps().find((b) => b.condition?.includes('loadUser'))!;
    vscode.host.userRemoves(ours);
    host.analyse(ROOT, [point(10, 'loadUser'), point(40, 'listOrders')]);
    assert.deepEqual(shown(), ['41:7 /* mwchain: swallowed error in listOrders */ true']);
    sb.setEnabled(false);
    sb.setEnabled(true);
    assert.equal(sourceBps().length, 2);
    sb.dispose();
  });

  test("a user's edit is kept; one without the label makes it the user's", () => {
    const { host, sb } = start();
    host.analyse(ROOT, [point(10, 'loadUser'), point(40, 'listOrders')]);
    sb.setEnabled(true);
    const [a, b] = sourceBps().sort((x, y) => x.location.range.start.line - y.location.range.start.line);
    const narrowed = new vscode.SourceBreakpoint(
      a!.location,
      true,
      "/* mwchain: swallowed error in loadUser */ err.code === 'E'",
    ).withId(a!.id);
    vscode.host.userEdits(narrowed);
    const adopted = new vscode.SourceBreakpoint(b!.location, true, 'req.user == null').withId(b!.id);
    vscode.host.userEdits(adopted);
    host.analyse(ROOT, [point(10, 'loadUser'), point(40, 'listOrders')]);
    assert.deepEqual(shown(), [
      "11:7 /* mwchain: swallowed error in loadUser */ err.code === 'E'",
      '41:7 req.user == null',
    ]);
    sb.setEnabled(false);
    assert.deepEqual(shown(), ['41:7 req.user == null']);
    sb.dispose();
  });
});
