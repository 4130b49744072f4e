// The real Mermaid parser (the `mermaid` package), run in Node over a jsdom window.
import { JSDOM } from 'jsdom';

type MermaidApi = { parse(text: string): Promise<unknown> };
let loaded: Promise<MermaidApi> | undefined;

function load(): Promise<MermaidApi> {
  loaded ??= (async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    const g = globalThis as Record<string, unknown>;
    g.window = dom.window;
    g.document = dom.window.document;
    const mod = (await import('mermaid')) as unknown as { default: MermaidApi };
    return mod.default;
  })();
  return loaded;
}

/** Resolves when `text` is a valid Mermaid diagram; rejects with Mermaid's own parse error. */
export async function parseMermaid(text: string): Promise<void> {
  const mermaid = await load();
  await mermaid.parse(text);
}
