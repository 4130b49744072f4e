// The lint JSON of ../shared/CONTRACT.md section 3 (schemaVersion 1).
import type { Loc, Skipped } from '../analysis/model';
import type { Severity } from '../rules/rule';

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  location: Loc;
  endLocation: Loc;
  related: { message: string; location: Loc }[];
  routes: string[];
}

export interface LintJson {
  schemaVersion: 1;
  findings: Finding[];
  skipped: Skipped[];
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Reported for a suppression comment that silenced nothing. */
export const UNUSED_SUPPRESSION = 'unused-suppression';
