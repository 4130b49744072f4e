// The registered functions of the analysed apps, once each per role, with where they are
// registered and which routes run them.
import type { AppModel } from '../analysis/analyzer';
import type { Registration } from '../analysis/lint-model';
import type { FuncValue } from '../analysis/values';
import { routeLabel, type LintFunction } from './rule';

export function lintFunctions(apps: readonly AppModel[]): LintFunction[] {
  const byKey = new Map<string, LintFunction>();
  const ids = new WeakMap<object, number>();
  let next = 0;
  const idOf = (o: object) => {
    if (!ids.has(o)) ids.set(o, next++);
    return ids.get(o)!;
  };
  const add = (app: AppModel, fn: FuncValue, reg: Registration, name: string, wrappedBy?: Registration) => {
    const key = `${idOf(app)}:${idOf(fn.node)}:${reg.role}`;
    let f = byKey.get(key);
    if (!f) {
      f = {
        fn,
        name,
        role: reg.role,
        convention: reg.convention,
        registrations: [],
        app,
        routes: [],
        wrappedBy,
      };
      byKey.set(key, f);
    }
    f.registrations.push(reg);
  };
  for (const app of apps) {
    for (const reg of app.order) {
      if (reg.entry.fn) add(app, reg.entry.fn, reg, reg.entry.name);
      if (reg.entry.wraps) add(app, reg.entry.wraps, reg, reg.entry.wraps.name ?? reg.entry.name, reg);
    }
  }
  const byNode = new Map<object, LintFunction[]>();
  for (const f of byKey.values()) {
    const list = byNode.get(f.fn.node);
    if (list) list.push(f);
    else byNode.set(f.fn.node, [f]);
  }
  for (const app of apps) {
    for (const route of app.routes) {
      const label = routeLabel(route.json.method, route.json.path);
      for (const e of [...route.chain, ...route.errorChain]) {
        for (const fn of [e.fn, e.wraps]) {
          for (const f of (fn && byNode.get(fn.node)) ?? [])
            if (f.app === app && !f.routes.includes(label)) f.routes.push(label);
        }
      }
    }
  }
  return [...byKey.values()];
}
