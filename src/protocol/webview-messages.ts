// Messages between the graph webview (media/graph.js, plain JavaScript that mirrors these types)
// and the extension (GraphView). Every message names its sender.
import type { Loc } from '../analysis/model';

/** The live overlay of one chart node (src/live/graph-live.ts). */
export interface GraphNodeLive {
  /** drawn on the node: `12× · 3 ms`, or a route's last status. */
  badge: string;
  /** the node's tooltip. */
  title: string;
  /** a recent request stopped here (pending, or a finding names it): outlined in red. */
  stopped: boolean;
}

/** Sent by the extension (GraphView) to the webview. */
export type ToWebview =
  | { type: 'show'; title: string; root: string; mermaid: string; nodes: Record<string, Loc> }
  | { type: 'exportSvg' }
  /**
   * The live overlay of the chart last shown, by node id; sent after `show` and whenever the
   * stats change. `summary` goes in the toolbar; an empty `nodes` and no summary clear it.
   */
  | { type: 'live'; nodes: Record<string, GraphNodeLive>; summary?: string };

/** Sent by the webview (media/graph.js) to the extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'open'; root: string; loc: Loc }
  | { type: 'svg'; svg: string }
  | { type: 'rendered'; nodes: number; clickable?: number; error?: string }
  /** The live overlay is drawn: how many nodes carry it. */
  | { type: 'liveShown'; nodes: number };
