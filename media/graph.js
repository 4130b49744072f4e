// @ts-check
// The graph webview: renders the Mermaid text the extension sends, makes nodes open their
// source, pans and zooms, follows the theme, exports SVG, and keeps its state across reloads.
// While a debug session runs, the live overlay puts a badge (count and last duration, or a
// route's last status), a tooltip and, where a request stopped, a red outline on the nodes,
// without drawing the chart again. Messages mirror src/protocol/webview-messages.ts.
(function () {
  // @ts-ignore provided by VS Code
  const vscode = acquireVsCodeApi();
  // @ts-ignore loaded from media/vendor/mermaid.min.js
  const mermaid = window.mermaid;
  const graph = /** @type {HTMLElement} */ (document.getElementById('graph'));
  const viewport = /** @type {HTMLElement} */ (document.getElementById('viewport'));
  const message = /** @type {HTMLElement} */ (document.getElementById('message'));
  const title = /** @type {HTMLElement} */ (document.getElementById('title'));
  const liveSummary = /** @type {HTMLElement} */ (document.getElementById('live'));
  const saved = vscode.getState() || {};
  let chart = saved.chart || null;
  let view = saved.view || { scale: 1, x: 0, y: 0 };
  let renders = 0;
  /** @type {{nodes: Record<string, {badge: string, title: string, stopped: boolean}>, summary?: string} | null} */
  let live = null;
  const SVG_NS = 'http://www.w3.org/2000/svg';

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
        const id = nodeId(node);
        const loc = id && chart.nodes[id];
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
      if (live) applyLive();
    } catch (e) {
      graph.innerHTML = '';
      message.textContent = `The graph could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
      message.classList.add('error');
      vscode.postMessage({ type: 'rendered', nodes: 0, error: String(e) });
    }
  }

  /** The chart's node id (`n3`) of a Mermaid node element. */
  function nodeId(node) {
    const m = /flowchart-(n\d+)-/.exec(node.id);
    return m ? m[1] : null;
  }

  /** Draws the live overlay on the nodes there are, replacing what an earlier one drew. */
  function applyLive() {
    graph
      .querySelectorAll('.mwchain-live-badge, .mwchain-live-outline, title.mwchain-live-title')
      .forEach((e) => e.remove());
    graph
      .querySelectorAll('g.node.mwchain-live, g.node.mwchain-live-stopped')
      .forEach((n) => n.classList.remove('mwchain-live', 'mwchain-live-stopped'));
    liveSummary.textContent = (live && live.summary) || '';
    let shown = 0;
    if (live) {
      graph.querySelectorAll('g.node').forEach((node) => {
        const id = nodeId(node);
        const a = id && live && live.nodes[id];
        if (!a) return;
        shown++;
        node.classList.add('mwchain-live');
        if (a.stopped) node.classList.add('mwchain-live-stopped');
        const tip = document.createElementNS(SVG_NS, 'title');
        tip.setAttribute('class', 'mwchain-live-title');
        tip.textContent = a.title;
        node.insertBefore(tip, node.firstChild);
        drawBadge(/** @type {SVGGraphicsElement} */ (/** @type {unknown} */ (node)), a.badge, a.stopped);
      });
    }
    vscode.postMessage({ type: 'liveShown', nodes: shown });
  }

  /** A rounded badge straddling the node's top edge, at its right end; a red ring if stopped. */
  function drawBadge(node, text, stopped) {
    let box;
    try {
      box = node.getBBox();
    } catch {
      return; // not laid out (hidden): the next render draws it
    }
    if (stopped) {
      const ring = document.createElementNS(SVG_NS, 'rect');
      ring.setAttribute('class', 'mwchain-live-outline');
      ring.setAttribute('x', String(box.x - 4));
      ring.setAttribute('y', String(box.y - 4));
      ring.setAttribute('width', String(box.width + 8));
      ring.setAttribute('height', String(box.height + 8));
      ring.setAttribute('rx', '6');
      node.appendChild(ring);
    }
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', stopped ? 'mwchain-live-badge stopped' : 'mwchain-live-badge');
    const rect = document.createElementNS(SVG_NS, 'rect');
    const label = document.createElementNS(SVG_NS, 'text');
    label.textContent = text;
    g.append(rect, label);
    node.appendChild(g);
    let width = text.length * 6.5;
    let height = 14;
    try {
      const t = label.getBBox();
      if (t.width) width = t.width;
      if (t.height) height = t.height;
    } catch {
      // keep the estimate
    }
    const w = width + 10;
    const h = height + 2;
    const x = box.x + box.width - w + 8;
    const y = box.y - h / 2 - 1;
    rect.setAttribute('x', String(x));
    rect.setAttribute('y', String(y));
    rect.setAttribute('width', String(w));
    rect.setAttribute('height', String(h));
    rect.setAttribute('rx', String(h / 2));
    label.setAttribute('x', String(x + w / 2));
    label.setAttribute('y', String(y + h / 2));
    label.setAttribute('text-anchor', 'middle');
    label.setAttribute('dominant-baseline', 'central');
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
      // the overlay belongs to the chart before; the extension sends the new one's next
      live = null;
      liveSummary.textContent = '';
      save();
      void render();
    } else if (m.type === 'exportSvg') {
      exportSvg();
    } else if (m.type === 'live') {
      live =
        Object.keys(m.nodes || {}).length || m.summary ? { nodes: m.nodes || {}, summary: m.summary } : null;
      applyLive();
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
