// The framework version an app runs with: installed (node_modules) if present, else the range
// its package.json asks for. Only folders inside the analysed directory count.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export class FrameworkVersions {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly root: string) {}

  clear(): void {
    this.cache.clear();
  }

  versionFor(pkg: string, fromFile: string): string | null {
    const key = `${pkg}\0${path.dirname(fromFile)}`;
    if (!this.cache.has(key)) this.cache.set(key, this.compute(pkg, path.dirname(fromFile)));
    return this.cache.get(key)!;
  }

  private compute(pkg: string, start: string): string | null {
    let range: string | null = null;
    for (let dir = start; ; dir = path.dirname(dir)) {
      const installed = readJson(path.join(dir, 'node_modules', pkg, 'package.json'));
      if (typeof installed?.version === 'string') return installed.version;
      if (range === null) {
        const manifest = readJson(path.join(dir, 'package.json'));
        for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
          const deps = manifest?.[field] as Record<string, unknown> | undefined;
          if (typeof deps?.[pkg] === 'string') {
            range = deps[pkg] as string;
            break;
          }
        }
      }
      if (
        path.relative(this.root, dir) === '' ||
        path.dirname(dir) === dir ||
        path.relative(this.root, dir).startsWith('..')
      )
        break;
    }
    return range;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
