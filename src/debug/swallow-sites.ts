// Swallowed-error breakpoints without VS Code: the sites the analysis results ask for, the
// condition that labels them, and the book of which breakpoints are ours, which the user
// removed, and what to add or remove so the editor matches the analysis. The VS Code glue
// (src/extension/debug/swallowed-breakpoints.ts) only turns its answers into API calls.
import * as path from 'node:path';
import type { AnalysisResult } from '../protocol/analysis-messages';

export const LABEL_PREFIX = 'mwchain: ';
/** How our conditions start, and how ours are recognised after a reload. */
export const CONDITION_PREFIX = `/* ${LABEL_PREFIX.trimEnd()}`;

/** A breakpoint to set. Lines and columns are 1-based. */
export interface SwallowSite {
  /** absolute path. */
  file: string;
  line: number;
  column: number;
  /** "mwchain: swallowed error in `loadUser`". */
  label: string;
  /** the label as a condition: `/* mwchain: swallowed error in loadUser *\/ true`. */
  condition: string;
  /** the caught error's name there, when it has one. */
  binding?: string;
  /** where it is: file, line and column. */
  key: string;
  /** which catch it is, surviving edits that move lines: file, label and rank among the file's sites of that label. */
  identity: string;
}

/** A swallow whose catch has no place to pause (an empty catch block): reported, not set. */
export interface UnbreakableSwallow {
  file: string;
  line: number;
  column: number;
  label: string;
  reason: string;
}

/** The sites of one folder's analysis (`root` is the folder the result's relative paths start from). */
export function swallowSites(
  root: string,
  result: Pick<AnalysisResult, 'swallowPoints'>,
): { sites: SwallowSite[]; unbreakable: UnbreakableSwallow[] } {
  const sites: SwallowSite[] = [];
  const unbreakable: UnbreakableSwallow[] = [];
  const ranks = new Map<string, number>();
  const points = [...(result.swallowPoints ?? [])].sort(
    (a, b) =>
      a.finding.file.localeCompare(b.finding.file) ||
      a.finding.line - b.finding.line ||
      a.finding.column - b.finding.column,
  );
  for (const p of points) {
    const label = LABEL_PREFIX + p.label;
    const at = p.stopAt;
    if (!at) {
      const file = absolute(root, p.finding.file);
      unbreakable.push({ ...p.finding, file, label, reason: p.reason ?? 'no place to pause' });
      continue;
    }
    const file = absolute(root, at.file);
    const rankKey = `${file}\0${label}`;
    const rank = ranks.get(rankKey) ?? 0;
    ranks.set(rankKey, rank + 1);
    const site: SwallowSite = {
      file,
      line: at.line,
      column: at.column,
      label,
      condition: labelCondition(label, p.when),
      key: siteKey(file, at.line, at.column),
      identity: `${rankKey}\0${rank}`,
    };
    if (p.binding) site.binding = p.binding;
    sites.push(site);
  }
  return { sites, unbreakable };
}

/**
 * A condition that reads as the label and is true (or `when`): js-debug evaluates it as
 * `(()=>{try{return <condition>;}catch(e){...}})()`, and pauses when it gives `true`.
 * The comment stays on one line (a line break after `return` would return undefined) and
 * cannot be closed early.
 */
export function labelCondition(label: string, when = 'true'): string {
  const text = label
    .replace(/`/g, '')
    .replace(/\*\//g, '* /')
    .replace(/[\r\n\u2028\u2029]+/g, ' ');
  return `/* ${text} */ ${when}`;
}

/** Whether a breakpoint condition is one of ours (from this window or an earlier one). */
export function isSwallowCondition(condition: string | undefined): boolean {
  return !!condition && condition.startsWith(CONDITION_PREFIX);
}

export const siteKey = (file: string, line: number, column: number): string => `${file}:${line}:${column}`;

function absolute(root: string, rel: string): string {
  return path.join(root, ...rel.split('/'));
}

interface Tracked<B> {
  handle: B;
  key: string;
  condition: string;
  identity: string;
  /** the user edited its condition: kept as it is while its site stays. */
  edited: boolean;
}

/**
 * Which breakpoints are ours, by breakpoint id, with `B` the editor's breakpoint object. Ours
 * are forgotten before the caller removes them, so every removal the editor reports for a
 * breakpoint still in the book was the user's. A site the user removed stays away until
 * `clearDismissed` (the toggle switched off and on again).
 */
export class SwallowBreakpointBook<B> {
  private readonly ours = new Map<string, Tracked<B>>();
  private readonly dismissed = new Set<string>();

  /**
   * What to do so that the editor has one of ours per desired site: sites to add (the caller
   * creates them and calls `track`), and breakpoints to remove (already forgotten).
   */
  sync(desired: readonly SwallowSite[]): { add: SwallowSite[]; remove: B[] } {
    const wanted = new Map<string, SwallowSite>();
    for (const s of desired) if (!wanted.has(s.key)) wanted.set(s.key, s);
    const have = new Set<string>();
    const remove: B[] = [];
    for (const [id, t] of this.ours) {
      const site = wanted.get(t.key);
      // kept: one of ours per site, labelled as the analysis labels it now, or as the user edited it
      if (site && !have.has(t.key) && (t.edited || t.condition === site.condition)) {
        have.add(t.key);
        continue;
      }
      this.ours.delete(id);
      remove.push(t.handle);
    }
    const add = [...wanted.values()].filter((s) => !have.has(s.key) && !this.dismissed.has(s.identity));
    return { add, remove };
  }

  /** Records a breakpoint the caller set for a site (before it tells the editor). */
  track(id: string, handle: B, site: SwallowSite): void {
    this.ours.set(id, {
      handle,
      key: site.key,
      condition: site.condition,
      identity: site.identity,
      edited: false,
    });
  }

  isOurs(id: string): boolean {
    return this.ours.has(id);
  }

  get size(): number {
    return this.ours.size;
  }

  /** Forgets every breakpoint of ours and returns them, to remove (turning off, disposing). */
  releaseAll(): B[] {
    const all = [...this.ours.values()].map((t) => t.handle);
    this.ours.clear();
    return all;
  }

  /** The editor removed a breakpoint: when it was ours, the user did, and its site stays away. */
  removed(id: string): boolean {
    const t = this.ours.get(id);
    if (!t) return false;
    this.ours.delete(id);
    this.dismissed.add(t.identity);
    return true;
  }

  /**
   * The editor changed a breakpoint (the user edited it, or it moved with the text). Still
   * labelled as ours: it stays ours, where it is now, as the user left it. Otherwise the user
   * made it theirs: it is no longer ours (never removed by us) and its site is not set again.
   * Returns what happened, for the log.
   */
  changed(id: string, handle: B, now: { key?: string; condition?: string }): 'not-ours' | 'kept' | 'adopted' {
    const t = this.ours.get(id);
    if (!t) return 'not-ours';
    if (now.key !== undefined && now.condition !== undefined && isSwallowCondition(now.condition)) {
      const edited = t.edited || now.condition !== t.condition;
      this.ours.set(id, { ...t, handle, key: now.key, condition: now.condition, edited });
      return 'kept';
    }
    this.ours.delete(id);
    this.dismissed.add(t.identity);
    return 'adopted';
  }

  clearDismissed(): void {
    this.dismissed.clear();
  }
}
