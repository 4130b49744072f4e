// The registrations of a Nest app as written, for views: global middleware and enhancers of
// `main.ts`, then each module (a router node) with its `APP_*` providers, the middleware its
// `configure` applies (mount: what `forRoutes` names) and its controllers (router nodes mounted at
// their prefix) with their enhancers and routes.
import { entryLeaf } from '../tree-leaf';
import type { TreeNode } from '../model';
import type { Container } from '../values';
import { joinNest, routePath } from './nest-chains';
import { ENHANCER_KINDS, nestApp, type Enhancers, type RouteSelector } from './nest-model';

export function nestTree(c: Container): TreeNode[] {
  const app = nestApp(c);
  const prefix = app.prefix?.path ?? '';
  const out: TreeNode[] = [];
  for (const u of app.uses)
    out.push(...u.entries.map((e) => entryLeaf(e, 'middleware', u.conditional, u.path ?? undefined)));
  out.push(...enhancerNodes(app.globals));
  for (const u of app.unresolved)
    out.push({ type: 'unresolved', name: u.name, location: u.at, reason: u.reason });
  for (const m of app.modules) {
    const children: TreeNode[] = [...enhancerNodes(m.providerEnhancers)];
    for (const cfg of m.middleware) {
      const mount = [...cfg.forRoutes.map(selectorText)].join(', ');
      const except = cfg.exclude.length ? ` except ${cfg.exclude.map(selectorText).join(', ')}` : '';
      children.push(...cfg.entries.map((e) => entryLeaf(e, 'middleware', cfg.conditional, mount + except)));
      for (const s of [...cfg.forRoutes, ...cfg.exclude])
        if (s.kind === 'unresolved')
          children.push({
            type: 'unresolved',
            name: s.text,
            location: s.at,
            reason: `the route ${s.text} is not a path, a controller or a { path, method } known statically`,
          });
    }
    for (const n of m.notes)
      children.push({ type: 'unresolved', name: n.name, location: n.at, reason: n.reason });
    for (const ctl of m.controllers) {
      const ctlChildren: TreeNode[] = [...enhancerNodes(ctl.enhancers)];
      for (const r of ctl.routes)
        for (const cp of ctl.prefixes)
          for (const p of r.paths) {
            const path = routePath(app, ctl, r.method, cp, p);
            ctlChildren.push({
              type: 'route',
              name: `${r.method} ${path}`,
              method: r.method,
              path,
              location: r.at,
              conditional: false,
              children: [
                ...enhancerNodes(r.enhancers),
                ...r.paramPipes.map((e) => entryLeaf(e, 'pipe', false)),
                entryLeaf(r.handler, 'handler', false),
              ],
            });
          }
      children.push({
        type: 'router',
        name: ctl.name,
        location: ctl.at,
        definedAt: ctl.at,
        conditional: false,
        mount: ctl.prefixes.map((p) => joinNest(prefix, p)).join(', '),
        children: ctlChildren,
      });
    }
    out.push({ type: 'router', name: m.name, location: m.at, definedAt: m.at, conditional: false, children });
  }
  return out;
}

function selectorText(s: RouteSelector): string {
  if (s.kind === 'controller') return s.name;
  if (s.kind === 'unresolved') return s.text;
  return s.method === 'ALL' ? joinNest(s.path) : `${s.method} ${joinNest(s.path)}`;
}

function enhancerNodes(e: Enhancers): TreeNode[] {
  return ENHANCER_KINDS.flatMap((kind) => e[kind].map((x) => entryLeaf(x, kind, false)));
}
