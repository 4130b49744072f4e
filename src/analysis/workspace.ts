// Which files make up the workspace, and with which compiler options (for path aliases).
import { readdirSync, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const IGNORED_DIRS = new Set(['node_modules', 'dist', 'build', 'out', 'coverage']);

export interface WorkspaceFile {
  abs: string;
  options: ts.CompilerOptions;
}

export interface Workspace {
  root: string;
  files: WorkspaceFile[];
  /** config problems worth telling the user; analysis goes on. */
  notes: string[];
}

export function isSourceFile(file: string): boolean {
  return SOURCE_EXTENSIONS.includes(path.extname(file)) && !/\.d\.[cm]?ts$/.test(file);
}

export function discoverWorkspace(root: string): Workspace {
  const notes: string[] = [];
  for (const name of ['tsconfig.json', 'jsconfig.json']) {
    const config = path.join(root, name);
    if (!existsSync(config)) continue;
    const files = new Map<string, WorkspaceFile>();
    if (readConfig(config, name === 'jsconfig.json', files, notes, new Set())) {
      const inside = [...files.values()].filter((f) => !path.relative(root, f.abs).startsWith('..'));
      return { root, files: inside.sort((a, b) => a.abs.localeCompare(b.abs)), notes };
    }
  }
  const files: WorkspaceFile[] = walk(root).map((abs) => ({ abs, options: {} }));
  return { root, files, notes };
}

function readConfig(
  config: string,
  isJsConfig: boolean,
  out: Map<string, WorkspaceFile>,
  notes: string[],
  seen: Set<string>,
): boolean {
  if (seen.has(config)) return true;
  seen.add(config);
  const diagnostics: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(d),
  };
  const existing = isJsConfig ? { allowJs: true, maxNodeModuleJsDepth: 0 } : {};
  const parsed = ts.getParsedCommandLineOfConfigFile(config, existing, host);
  if (!parsed) {
    notes.push(
      `${config}: ${diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ')}; analysing every file instead`,
    );
    return false;
  }
  for (const file of parsed.fileNames) {
    if (isSourceFile(file) && !file.split(/[\\/]/).includes('node_modules')) {
      out.set(path.resolve(file), { abs: path.resolve(file), options: parsed.options });
    }
  }
  for (const ref of parsed.projectReferences ?? []) {
    const refConfig = statSync(ref.path, { throwIfNoEntry: false })?.isDirectory()
      ? path.join(ref.path, 'tsconfig.json')
      : ref.path;
    if (existsSync(refConfig)) readConfig(refConfig, false, out, notes, seen);
    else notes.push(`${config}: referenced project ${ref.path} not found`);
  }
  return true;
}

function walk(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!IGNORED_DIRS.has(e.name)) walk(abs, out);
    } else if (e.isFile() && isSourceFile(e.name)) {
      out.push(abs);
    }
  }
  return out;
}
