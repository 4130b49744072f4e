// Resolves module specifiers to workspace files the way Node and TypeScript do, without touching
// node_modules: a bare specifier is a package, modelled by a front end or left external.
import * as path from 'node:path';
import type { ts } from 'ts-morph';
import { SOURCE_EXTENSIONS } from './workspace';

export type Resolution =
  { kind: 'file'; abs: string } | { kind: 'package'; name: string } | { kind: 'missing' };

export class ModuleResolver {
  private readonly cache = new Map<string, Resolution>();

  constructor(private readonly exists: (abs: string) => boolean) {}

  clearCache(): void {
    this.cache.clear();
  }

  resolve(specifier: string, fromFile: string, options: ts.CompilerOptions): Resolution {
    const key = `${fromFile}\0${specifier}`;
    let r = this.cache.get(key);
    if (!r) {
      r = this.compute(specifier, fromFile, options);
      this.cache.set(key, r);
    }
    return r;
  }

  private compute(specifier: string, fromFile: string, options: ts.CompilerOptions): Resolution {
    if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
      const found = this.tryFile(path.resolve(path.dirname(fromFile), specifier));
      return found ? { kind: 'file', abs: found } : { kind: 'missing' };
    }
    const aliased = this.tryPaths(specifier, options);
    if (aliased) return { kind: 'file', abs: aliased };
    const spec = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    return { kind: 'package', name: specifier.startsWith('node:') ? specifier : name };
  }

  private tryPaths(specifier: string, options: ts.CompilerOptions): string | undefined {
    const base = options.baseUrl ?? (options as { pathsBasePath?: string }).pathsBasePath ?? undefined;
    if (options.paths && base) {
      for (const [pattern, targets] of Object.entries(options.paths)) {
        const star = pattern.indexOf('*');
        let captured: string | undefined;
        if (star < 0) captured = pattern === specifier ? '' : undefined;
        else {
          const pre = pattern.slice(0, star);
          const post = pattern.slice(star + 1);
          if (
            specifier.startsWith(pre) &&
            specifier.endsWith(post) &&
            specifier.length >= pre.length + post.length
          ) {
            captured = specifier.slice(pre.length, specifier.length - post.length);
          }
        }
        if (captured === undefined) continue;
        for (const target of targets) {
          const found = this.tryFile(path.resolve(base, target.replace('*', captured)));
          if (found) return found;
        }
      }
    }
    if (options.baseUrl) return this.tryFile(path.resolve(options.baseUrl, specifier));
    return undefined;
  }

  private tryFile(candidate: string): string | undefined {
    if (this.exists(candidate)) return candidate;
    // TypeScript ESM style: `./x.js` written for `./x.ts`.
    const ext = path.extname(candidate);
    const mapped: Record<string, string[]> = {
      '.js': ['.ts', '.tsx'],
      '.mjs': ['.mts'],
      '.cjs': ['.cts'],
      '.jsx': ['.tsx'],
    };
    for (const alt of mapped[ext] ?? []) {
      const c = candidate.slice(0, -ext.length) + alt;
      if (this.exists(c)) return c;
    }
    for (const e of SOURCE_EXTENSIONS) if (this.exists(candidate + e)) return candidate + e;
    for (const e of SOURCE_EXTENSIONS) {
      const c = path.join(candidate, 'index' + e);
      if (this.exists(c)) return c;
    }
    return undefined;
  }
}
