// Every fixture app's graph JSON and app flowchart against golden files, and every Mermaid
// output (app and per-route) through the real Mermaid parser.
import { test } from 'node:test';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { appFlowchart, routeFlowchart } from '../../src/render/mermaid';
import { expectGolden } from '../support/golden';
import { parseMermaid } from '../support/mermaid-parser';
import { fixture, fixtureNames } from '../support/fixtures';

const GOLDEN = path.join(__dirname, 'golden');

for (const name of fixtureNames()) {
  test(`graph of ${name}`, async () => {
    const graph = ChainAnalyzer.open(fixture(name)).graph();
    expectGolden(path.join(GOLDEN, `${name}.graph.json`), JSON.stringify(graph, null, 2) + '\n');
    const charts = graph.apps.map(appFlowchart);
    expectGolden(path.join(GOLDEN, `${name}.mmd`), charts.join('\n'));
    for (const chart of charts) await parseMermaid(chart);
    for (const app of graph.apps) for (const route of app.routes) await parseMermaid(routeFlowchart(route));
  });
}
