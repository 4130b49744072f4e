// Which findings belong to an app and to each of its routes. Findings name their routes by
// "METHOD path" only, and two apps of one folder can both have `GET /orders/:id`: a finding
// belongs to an app when it also sits in one of the app's files.
import type { AppGraph, Route, TreeNode } from '../analysis/model';
import type { Finding } from '../lint/findings';

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

/** The files an app's registrations, routes and middleware are in. */
export function appFiles(app: AppGraph): Set<string> {
  const files = new Set<string>([app.location.file]);
  for (const r of app.routes) {
    if (r.location) files.add(r.location.file);
    for (const it of [...r.chain, ...r.errorChain]) {
      files.add(it.registeredAt.file);
      if (it.definedAt) files.add(it.definedAt.file);
      if (it.wraps) files.add(it.wraps.file);
    }
  }
  const walk = (nodes: TreeNode[]) => {
    for (const n of nodes) {
      files.add(n.location.file);
      if (n.definedAt) files.add(n.definedAt.file);
      walk(n.children ?? []);
    }
  };
  walk(app.tree);
  return files;
}

/** The findings of `app`: on its routes and in its files, or about the app itself. */
export function appFindings(app: AppGraph, findings: readonly Finding[], files = appFiles(app)): Finding[] {
  const labels = new Set(app.routes.map(routeLabel));
  return findings.filter(
    (f) =>
      files.has(f.location.file) &&
      (f.routes.some((r) => labels.has(r)) ||
        (f.location.file === app.location.file && f.routes.length === 0)),
  );
}

/** The findings of one route of `app`. */
export function routeFindings(
  app: AppGraph,
  route: Route,
  findings: readonly Finding[],
  files = appFiles(app),
): Finding[] {
  const label = routeLabel(route);
  return findings.filter((f) => f.routes.includes(label) && files.has(f.location.file));
}
