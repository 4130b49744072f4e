// Messages between the graph webview (media/graph.js, plain JavaScript that mirrors these types)
// and the extension (GraphView). Every message names its sender.
import type { Loc } from '../analysis/model';

/** Sent by the extension (GraphView) to the webview. */
export type ToWebview =
  | { type: 'show'; title: string; root: string; mermaid: string; nodes: Record<string, Loc> }
  | { type: 'exportSvg' };

/** Sent by the webview (media/graph.js) to the extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'open'; root: string; loc: Loc }
  | { type: 'svg'; svg: string }
  | { type: 'rendered'; nodes: number; clickable?: number; error?: string };
