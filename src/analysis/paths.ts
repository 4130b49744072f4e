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

const texts = new WeakMap<FullPath, string>();

export function pathText(p: FullPath): string {
  let t = texts.get(p);
  if (t === undefined) texts.set(p, (t = pathTextUncached(p)));
  return t;
}

function pathTextUncached(p: FullPath): string {
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

/** A mount path or route pattern compiled once, tested against many routes' samples. */
export interface Matcher {
  test(sample: string): boolean;
  /** the literal path every match starts with (lower case); '' when it varies from the start. */
  literalPrefix: string;
}

const ALWAYS: Matcher = { test: () => true, literalPrefix: '' };

export function compileMount(mount: FullPath): Matcher {
  return isRoot(mount) ? ALWAYS : compile(mount, 'prefix');
}

export function compilePattern(pattern: FullPath): Matcher {
  return compile(pattern, 'exact');
}

const compiled = new Map<string, Matcher>();

function compile(p: FullPath, mode: 'prefix' | 'exact'): Matcher {
  const key = mode + p.map((s) => s.kind[0] + s.text).join('\0');
  let m = compiled.get(key);
  if (!m) compiled.set(key, (m = compileUncached(p, mode)));
  return m;
}

function compileUncached(p: FullPath, mode: 'prefix' | 'exact'): Matcher {
  const re = toRegExp(p, mode);
  const text = pathText(p);
  const test = re
    ? (sample: string) => re.test(sample)
    : mode === 'prefix'
      ? (sample: string) => sample.startsWith(text)
      : (sample: string) => sample === text;
  return { test, literalPrefix: literalPrefixOf(p) };
}

/** The leading literal segments every match starts with, lower case (`/api/users` of `/api/users/:id`). */
function literalPrefixOf(p: FullPath): string {
  const first = p[0];
  if (!first || first.kind !== 'string') return '';
  const out: string[] = [];
  const segments = first.text.split('/').slice(1);
  for (const [i, seg] of segments.entries()) {
    if (!seg || /[:*({?+[\\]/.test(seg)) break;
    // the last segment of a pattern followed by a regex may continue into it
    if (i === segments.length - 1 && p.length > 1) break;
    out.push(seg.toLowerCase());
  }
  return out.length ? '/' + out.join('/') : '';
}

/** Every literal prefix a route's sample path has, shortest first: the keys its matchers may be under. */
export function literalPrefixesOfSample(sample: string): string[] {
  const segments = sample.toLowerCase().split('/').slice(1);
  const out = [''];
  let acc = '';
  for (const seg of segments) {
    if (!seg) continue;
    acc += '/' + seg;
    out.push(acc);
  }
  return out;
}

/** Does a middleware mounted at `mount` run for requests to `route`? */
export function mountCovers(mount: FullPath, route: FullPath): boolean {
  return compileMount(mount).test(sampleOf(route));
}

/** Does a route pattern registered earlier match requests to `route` too? */
export function patternCovers(pattern: FullPath, route: FullPath): boolean {
  return compilePattern(pattern).test(sampleOf(route));
}

/**
 * A request path standing for the route: its text, with each regex replaced by the literal path
 * it starts with (`/^\/legacy\/.*$/` gives `/legacy/x`), which is what mounts are tested on.
 */
export function sampleOf(route: FullPath): string {
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
