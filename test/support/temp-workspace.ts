import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A throwaway workspace made of the given files (path -> text). */
export function tempWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mwchain-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

export function copyToTemp(src: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mwchain-'));
  cpSync(src, dir, { recursive: true });
  return dir;
}
