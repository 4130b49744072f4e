// Messages between the extension host and the analysis worker, declared once. Every message
// names its sender. Requests carry an `id`; the worker answers each with a `result` or `failed`
// carrying the same id.
import type { GraphJson, Loc } from '../analysis/model';
import type { Finding, LintJson } from '../lint/findings';
import type { RuleId, Severity } from '../rules/rule';

export interface AnalysisSettings {
  /** globs (relative to the folder) of files to analyse; empty: the project's own selection. */
  include: string[];
  /** globs of files to leave out. */
  exclude: string[];
  /** per rule: a severity or 'off'. */
  rules: Partial<Record<RuleId, Severity | 'off'>>;
}

export interface FileChange {
  file: string;
  /** unsaved text of an open editor; absent: read the file from disk. */
  text?: string;
  removed?: boolean;
}

/** Sent by the extension (AnalysisHost) to the worker. */
export type ToWorker =
  | { type: 'open'; id: number; root: string; settings: AnalysisSettings }
  | { type: 'update'; id: number; root: string; changes: FileChange[] }
  | { type: 'settings'; id: number; root: string; settings: AnalysisSettings }
  | { type: 'fixes'; id: number; root: string; finding: Finding }
  | { type: 'close'; root: string };

/** Sent by the worker to the extension (AnalysisHost). */
export type FromWorker =
  | { type: 'result'; id: number; root: string; analysis: AnalysisResult }
  | { type: 'fixes'; id: number; root: string; fixes: QuickFix[] }
  | { type: 'failed'; id: number; root: string; message: string }
  | { type: 'progress'; root: string; message: string }
  | { type: 'log'; message: string };

export interface AnalysisResult {
  graph: GraphJson;
  lint: LintJson;
  /** things worth telling the user that are not findings (config problems). */
  notes: string[];
  /** how long the analysis took, for the output channel. */
  millis: number;
  files: number;
  /** where the debugger can stop for each swallowed-error finding; internal, never in the CLI's JSON. */
  swallowPoints?: SwallowPoint[];
}

/**
 * A swallowed-error finding as a place to stop: inside the catch, where the caught error is in
 * scope. Lines and columns are 1-based, like every Loc.
 */
export interface SwallowPoint {
  /** the finding's location (which finding this is). */
  finding: Loc;
  /** what stops there, naming the middleware as the finding does: "swallowed error in `loadUser`". */
  label: string;
  /** the first place inside the catch where V8 can pause; absent when there is none (an empty catch block). */
  stopAt?: Loc;
  /** why there is no `stopAt`. */
  reason?: string;
  /** the caught error's name at `stopAt`, when it has one. */
  binding?: string;
  /** an expression true only when there is an error (an err-first callback's body also runs on success); absent: always. */
  when?: string;
}

/** A quick fix, with edits positioned (0-based line and character) in the text the worker analysed. */
export interface QuickFix {
  title: string;
  isPreferred: boolean;
  changes: { file: string; edits: { start: Position; end: Position; text: string }[] }[];
}

export interface Position {
  line: number;
  character: number;
}
