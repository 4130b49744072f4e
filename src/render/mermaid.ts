// Mermaid flowcharts (Mermaid 11+) of an app's registrations and of one route's chain. Every
// label comes from user code, so ids are generated and labels are entity-escaped.
import type { AppGraph, Item, Loc, Route, TreeNode } from '../analysis/model';

export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
}

const CLASS_DEFS = [
  'classDef app fill:#e8f0fe,stroke:#3b6fd8,color:#1b2a4a',
  'classDef route fill:#e9f7ef,stroke:#2e8b57,color:#183d2a',
  'classDef errorHandler fill:#fdecea,stroke:#c0392b,color:#4a1410',
  'classDef unresolved fill:#fff8e1,stroke:#b7950b,color:#4d3b00,stroke-dasharray:3 3',
  'classDef conditional stroke-dasharray:5 3',
];

/** A flowchart and, per node id, the source it stands for (where its function is defined or registered). */
export interface Flowchart {
  text: string;
  nodes: Record<string, Loc>;
}

class Writer {
  private n = 0;
  readonly lines: string[] = [];
  readonly nodes: Record<string, Loc> = {};
  at(id: string, loc: Loc | null | undefined): void {
    if (loc) this.nodes[id] = loc;
  }
  id(): string {
    return `n${this.n++}`;
  }
  add(line: string, depth = 1): void {
    this.lines.push('  '.repeat(depth) + line);
  }
}

function nodeDecl(id: string, label: string, shape: 'rect' | 'stadium' | 'hexagon' | 'round'): string {
  const l = `"${escapeLabel(label)}"`;
  switch (shape) {
    case 'stadium':
      return `${id}([${l}])`;
    case 'hexagon':
      return `${id}{{${l}}}`;
    case 'round':
      return `${id}(${l})`;
    default:
      return `${id}[${l}]`;
  }
}

/** One flowchart for an app: each router a subgraph, its layers linked in dispatch order. */
export function appFlowchart(app: AppGraph): string {
  return appFlowchartWithNodes(app).text;
}

export function appFlowchartWithNodes(app: AppGraph): Flowchart {
  const w = new Writer();
  w.lines.push('flowchart TD');
  const root = w.id();
  w.at(root, app.location);
  w.add(nodeDecl(root, `${app.framework} app · ${app.id}`, 'stadium'));
  w.add(`class ${root} app`);
  writeLayers(w, app.tree, root, 1);
  for (const c of CLASS_DEFS) w.add(c);
  return { text: w.lines.join('\n') + '\n', nodes: w.nodes };
}

function writeLayers(w: Writer, nodes: TreeNode[], from: string, depth: number): string {
  let prev = from;
  for (const node of nodes) {
    const id = w.id();
    w.at(id, node.definedAt ?? node.location);
    if (node.type === 'app' || node.type === 'router') {
      w.add(`subgraph ${id}["${escapeLabel(`${node.name}${node.mount ? ' · ' + node.mount : ''}`)}"]`, depth);
      w.add('direction TB', depth + 1);
      const head = w.id();
      w.at(head, node.definedAt ?? node.location);
      w.add(nodeDecl(head, `${node.type} ${node.name}`, 'round'), depth + 1);
      w.add(`class ${head} app`, depth + 1);
      writeLayers(w, node.children ?? [], head, depth + 1);
      w.add('end', depth);
    } else if (node.type === 'route') {
      const handlers = (node.children ?? []).map((c) => c.name).join(' → ');
      w.add(nodeDecl(id, `${node.name}${handlers ? '\u00a0· ' + handlers : ''}`, 'stadium'), depth);
      w.add(`class ${id} ${node.conditional ? 'route,conditional' : 'route'}`, depth);
    } else {
      const label =
        node.type === 'unresolved'
          ? `? ${node.name}`
          : node.type === 'param'
            ? `param ${node.name} · ${(node.children ?? []).map((c) => c.name).join(', ')}`
            : `${node.name}${node.mount && node.mount !== '/' ? ' · ' + node.mount : ''}`;
      const shape = node.type === 'errorHandler' ? 'hexagon' : 'rect';
      w.add(nodeDecl(id, label, shape), depth);
      const cls = [
        node.type === 'errorHandler' || node.type === 'unresolved' ? node.type : '',
        node.conditional ? 'conditional' : '',
      ]
        .filter(Boolean)
        .join(',');
      if (cls) w.add(`class ${id} ${cls}`, depth);
    }
    w.add(`${prev} --> ${id}`, depth);
    prev = id;
  }
  return prev;
}

/** One flowchart for a route: the chain in order, then the error chain on dashed edges. */
export function routeFlowchart(route: Route): string {
  return routeFlowchartWithNodes(route).text;
}

export function routeFlowchartWithNodes(route: Route): Flowchart {
  const w = new Writer();
  w.lines.push('flowchart LR');
  const start = w.id();
  w.at(start, route.location);
  w.add(nodeDecl(start, `${route.method} ${route.path}`, 'stadium'));
  w.add(`class ${start} route`);
  let prev = start;
  const itemNode = (it: Item, shape: 'rect' | 'hexagon'): string => {
    const id = w.id();
    w.at(id, it.definedAt ?? it.registeredAt);
    w.add(
      nodeDecl(
        id,
        `${it.name}${it.kind === 'middleware' || it.kind === 'errorHandler' ? '' : ' · ' + it.kind}`,
        shape,
      ),
    );
    const cls = [
      it.kind === 'errorHandler' ? 'errorHandler' : '',
      it.unresolved ? 'unresolved' : '',
      it.conditional ? 'conditional' : '',
    ]
      .filter(Boolean)
      .join(',');
    if (cls) w.add(`class ${id} ${cls}`);
    return id;
  };
  for (const it of route.chain) {
    const id = itemNode(it, 'rect');
    w.add(`${prev} --> ${id}`);
    prev = id;
  }
  let edge = '-. error .->';
  for (const it of route.errorChain) {
    const id = itemNode(it, 'hexagon');
    w.add(`${prev} ${edge} ${id}`);
    prev = id;
    edge = '-.->';
  }
  for (const c of CLASS_DEFS) w.add(c);
  return { text: w.lines.join('\n') + '\n', nodes: w.nodes };
}
