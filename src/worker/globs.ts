// Minimal glob matching for the include/exclude settings: `**`, `*`, `?` and `{a,b}`.
const cache = new Map<string, RegExp>();

export function matchesGlob(relPath: string, glob: string): boolean {
  let re = cache.get(glob);
  if (!re) {
    let src = '';
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (c === '*' && glob[i + 1] === '*') {
        src += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else if (c === '*') src += '[^/]*';
      else if (c === '?') src += '[^/]';
      else if (c === '{') src += '(?:';
      else if (c === '}') src += ')';
      else if (c === ',' && glob.lastIndexOf('{', i) > glob.lastIndexOf('}', i)) src += '|';
      else src += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
    }
    // a pattern without a slash matches at any depth, like .gitignore
    re = new RegExp(glob.includes('/') ? `^${src}$` : `(^|/)${src}$`);
    cache.set(glob, re);
  }
  return re.test(relPath);
}
