// A minimal Chrome DevTools Protocol client for a `node --inspect` child, as js-debug talks to
// it (Runtime and Debugger enabled): commands by id (errors rejected), scripts by URL, and
// `Debugger.paused` events queued for `nextPause`, or handed to `onPause` when one is given.
import WebSocket from 'ws';

export interface CdpLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber?: number;
}

export interface Scope {
  type: string;
  object: { objectId?: string };
}

export interface CallFrame {
  callFrameId: string;
  functionName: string;
  location: CdpLocation;
  url: string;
  scopeChain: Scope[];
}

export interface Paused {
  callFrames: CallFrame[];
  reason: string;
  hitBreakpoints?: string[];
}

export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private readonly pauses: Paused[] = [];
  private waiter: ((p: Paused) => void) | undefined;
  /** script ids by URL (`file:///...` for CommonJS modules). */
  readonly scripts = new Map<string, string>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly onPause: ((paused: Paused) => void) | undefined,
  ) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as {
        id?: number;
        method?: string;
        params?: Record<string, unknown>;
        result?: unknown;
        error?: { message: string };
      };
      if (m.id !== undefined) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error.message));
        else p?.resolve(m.result);
      } else if (m.method === 'Debugger.scriptParsed') {
        this.scripts.set(String(m.params!.url), String(m.params!.scriptId));
      } else if (m.method === 'Debugger.paused') {
        const paused = m.params as unknown as Paused;
        if (this.onPause) this.onPause(paused);
        else if (this.waiter) {
          this.waiter(paused);
          this.waiter = undefined;
        } else this.pauses.push(paused);
      }
    });
  }

  /**
   * Attaches to the inspector whose URL the child printed on stderr. With `onPause`, every pause
   * goes there instead of the queue.
   */
  static async attach(stderr: () => string, onPause?: (paused: Paused) => void): Promise<CdpClient> {
    const deadline = Date.now() + 5000;
    let url: string | undefined;
    while (!(url = /ws:\/\/\S+/.exec(stderr())?.[0])) {
      if (Date.now() > deadline) throw new Error(`no inspector URL in:\n${stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const client = new CdpClient(ws, onPause);
    await client.send('Runtime.enable');
    await client.send('Debugger.enable');
    return client;
  }

  send<T = unknown>(method: string, params: object = {}): Promise<T> {
    if (this.ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new Error(`${method}: the inspector is gone`));
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) =>
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject }),
    );
  }

  nextPause(timeoutMs = 4000): Promise<Paused> {
    const queued = this.pauses.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no pause within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (p) => {
        clearTimeout(timer);
        resolve(p);
      };
    });
  }

  /** Pauses that nobody has taken yet. */
  get queuedPauses(): number {
    return this.pauses.length;
  }

  /** `expression` evaluated in the top frame of a pause, returned by value. */
  async evaluate(paused: Paused, expression: string): Promise<unknown> {
    const r = await this.send<{ result: { value?: unknown }; exceptionDetails?: { text: string } }>(
      'Debugger.evaluateOnCallFrame',
      { callFrameId: paused.callFrames[0]!.callFrameId, expression, returnByValue: true },
    );
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** The names a scope holds. */
  async scopeNames(scope: Scope): Promise<string[]> {
    if (!scope.object.objectId) return [];
    const r = await this.send<{ result: { name: string }[] }>('Runtime.getProperties', {
      objectId: scope.object.objectId,
      ownProperties: true,
    });
    return r.result.map((p) => p.name);
  }

  close(): void {
    this.ws.close();
  }
}
