// The debug integration in a real VS Code with its built-in js-debug, on the debug-crossing
// fixture: a pwa-node launch gets the agent; with "break on errors crossing middleware" on, a
// request whose middleware throws stops the debugger, and the editor shows the throw site with a
// sentence naming the middleware and the error handler; requests that cross no boundary (one
// catches its own exception) never stop; with the mode off the same failing request runs through.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { eventually, log, screenshot, suite } from './harness';

interface ShownPause {
  file: string;
  line: number;
  message: string;
}
interface Api {
  lastPause(): ShownPause | undefined;
}

const folder = () => vscode.workspace.workspaceFolders![0]!;
const stops: { session: vscode.DebugSession; threadId: number; reason: string }[] = [];
let port = 0;
const output: string[] = [];
const verifiedLines: number[] = [];
let session: vscode.DebugSession | undefined;

const THROW_LINE = 18; // `if (req.query.fail) throw new Error('no such user');` in src/app.js
const SWALLOW_LINE = 30; // `console.warn('audit failed:', err.message);` in auditLog's catch

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

type TreeRow = { id: string; kind: string; label: string; description?: string };

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const setMode = (on: boolean, mode = 'breakOnCrossing') =>
  vscode.workspace.getConfiguration('mwchain.debug').update(mode, on, vscode.ConfigurationTarget.Global);

const ours = () =>
  vscode.debug.breakpoints.filter(
    (b): b is vscode.SourceBreakpoint =>
      b instanceof vscode.SourceBreakpoint && (b.condition ?? '').startsWith('/* mwchain:'),
  );

