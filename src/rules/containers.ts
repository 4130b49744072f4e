// Which routers and sub-apps sit inside which: errors only travel outwards through them.
import type { Container } from '../analysis/values';

export function subtreeOf(c: Container, out = new Set<Container>()): Set<Container> {
  if (out.has(c)) return out;
  out.add(c);
  for (const l of c.layers)
    if (l.type === 'use') for (const e of l.entries) if (e.container) subtreeOf(e.container, out);
  return out;
}
