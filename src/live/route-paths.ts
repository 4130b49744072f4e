// Which static route a request was for, by method and path: route paths as the model writes
// them (Express 4 `:id?` and `*`, Express 5 `*splat` and `{/:opt}`, Koa and Fastify `:id`,
// regular expressions kept as written) turned into matchers of a request's path.

/** True when a request with `method` can reach a route registered for `routeMethod`. */
export function methodMatches(routeMethod: string, method: string): boolean {
  const r = routeMethod.toUpperCase();
  const m = method.toUpperCase();
  return r === 'ALL' || r === m || (r === 'GET' && m === 'HEAD');
}

/**
 * A test of a request's path (no query) against a route path; `prefix` for `use`-level
 * handlers, which answer everything under their mount. Undefined when the path cannot be read
 * (computed at run time, or an expression the pattern syntax does not cover).
 */
export function pathMatcher(routePath: string, prefix = false): ((pathname: string) => boolean) | undefined {
  const re = regexLiteral(routePath) ?? patternRegex(routePath, prefix);
  if (!re) return undefined;
  return (pathname) => re.test(pathname);
}

/** The path of a request URL: no query, no fragment, percent-decoding left alone. */
export function pathnameOf(url: string): string {
  const cut = url.search(/[?#]/);
  const p = cut < 0 ? url : url.slice(0, cut);
  // an absolute-form request target (a proxy request)
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(p);
  return m ? m[1] || '/' : p || '/';
}

function regexLiteral(text: string): RegExp | undefined {
  const m = /^\/(.*)\/([dgimsuy]*)$/s.exec(text);
  if (!m || !(m[1]!.startsWith('^') || m[1]!.includes('\\'))) return undefined;
  try {
    return new RegExp(m[1]!, m[2]!.replace(/[gy]/g, ''));
  } catch {
    return undefined;
  }
}

function patternRegex(text: string, prefix: boolean): RegExp | undefined {
  if (!text.startsWith('/')) return undefined;
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === ':' && /[\w$]/.test(text[i + 1] ?? '')) {
      const name = /^:[\w$]+/.exec(text.slice(i))![0];
      i += name.length;
      let part = '[^/]+?';
      if (text[i] === '(') {
        // Express 4's `:id(\\d+)`: the custom pattern, when it is a valid one
        const close = matchingParen(text, i);
        if (close < 0) return undefined;
        const custom = text.slice(i + 1, close);
        i = close + 1;
        if (isValid(custom)) part = `(?:${custom})`;
      }
      const modifier = text[i];
      if (modifier === '?' || modifier === '*' || modifier === '+') {
        i++;
        // the slash before an optional parameter is optional with it
        const slash = out.endsWith('\\/');
        if (slash) out = out.slice(0, -2);
        const one = `${slash ? '\\/' : ''}${part}`;
        out +=
          modifier === '?'
            ? `(?:${one})?`
            : modifier === '*'
              ? `(?:${one}(?:\\/${part})*)?`
              : `${one}(?:\\/${part})*`;
      } else out += part;
      continue;
    }
    if (c === '*') {
      // Express 5 `*splat` (one or more segments), Express 4 and Fastify `*` (anything)
      const name = /^\*[\w$]*/.exec(text.slice(i))![0];
      i += name.length;
      out += name.length > 1 ? '.+' : '.*';
      continue;
    }
    if (c === '{') {
      depth++;
      out += '(?:';
      i++;
      continue;
    }
    if (c === '}' && depth > 0) {
      depth--;
      out += ')?';
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      out += escape(text[i + 1]!);
      i += 2;
      continue;
    }
    out += escape(c);
    i++;
  }
  if (depth !== 0) return undefined;
  out = out.replace(/\\\/$/, '');
  const tail = prefix ? '(?:\\/.*)?' : '\\/?';
  try {
    return new RegExp(`^${out}${tail}$`, 'i');
  } catch {
    return undefined;
  }
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

function isValid(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
