/* global window, document */
// Renders a Mermaid flowchart of about 300 nodes with the bundled Mermaid in headless Chromium,
// as the graph webview does, and prints the render times (one line of JSON).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../scripts/vscode-e2e/paths.mjs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const text = readFileSync(process.argv[2], 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', ...CHROMIUM_ARGS],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.setContent('<!doctype html><html><body><div id="g"></div></body></html>');
  await page.addScriptTag({ content: readFileSync(path.join(ROOT, 'media/vendor/mermaid.min.js'), 'utf8') });
  const times = await page.evaluate(async (chart) => {
    const mermaid = window.mermaid;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'base',
      flowchart: { useMaxWidth: false },
    });
    const out = [];
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const { svg } = await mermaid.render(`g${i}`, chart);
      document.getElementById('g').innerHTML = svg;
      out.push({ ms: performance.now() - t, nodes: document.querySelectorAll('#g g.node').length });
    }
    return out;
  }, text);
  console.log(JSON.stringify(times));
} finally {
  await browser.close();
}
