// A readable tree of apps, routes and chains for terminals.
import type { AppGraph, GraphJson, Item, Loc, Route, TreeNode } from '../analysis/model';

const at = (l: Loc | null | undefined): string => (l ? `${l.file}:${l.line}:${l.column}` : '(package)');

export function graphText(graph: GraphJson, routes?: (app: AppGraph) => Route[]): string {
  const out: string[] = [];
  for (const app of graph.apps) {
    out.push(`${app.framework} app ${app.id}${app.frameworkVersion ? ` (${app.framework} ${app.frameworkVersion})` : ''}`);
    const list = routes ? routes(app) : app.routes;
    if (list.length === 0) out.push('  (no routes)');
    for (const r of list) out.push(...routeText(r, '  '));
    const unresolved = collectUnresolved(app.tree);
    if (unresolved.length) {
      out.push('  not resolved statically:');
      for (const u of unresolved) out.push(`    ? ${u.name}  ${at(u.location)}  ${u.reason ?? ''}`.trimEnd());
    }
    out.push('');
  }
  if (graph.skipped.length) {
    out.push('skipped files:');
    for (const s of graph.skipped) out.push(`  ${s.file}: ${s.reason}`);
    out.push('');
  }
  return out.join('\n');
}

function routeText(r: Route, indent: string): string[] {
  const flags = [r.catchAll ? 'catch-all' : '', r.unresolved ?? ''].filter(Boolean).join(', ');
  const out = [`${indent}${r.method} ${r.path}${flags ? `  [${flags}]` : ''}`];
  const width = Math.max(8, ...r.chain.concat(r.errorChain).map((i) => i.name.length));
  const line = (i: Item, branch: string): string => {
    const marks = [i.conditional ? 'conditional' : '', i.unresolved ? `unresolved: ${i.unresolved}` : ''].filter(Boolean).join('; ');
    return `${indent}${branch} ${i.name.padEnd(width)}  ${i.kind.padEnd(12)} ${at(i.definedAt ?? i.registeredAt)}${marks ? `  [${marks}]` : ''}`;
  };
  r.chain.forEach((i, n) => out.push(line(i, n === r.chain.length - 1 && r.errorChain.length === 0 ? '└─' : '├─')));
  r.errorChain.forEach((i, n) => out.push(line(i, n === r.errorChain.length - 1 ? '└─ on error:' : '├─ on error:')));
  return out;
}

function collectUnresolved(nodes: TreeNode[], out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) {
    if (n.type === 'unresolved') out.push(n);
    if (n.children) collectUnresolved(n.children, out);
  }
  return out;
}
