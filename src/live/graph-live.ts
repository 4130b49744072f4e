// The live overlay of a Mermaid chart: per node id (as src/render/mermaid.ts assigns them, with
// the source location each stands for), a badge, a tooltip and whether a request stopped there.
// No `vscode` here: GraphView posts the result to the webview (media/graph.js draws it).
import type { AppGraph, Item, Loc, Route } from '../analysis/model';
import type { GraphNodeLive } from '../protocol/webview-messages';
import type { LiveOverlay } from './live-overlay';
import { locKey } from './live-overlay';
import { countText, lastRequestText, middlewareLines, requestLine, statusText } from './live-text';

/** Recent requests listed in a route node's tooltip. */
const ROUTE_LINES = 5;

/**
 * Annotations for the chart of `route` (or of the whole app): `nodes` is the chart's node id ->
 * location map. Nodes whose function never ran get none.
 */
export function graphLive(
  overlay: LiveOverlay,
  root: string,
  app: AppGraph,
  route: Route | undefined,
  nodes: Record<string, Loc>,
): Record<string, GraphNodeLive> {
  const out: Record<string, GraphNodeLive> = {};
  if (overlay.empty) return out;
  // what a node's location stands for: a chain item (with its route), else a route
  const items = new Map<string, { item: Item; route: Route }>();
  const routes = new Map<string, Route>();
  for (const r of route ? [route] : app.routes) {
    for (const item of [...r.chain, ...r.errorChain]) {
      const k = locKey(item.definedAt ?? item.registeredAt);
      if (!items.has(k)) items.set(k, { item, route: r });
    }
    if (r.location && !routes.has(locKey(r.location))) routes.set(locKey(r.location), r);
  }
  const nameOf = overlay.nameOf(root, app);
  for (const [id, loc] of Object.entries(nodes)) {
    const k = locKey(loc);
    const found = items.get(k);
    const m = found ? overlay.item(root, app, found.item, found.route) : overlay.forLoc(root, app, loc);
    if (m) {
      out[id] = { badge: countText(m), title: middlewareLines(m).join('\n'), stopped: m.stops.length > 0 };
      continue;
    }
    const r = routes.get(k);
    const live = r && overlay.route(root, app, r);
    if (live) {
      out[id] = {
        badge: statusText(live.last),
        title: [
          lastRequestText(live.last, nameOf),
          ...live.requests.slice(0, ROUTE_LINES).map((q) => requestLine(q, nameOf)),
        ].join('\n'),
        stopped: !!live.last.stoppedAt,
      };
    }
  }
  return out;
}