export const run = suite('the debug integration on debug-crossing', [
  {
    name: 'a pwa-node launch starts with the agent and answers requests that cross no boundary',
    timeout: 60_000,
    fn: async () => {
      const ext = vscode.extensions.getExtension<Api>('mwchain.mwchain')!;
      await ext.activate();
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (s) => ({
          onDidSendMessage: (m: {
            type?: string;
            event?: string;
            body?: { threadId: number; reason: string };
          }) => {
            if (m.type === 'event' && m.event === 'stopped' && m.body)
              stops.push({ session: s, threadId: m.body.threadId, reason: m.body.reason });
            if (m.type === 'event' && m.event === 'output') output.push(JSON.stringify(m.body).slice(0, 300));
            if (m.type === 'event' && m.event === 'breakpoint') {
              const b = (m.body as unknown as { breakpoint: { verified: boolean; line?: number } })
                .breakpoint;
              if (b.verified && b.line) verifiedLines.push(b.line);
            }
          },
        }),
      });
      await setMode(true);
      port = await freePort();
      const started = await vscode.debug.startDebugging(folder(), {
        type: 'pwa-node',
        request: 'launch',
        name: 'debug-crossing',
        program: '${workspaceFolder}/src/app.js',
        env: { PORT: String(port) },
        console: 'internalConsole',
      });
      assert.ok(started, 'the debug session did not start');
      session = vscode.debug.activeDebugSession;
      const ok = await eventually('the app answering', () => get('/orders').catch(() => undefined), 30_000);
      assert.equal(ok.status, 200, ok.body);
      // the status bar item is up while the session runs: nothing to assert through the API, the
      // screenshot shows it
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(
        stops.map((s) => s.reason),
        [],
        'a request crossing no boundary (one middleware caught its own exception) stopped the debugger',
      );
    },
  },
  {
    name: 'an error crossing out of loadUser stops at the throw site, with the decoration',
    timeout: 45_000,
    fn: async () => {
      const api = vscode.extensions.getExtension<Api>('mwchain.mwchain')!.exports;
      const answer = get('/orders?fail=1');
      const stop = await eventually('the stopped event', () => stops[0], 20_000);
      const shown = await eventually('the pause shown', () => api.lastPause(), 10_000);
      log(`  # stopped (${stop.reason}); shown: ${shown.message} at ${shown.file}:${shown.line}`);
      assert.ok(shown.file.endsWith('src/app.js'), shown.file);
      assert.equal(shown.line, THROW_LINE);
      assert.match(shown.message, /no such user/);
      assert.match(shown.message, /`loadUser`/);
      assert.match(shown.message, /`errorHandler`/);
      const editor = await eventually('the editor on the throw site', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath.endsWith('src/app.js') && e.selection.active.line === THROW_LINE - 1
          ? e
          : undefined;
      });
      assert.ok(editor);
      await screenshot('debug-pause');
      await stop.session.customRequest('continue', { threadId: stop.threadId });
      const result = await answer;
      assert.equal(result.status, 500);
      assert.match(result.body, /no such user/);
      await eventually('the decoration cleared', () => (api.lastPause() ? undefined : true), 5_000);
    },
  },
  {
    name: 'with the mode off, the same failing request does not stop',
    timeout: 30_000,
    fn: async () => {
      stops.length = 0;
      await setMode(false);
      // the new modes reach the running agent over the control socket
      await new Promise((r) => setTimeout(r, 1000));
      const result = await get('/orders?fail=1');
      assert.equal(result.status, 500);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(
        stops.map((s) => s.reason),
        [],
      );
    },
  },
  {
    name: 'break on swallowed errors: a labelled breakpoint in the catch stops with the error in scope',
    timeout: 45_000,
    fn: async () => {
      stops.length = 0;
      await setMode(true, 'breakOnSwallowed');
      const [bp] = await eventually('our breakpoint', () => (ours().length ? ours() : undefined), 20_000);
      log(`  # breakpoint: ${bp!.condition} at line ${bp!.location.range.start.line + 1}`);
      assert.ok(bp!.location.uri.fsPath.endsWith('src/app.js'));
      assert.equal(bp!.location.range.start.line, SWALLOW_LINE - 1);
      assert.match(bp!.condition!, /swallowed error in `?auditLog/);
      // js-debug confirms the breakpoint in the running app before the request is sent
      await eventually('the breakpoint bound in the app', () =>
        verifiedLines.includes(SWALLOW_LINE) ? true : undefined,
      );
      // the catch only logs: the request is never answered, so it is abandoned afterwards
      const request = http.get({ host: '127.0.0.1', port, path: '/orders?audit=down' });
      request.on('error', () => {});
      const stop = await eventually('the stop in the catch', () => stops[0], 20_000).catch((e: Error) => {
        throw new Error(
          `${e.message}; debuggee output and breakpoint events:\n${output.slice(-15).join('\n')}`,
        );
      });
      const trace = (await stop.session.customRequest('stackTrace', {
        threadId: stop.threadId,
        levels: 1,
      })) as {
        stackFrames: { id: number; line: number; source?: { path?: string } }[];
      };
      const top = trace.stackFrames[0]!;
      assert.equal(top.line, SWALLOW_LINE);
      const err = (await stop.session.customRequest('evaluate', {
        expression: 'err.message',
        frameId: top.id,
        context: 'repl',
      })) as { result: string };
      assert.match(err.result, /audit store down/);
      await screenshot('debug-swallowed');
      await stop.session.customRequest('continue', { threadId: stop.threadId });
      request.destroy();
      await setMode(false, 'breakOnSwallowed');
      await eventually('our breakpoints removed', () => (ours().length === 0 ? true : undefined), 10_000);
    },
  },
  {
    name: 'the live overlay shows what ran in the Chains tree',
    timeout: 30_000,
    fn: async () => {
      await vscode.commands.executeCommand('mwchain.chains.focus');
      const row = await eventually(
        'a live count on loadUser',
        async () => {
          const rows = (await vscode.commands.executeCommand<TreeRow[]>('mwchain._tree')) ?? [];
          return rows.find(
            (r) => r.kind === 'item' && r.label.includes('loadUser') && /\d+×/.test(r.description ?? ''),
          );
        },
        15_000,
      );
      log(`  # ${row.label}: ${row.description}`);
      // the route's node opened, as a user would, so that loadUser's row is on screen
      const result = (await vscode.commands.executeCommand<unknown[]>('mwchain._analysis')) as {
        graph: { apps: { id: string }[] };
      }[];
      await vscode.commands.executeCommand('mwchain.showChain', {
        root: folder().uri.fsPath,
        app: result[0]!.graph.apps[0]!.id,
        method: 'GET',
        path: '/orders',
      });
      await vscode.commands.executeCommand('mwchain.chains.focus');
      // the graph webview, shown again, renders the route with the overlay a moment later
      await eventually(
        'the graph of GET /orders with the overlay',
        async () => {
          const status = await vscode.commands.executeCommand<{ view?: { live?: number } }>(
            'mwchain._graphStatus',
          );
          return (status?.view?.live ?? 0) > 0 ? true : undefined;
        },
        15_000,
      );
      const shown = await screenshot('debug-live', row.description);
      assert.notEqual(shown, false, `the tree did not show "${row.description}" within 10 s`);
      if (session) await vscode.debug.stopDebugging(session);
    },
  },
  {
    name: 'an app started in the JavaScript Debug Terminal gets the agent and stops on a crossing',
    timeout: 60_000,
    fn: async () => {
      const api = vscode.extensions.getExtension<Api>('mwchain.mwchain')!.exports;
      stops.length = 0;
      await setMode(true);
      port = await freePort();
      await vscode.commands.executeCommand(
        'extension.js-debug.createDebuggerTerminal',
        `PORT=${port} node src/app.js`,
        folder(),
        { cwd: folder().uri.fsPath },
      );
      const ok = await eventually('the app answering', () => get('/orders').catch(() => undefined), 40_000);
      assert.equal(ok.status, 200);
      const answer = get('/orders?fail=1');
      const stop = await eventually('the stopped event', () => stops[0], 20_000);
      const shown = await eventually('the pause shown', () => api.lastPause(), 10_000);
      assert.equal(shown.line, THROW_LINE);
      assert.match(shown.message, /`loadUser` crossed into `errorHandler`/);
      await screenshot('debug-terminal');
      await stop.session.customRequest('continue', { threadId: stop.threadId });
      assert.equal((await answer).status, 500);
      await setMode(false);
      for (const terminal of vscode.window.terminals) terminal.dispose();
    },
  },
]);
