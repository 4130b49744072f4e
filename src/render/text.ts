// A readable tree of apps, routes and chains for terminals.
import type { AppGraph, GraphJson, Item, Loc, Route, TreeNode } from '../analysis/model';

const at = (l: Loc): string => `${l.file}:${l.line}:${l.column}`;

export function graphText(graph: GraphJson): string {
  const out: string[] = [];
  for (const app of graph.apps) out.push(...appText(app), '');
  if (graph.skipped.length) {
    out.push('skipped files:');
    for (const s of graph.skipped) out.push(`  ${s.file}: ${s.reason}`);
    out.push('');
  }
  return out.join('\n');
}

function appText(app: AppGraph): string[] {
  const version = app.frameworkVersion ? ` (${app.framework} ${app.frameworkVersion})` : '';
  const out = [`${app.framework} app ${app.id}${version}`];
  if (app.routes.length === 0) out.push('  (no routes)');
  for (const r of app.routes) out.push(...routeText(r));
  const unresolved = collectUnresolved(app.tree);
  if (unresolved.length) {
    out.push('  not resolved statically:');
    for (const u of unresolved) out.push(`    ? ${u.name}  (${at(u.location)})`, `      ${u.reason ?? ''}`);
  }
  return out;
}

function routeText(r: Route): string[] {
  const flags = [r.catchAll ? 'catch-all' : '', r.unresolved ?? ''].filter(Boolean).join('; ');
  const out = [`  ${r.method} ${r.path}${flags ? `  [${flags}]` : ''}`];
  const width = Math.max(...r.chain.concat(r.errorChain).map((i) => i.name.length), 4);
  const line = (i: Item, n: number): string => {
    const where = i.definedAt ? at(i.definedAt) : `registered at ${at(i.registeredAt)}`;
    const marks = [i.conditional ? 'conditional' : '', i.unresolved ? `unresolved: ${i.unresolved}` : '']
      .filter(Boolean)
      .join('; ');
    return `    ${String(n + 1).padStart(2)}. ${i.name.padEnd(width)}  ${i.kind.padEnd(12)}  ${where}${marks ? `  [${marks}]` : ''}`;
  };
  r.chain.forEach((i, n) => out.push(line(i, n)));
  if (r.errorChain.length) {
    out.push('    on error:');
    r.errorChain.forEach((i, n) => out.push(line(i, n)));
  }
  return out;
}

function collectUnresolved(nodes: TreeNode[], out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) {
    if (n.type === 'unresolved') out.push(n);
    if (n.children) collectUnresolved(n.children, out);
  }
  return out;
}
