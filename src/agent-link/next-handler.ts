// Which error handler an error crossing out of a middleware goes to, from the static model: the
// route the request matched (method and path), the middleware in its chain by where it is
// defined, then the first handler of the route's error chain.
import * as path from 'node:path';
import type { GraphJson, Route } from '../analysis/model';
import { methodMatches, pathMatcher, pathnameOf } from '../live/route-paths';
import type { RuntimeLoc } from '../protocol/agent-messages';

export interface AnalysedFolder {
  /** Absolute folder path the graph's relative files start from. */
  root: string;
  graph: GraphJson;
}

export function nextErrorHandler(
  folders: readonly AnalysedFolder[],
  method: string,
  url: string,
  definedAt: RuntimeLoc,
): string | undefined {
  const candidates: Route[] = [];
  for (const { root, graph } of folders) {
    const file = path.relative(root, definedAt.file).split(path.sep).join('/');
    if (file.startsWith('..')) continue;
    for (const app of graph.apps)
      for (const route of app.routes)
        if (
          route.chain.some(
            (item) =>
              item.definedAt && item.definedAt.file === file && item.definedAt.line === definedAt.line,
          )
        )
          candidates.push(route);
  }
  const pathname = pathnameOf(url);
  const route =
    candidates.find(
      (r) => methodMatches(r.method, method) && pathMatcher(r.path, r.catchAll)?.(pathname) === true,
    ) ?? (candidates.length === 1 ? candidates[0] : undefined);
  return route?.errorChain[0]?.name;
}
