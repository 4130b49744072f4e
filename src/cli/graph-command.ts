// `mwchain graph [DIR] [--format json|mermaid|text] [--route "GET /path"] [--app ID]`
import type { GraphJson } from '../analysis/model';
import { appFlowchart, routeFlowchart } from '../render/mermaid';
import { graphText } from '../render/text';
import { choice, openWorkspace, UsageError, type ParsedArgs } from './args';

export function graphCommand(
  args: ParsedArgs,
  io: { out: (s: string) => void; err: (s: string) => void },
): number {
  const format = choice(args.flags, 'format', ['json', 'mermaid', 'text'] as const, 'json');
  const started = performance.now();
  const { dir, analyzer } = openWorkspace('graph', args, io.err);
  const model = analyzer.model();
  let graph: GraphJson = analyzer.graph();
  for (const note of model.notes) io.err(`mwchain: ${note}`);

  const appId = args.flags.get('app');
  if (typeof appId === 'string') {
    const apps = graph.apps.filter((a) => a.id === appId);
    if (apps.length === 0)
      throw new UsageError(
        `no app ${appId} in ${dir}; apps: ${graph.apps.map((a) => a.id).join(', ') || 'none'}`,
      );
    graph = { ...graph, apps };
  }
  const routeArg = args.flags.get('route');
  let route: { method: string; path: string } | undefined;
  if (typeof routeArg === 'string') {
    const m = /^\s*([A-Za-z-]+)\s+(\S.*?)\s*$/.exec(routeArg);
    if (!m) throw new UsageError(`--route takes "METHOD /path", got "${routeArg}"`);
    route = { method: m[1]!.toUpperCase(), path: m[2]! };
    const r = route;
    const apps = graph.apps
      .map((a) => ({ ...a, routes: a.routes.filter((x) => x.method === r.method && x.path === r.path) }))
      .filter((a) => a.routes.length > 0);
    if (apps.length === 0) throw new UsageError(`no route ${r.method} ${r.path} in ${dir}`);
    graph = { ...graph, apps };
  }

  if (graph.apps.length === 0) io.err(`mwchain: no app found in ${dir} (supported: Express 4 and 5)`);
  for (const s of graph.skipped) io.err(`mwchain: skipped ${s.file}: ${s.reason}`);

  if (format === 'json') io.out(JSON.stringify(graph, null, 2) + '\n');
  else if (format === 'text') io.out(graphText(graph));
  else if (route) io.out(graph.apps.flatMap((a) => a.routes.map(routeFlowchart)).join('\n'));
  else io.out(graph.apps.map(appFlowchart).join('\n'));

  const files = analyzer.fileCount();
  if (files > 250 || args.flags.has('performance')) {
    io.err(`mwchain: analysed ${files} files in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  }
  return 0;
}
