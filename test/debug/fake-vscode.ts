// Just enough of the `vscode` API for SwallowedBreakpoints, with the breakpoint events as the
// extension host sends them (extHostDebugService): addBreakpoints and removeBreakpoints fire
// `added`/`removed` at once for breakpoints it did not know / still knew; the persisted
// breakpoints of an earlier session arrive later, as `added`; edits arrive as `changed`.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';

type Listener<T> = (e: T) => void;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(path.normalize(p));
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Location {
  readonly range: { start: Position; end: Position };
  constructor(
    readonly uri: Uri,
    at: Position,
  ) {
    this.range = { start: at, end: at };
  }
}

export class Breakpoint {
  private _id: string | undefined;
  constructor(
    readonly enabled = true,
    readonly condition?: string,
  ) {}
  get id(): string {
    return (this._id ??= randomUUID());
  }
  /** a copy with the same id, as the host gives after an edit. */
  withId(id: string): this {
    this._id = id;
    return this;
  }
}

export class SourceBreakpoint extends Breakpoint {
  constructor(
    readonly location: Location,
    enabled?: boolean,
    condition?: string,
  ) {
    super(enabled, condition);
  }
}

export interface BreakpointsChangeEvent {
  added: readonly Breakpoint[];
  removed: readonly Breakpoint[];
  changed: readonly Breakpoint[];
}

const known = new Map<string, Breakpoint>();
const changes = new EventEmitter<BreakpointsChangeEvent>();
export const calls = { add: 0, remove: 0 };

export const debug = {
  get breakpoints(): Breakpoint[] {
    return [...known.values()];
  },
  onDidChangeBreakpoints: changes.event,
  addBreakpoints(bps: readonly Breakpoint[]): void {
    calls.add++;
    const added = bps.filter((b) => !known.has(b.id));
    for (const b of added) known.set(b.id, b);
    changes.fire({ added, removed: [], changed: [] });
  },
  removeBreakpoints(bps: readonly Breakpoint[]): void {
    calls.remove++;
    const removed = bps.filter((b) => known.delete(b.id));
    changes.fire({ added: [], removed, changed: [] });
  },
};

export const workspace = {
  asRelativePath: (p: string | Uri) => (typeof p === 'string' ? p : p.fsPath),
};

/** What the window does on its own: restore persisted breakpoints, or apply a user's edit. */
export const host = {
  restore(bps: Breakpoint[]): void {
    for (const b of bps) known.set(b.id, b);
    changes.fire({ added: bps, removed: [], changed: [] });
  },
  userRemoves(b: Breakpoint): void {
    known.delete(b.id);
    changes.fire({ added: [], removed: [b], changed: [] });
  },
  userEdits(b: Breakpoint): void {
    known.set(b.id, b);
    changes.fire({ added: [], removed: [], changed: [b] });
  },
  reset(): void {
    known.clear();
  },
};
