// Joining mount paths and deciding statically whether a middleware's mount or a route pattern
// covers a route's path. Paths keep the framework's own syntax; matching translates Express 4
// (`:id?`, `*`, `(...)`) and Express 5 (`{/:opt}`, `*splat`) patterns into one regular expression
// and tests it against the route's path text, in which a `:param` stands for any segment.
import type { PathSpec } from './values';

export type FullPath = PathSpec[];

export function joinPath(prefix: FullPath, p: PathSpec): FullPath {
  if (p.kind === 'string' && (p.text === '/' || p.text === '') && prefix.length > 0) return prefix;
  const last = prefix[prefix.length - 1];
  if (last && last.kind === 'string' && p.kind === 'string') {
    const a = last.text.endsWith('/') ? last.text.slice(0, -1) : last.text;
    const b = p.text.startsWith('/') ? p.text : '/' + p.text;
    return [...prefix.slice(0, -1), { kind: 'string', text: a + b }];
  }
  return [...prefix, p];
}

export function pathText(p: FullPath): string {
  if (p.length === 0) return '/';
  return p
    .map((s) => s.text)
    .join('')
    .replace(/^$/, '/');
}

export function isRoot(p: FullPath): boolean {
  return (
    p.length === 0 || (p.length === 1 && p[0]!.kind === 'string' && (p[0]!.text === '/' || p[0]!.text === ''))
  );
}

const cache = new Map<string, RegExp | null>();

function toRegExp(p: FullPath, mode: 'prefix' | 'exact'): RegExp | null {
  const key = mode + '\0' + p.map((s) => s.kind + ':' + s.text).join('\0');
  if (cache.has(key)) return cache.get(key)!;
  let src = '';
  for (const seg of p) {
    if (seg.kind === 'regex') {
      const m = /^\/(.*)\/[a-z]*$/s.exec(seg.text);
      src += (m ? m[1]! : seg.text).replace(/^\^/, '').replace(/\$$/, '');
    } else if (seg.kind === 'unresolved') {
      src += '.*';
    } else {
      src += patternSource(seg.text);
    }
  }
  src = src.replace(/\/$/, '');
  let re: RegExp | null;
  try {
    re = new RegExp(mode === 'prefix' ? `^${src}(?:/.*)?$` : `^${src}/?$`, 'i');
  } catch {
    re = null;
  }
  cache.set(key, re);
  return re;
}

function patternSource(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ':' || (c === '*' && /[A-Za-z_$]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < text.length && /[\w$]/.test(text[j]!)) j++;
      out += c === ':' ? '[^/]+' : '.*';
      i = j - 1;
    } else if (c === '*') {
      out += '.*';
    } else if (c === '{') {
      out += '(?:';
    } else if (c === '}') {
      out += ')?';
    } else if (c === '.' || c === '/' || c === '-') {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
}

/** Does a middleware mounted at `mount` run for requests to `route`? */
export function mountCovers(mount: FullPath, route: FullPath): boolean {
  if (isRoot(mount)) return true;
  const re = toRegExp(mount, 'prefix');
  return re ? re.test(sampleOf(route)) : pathText(route).startsWith(pathText(mount));
}

/** Does a route pattern registered earlier match requests to `route` too? */
export function patternCovers(pattern: FullPath, route: FullPath): boolean {
  const re = toRegExp(pattern, 'exact');
  return re ? re.test(sampleOf(route)) : pathText(pattern) === pathText(route);
}

/**
 * A request path standing for the route: its text, with each regex replaced by the literal path
 * it starts with (`/^\/legacy\/.*$/` gives `/legacy/x`), which is what mounts are tested on.
 */
function sampleOf(route: FullPath): string {
  return route.map((s) => (s.kind === 'regex' ? literalStart(s.text) : s.text)).join('') || '/';
}

function literalStart(regexText: string): string {
  const m = /^\/(.*)\/[a-z]*$/s.exec(regexText);
  const src = (m ? m[1]! : regexText).replace(/^\^/, '');
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      if (/[\w\s]/.test(next)) return out + 'x';
      out += next;
      i++;
    } else if (c === '$' && i === src.length - 1) {
      return out;
    } else if ('.*+?()[]{}|^$'.includes(c)) {
      return ('*?{'.includes(c) ? out.slice(0, -1) : out) + 'x';
    } else {
      out += c;
    }
  }
  return out;
}

/** Names of the `:params` in a path, in order. */
export function paramNames(p: FullPath): string[] {
  const out: string[] = [];
  for (const seg of p)
    if (seg.kind === 'string') for (const m of seg.text.matchAll(/:([\w$]+)/g)) out.push(m[1]!);
  return out;
}
