// Koa 2/3, the core only: `new Koa()`, `app.use(fn)` in koa-compose order. Routers (@koa/router,
// koa-mount) arrive with the full Koa front end. Every request runs every middleware, so an app
// has one route, ALL /, whose chain is the whole stack.
import { entriesFrom } from '../entries';
import type { RouteModel } from '../express/express-chains';
import { KOA_MIDDLEWARE } from '../flow/convention';
import { containerAt, type FrontEnd } from '../front-end';
import { short, type Interpreter } from '../interpreter';
import type { Registration } from '../lint-model';
import type { Item, TreeNode } from '../model';
import { unknown, type CallSite, type Container, type Entry, type Value } from '../values';
import { isBoundary } from './boundary';

export class KoaFrontEnd implements FrontEnd {
  readonly registrationMethods: ReadonlySet<string> = new Set(['use']);
  readonly errorFlow = 'unwind';

  packageValue(name: string, _specifier: string, interp: Interpreter): Value | undefined {
    if (name !== 'koa') return undefined;
    const create = (site: CallSite): Value => containerAt(interp, site, this, 'koa', 'app', 'app');
    return {
      k: 'builtin',
      name: 'Koa',
      call: create,
      props: { default: { k: 'builtin', name: 'Koa', call: create } },
    };
  }

  callMethod(c: Container, method: string, site: CallSite, interp: Interpreter): Value {
    if (method === 'use') {
      const at = interp.loc(interp.fileOf(site.file), site.node);
      interp.addLayer(c, {
        type: 'use',
        paths: null,
        entries: entriesFrom(site.args, site, interp),
        at,
        conditional: site.conditional,
      });
      return { k: 'container', c };
    }
    return unknown(`${c.name}.${method}()`);
  }

  routes(
    app: Container,
    wrapsLoc: (e: Entry) => Item['wraps'],
  ): { routes: RouteModel[]; order: Registration[] } {
    const entries: Entry[] = [];
    const order: Registration[] = [];
    for (const layer of app.layers) {
      if (layer.type !== 'use') continue;
      for (const entry of layer.entries) {
        entries.push(entry);
        const role = entry.fn && isBoundary(entry.fn.node) ? 'errorHandler' : 'middleware';
        order.push({
          entry,
          role,
          convention: KOA_MIDDLEWARE,
          path: [],
          exact: false,
          method: 'ALL',
          container: app,
        });
      }
    }
    if (entries.length === 0) return { routes: [], order };
    const chain: Item[] = entries.map((e, i) => {
      const it: Item = {
        name: e.name,
        kind: i === entries.length - 1 ? 'handler' : 'middleware',
        registeredAt: e.registeredAt,
        definedAt: e.definedAt,
        mount: '/',
        conditional: e.conditional,
      };
      const wraps = wrapsLoc(e);
      if (wraps) it.wraps = wraps;
      if (e.unresolved) it.unresolved = e.unresolved;
      return it;
    });
    const layer = app.layers[0]!;
    const route: RouteModel = {
      json: { method: 'ALL', path: '/', location: app.createdAt, chain, errorChain: [] },
      chain: entries,
      errorChain: [],
      container: app,
      layer,
    };
    return { routes: [route], order };
  }

  tree(app: Container): TreeNode[] {
    return app.layers.flatMap((layer): TreeNode[] =>
      layer.type === 'use'
        ? layer.entries.map((e) => ({
            type: (e.fn && isBoundary(e.fn.node) ? 'errorHandler' : 'middleware') as TreeNode['type'],
            name: e.name,
            location: e.registeredAt,
            definedAt: e.definedAt,
            conditional: e.conditional,
          }))
        : layer.type === 'unresolved'
          ? [
              {
                type: 'unresolved' as const,
                name: short(layer.name),
                location: layer.at,
                reason: layer.reason,
              },
            ]
          : [],
    );
  }

  /** Koa awaits every middleware: a rejection reaches the boundaries and app.on('error'). */
  forwardsRejections(): boolean {
    return true;
  }
}
