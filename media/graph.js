// @ts-check
// The graph webview: renders the Mermaid text the extension sends, makes nodes open their
// source, pans and zooms, follows the theme, exports SVG, and keeps its state across reloads.
// Messages mirror src/protocol/webview-messages.ts.
(function () {
  // @ts-ignore provided by VS Code
  const vscode = acquireVsCodeApi();
  // @ts-ignore loaded from media/vendor/mermaid.min.js
  const mermaid = window.mermaid;
  const graph = /** @type {HTMLElement} */ (document.getElementById('graph'));
  const viewport = /** @type {HTMLElement} */ (document.getElementById('viewport'));
  const message = /** @type {HTMLElement} */ (document.getElementById('message'));
  const title = /** @type {HTMLElement} */ (document.getElementById('title'));
  const saved = vscode.getState() || {};
  let chart = saved.chart || null;
  let view = saved.view || { scale: 1, x: 0, y: 0 };
  let renders = 0;

  function save() {
    vscode.setState({ chart, view });
  }

  function css(name, fallback) {
    const v = getComputedStyle(document.body).getPropertyValue(name).trim();
    return v || fallback;
  }

  function themeVariables() {
    const fg = css('--vscode-foreground', '#333');
    const bg = css('--vscode-editor-background', '#fff');
    const border = css('--vscode-editorWidget-border', css('--vscode-contrastBorder', '#888'));
    return {
      background: bg,
      primaryColor: css('--vscode-editorWidget-background', bg),
      primaryTextColor: fg,
      primaryBorderColor: border,
      lineColor: css('--vscode-editorLineNumber-foreground', fg),
      secondaryColor: css('--vscode-sideBar-background', bg),
      tertiaryColor: css('--vscode-editor-inactiveSelectionBackground', bg),
      clusterBkg: css('--vscode-sideBar-background', bg),
      clusterBorder: border,
      titleColor: fg,
      edgeLabelBackground: bg,
      fontFamily: css('--vscode-font-family', 'sans-serif'),
    };
  }

  function applyView() {
    graph.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.scale})`;
  }

  let fitPending = false;

  async function render() {
    if (!chart) return;
    title.textContent = chart.title;
    message.textContent = '';
    message.classList.remove('error');
    try {
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        theme: 'base',
        themeVariables: themeVariables(),
        flowchart: { useMaxWidth: false },
      });
      // a chain reads left to right in an editor, top to bottom in a narrow sidebar
      const text =
        viewport.clientWidth < 500 ? chart.mermaid.replace(/^flowchart LR/, 'flowchart TD') : chart.mermaid;
      const { svg } = await mermaid.render(`mwchain-graph-${++renders}`, text);
      graph.innerHTML = svg;
      let clickable = 0;
      graph.querySelectorAll('g.node').forEach((node) => {
        const m = /flowchart-(n\d+)-/.exec(node.id);
        const loc = m && chart.nodes[m[1]];
        if (!loc) return;
        clickable++;
        node.classList.add('clickable');
        node.setAttribute('tabindex', '0');
        node.setAttribute('role', 'link');
        const open = () => vscode.postMessage({ type: 'open', root: chart.root, loc });
        node.addEventListener('click', open);
        node.addEventListener('keydown', (e) => {
          if (/** @type {KeyboardEvent} */ (e).key === 'Enter') open();
        });
      });
      applyView();
      if (fitPending) {
        fitPending = false;
        fit();
      }
      vscode.postMessage({ type: 'rendered', nodes: graph.querySelectorAll('g.node').length, clickable });
    } catch (e) {
      graph.innerHTML = '';
      message.textContent = `The graph could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
      message.classList.add('error');
      vscode.postMessage({ type: 'rendered', nodes: 0, error: String(e) });
    }
  }

  function zoom(factor, cx, cy) {
    const scale = Math.min(4, Math.max(0.1, view.scale * factor));
    const k = scale / view.scale;
    view = { scale, x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k };
    applyView();
    save();
  }

  function fit() {
    const svg = graph.querySelector('svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const w = box.width / view.scale;
    const h = box.height / view.scale;
    const scale = Math.min(
      2,
      Math.max(0.1, Math.min(viewport.clientWidth / (w + 16), viewport.clientHeight / (h + 16))),
    );
    view = { scale, x: 0, y: 0 };
    applyView();
    save();
  }

  viewport.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const r = viewport.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - r.left, e.clientY - r.top);
    },
    { passive: false },
  );
  let drag = null;
  viewport.addEventListener('mousedown', (e) => {
    if (/** @type {HTMLElement} */ (e.target).closest('g.node.clickable')) return;
    drag = { x: e.clientX - view.x, y: e.clientY - view.y };
    viewport.classList.add('dragging');
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    view = { ...view, x: e.clientX - drag.x, y: e.clientY - drag.y };
    applyView();
  });
  window.addEventListener('mouseup', () => {
    if (!drag) return;
    drag = null;
    viewport.classList.remove('dragging');
    save();
  });
  document
    .getElementById('zoom-in')
    ?.addEventListener('click', () => zoom(1.2, viewport.clientWidth / 2, viewport.clientHeight / 2));
  document
    .getElementById('zoom-out')
    ?.addEventListener('click', () => zoom(1 / 1.2, viewport.clientWidth / 2, viewport.clientHeight / 2));
  document.getElementById('fit')?.addEventListener('click', fit);
  const exportSvg = () => {
    const svg = graph.querySelector('svg');
    if (svg) vscode.postMessage({ type: 'svg', svg: new XMLSerializer().serializeToString(svg) });
  };
  document.getElementById('export')?.addEventListener('click', exportSvg);

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m.type === 'show') {
      const changed = !chart || chart.title !== m.title || chart.root !== m.root;
      chart = { title: m.title, root: m.root, mermaid: m.mermaid, nodes: m.nodes };
      if (changed) {
        view = { scale: 1, x: 0, y: 0 };
        fitPending = true;
      }
      save();
      void render();
    } else if (m.type === 'exportSvg') {
      exportSvg();
    }
  });

  // The theme changes by a class on body: draw again in its colours.
  new MutationObserver(() => void render()).observe(document.body, {
    attributes: true,
    attributeFilter: ['class'],
  });

  // anything that goes wrong in here is reported, not lost in the webview's console
  window.addEventListener('error', (e) =>
    vscode.postMessage({ type: 'rendered', nodes: 0, error: String(e.message) }),
  );
  if (chart) void render();
  vscode.postMessage({ type: 'ready' });
})();
