// Messages between the extension host and the analysis worker, declared once. Every message
// names its sender. Requests carry an `id`; the worker answers each with a `result` or `failed`
// carrying the same id.
import type { GraphJson } from '../analysis/model';
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
