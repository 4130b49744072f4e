// Maps a generated position to the original source with Node's own `module.SourceMap`, so
// middleware in compiled TypeScript (tsc output with .map files, tsx, ts-node) is reported
// where the user wrote it.
import * as fs from 'node:fs';
import { findSourceMap, SourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RuntimeLoc } from '../protocol/agent-messages';

const maps = new Map<string, { map: SourceMap; base: string } | null>();

/**
 * `scriptUrl` and `sourceMapUrl` as V8 reports them for a script; line and column 0-based.
 * Returns a 1-based location with an absolute path.
 */
export function originalLocation(
  scriptUrl: string,
  sourceMapUrl: string,
  line: number,
  column: number,
  nodeMap?: SourceMap,
): RuntimeLoc {
  const file = toPath(scriptUrl);
  const loaded = nodeMap
    ? { map: nodeMap, base: baseUrl(scriptUrl) }
    : sourceMapUrl
      ? loadMap(scriptUrl, sourceMapUrl)
      : null;
  const entry = loaded?.map.findEntry(line, column);
  if (entry && 'originalSource' in entry && entry.originalSource) {
    return {
      file: toPath(new URL(entry.originalSource, loaded!.base).href),
      line: entry.originalLine + 1,
      column: entry.originalColumn + 1,
    };
  }
  return { file, line: line + 1, column: column + 1 };
}

function loadMap(scriptUrl: string, sourceMapUrl: string): { map: SourceMap; base: string } | null {
  const key = `${scriptUrl}\n${sourceMapUrl}`;
  let loaded = maps.get(key);
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    const base = baseUrl(scriptUrl);
    let text: string;
    let mapUrl: string;
    if (sourceMapUrl.startsWith('data:')) {
      const comma = sourceMapUrl.indexOf(',');
      const meta = sourceMapUrl.slice(0, comma);
      const data = sourceMapUrl.slice(comma + 1);
      text = meta.endsWith(';base64')
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeURIComponent(data);
      mapUrl = base;
    } else {
      mapUrl = new URL(sourceMapUrl, base).href;
      text = fs.readFileSync(fileURLToPath(mapUrl), 'utf8');
    }
    const payload = JSON.parse(text) as { sourceRoot?: string };
    const root = payload.sourceRoot ? new URL(withSlash(payload.sourceRoot), mapUrl).href : mapUrl;
    loaded = { map: new SourceMap(payload as never), base: root };
  } catch {
    // no readable map: the generated position is still a true location
  }
  maps.set(key, loaded);
  return loaded;
}

function baseUrl(scriptUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(scriptUrl) && !/^[a-z]:[\\/]/i.test(scriptUrl)) return scriptUrl;
  return pathToFileURL(path.resolve(scriptUrl)).href;
}

/**
 * The source map Node recorded when it compiled the script (with source maps on, as tsx turns
 * them on, or --enable-source-maps): the map of the code that ran, even when a loader made it.
 */
export function nodeSourceMap(scriptUrl: string): SourceMap | undefined {
  try {
    return findSourceMap(scriptUrl) ?? findSourceMap(toPath(scriptUrl));
  } catch {
    return undefined;
  }
}

/** A file URL as a path; anything else as it is. */
export function toPath(url: string): string {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

/**
 * The URL in a script's last `//# sourceMappingURL=` comment (or the old `//@` and `/*#` forms),
 * or '' when it has none: what V8 reports as the script's source map URL.
 */
export function sourceMapComment(text: string): string {
  const match = /[/][/*][#@][ \t]+sourceMappingURL=([^\s'"]+?)[ \t]*(?:\*\/[ \t]*)?$/m.exec(
    text.slice(Math.max(0, text.lastIndexOf('sourceMappingURL=') - 8)),
  );
  return match?.[1] ?? '';
}

function withSlash(root: string): string {
  return root.endsWith('/') ? root : `${root}/`;
}
