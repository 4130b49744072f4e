// Per-function facts, computed once: the name and, when something will print it, where the
// function is defined (an inspector round trip, so never on the hot path of an untraced app).
import type { ExitOutcome, RuntimeLoc, RuntimeMiddleware } from '../protocol/agent-messages';
import { definedAt } from './locations';
import { ENTER_HEAD, EXIT_HEAD, LineShape, sink } from './sink';
import { unwrap } from './wrap';

export class MiddlewareInfo {
  private loc: RuntimeLoc | undefined;
  private enter: LineShape | undefined;
  // one field per outcome: a lookup keyed by the outcome would be a megamorphic keyed load
  private exitNext: LineShape | undefined;
  private exitResponse: LineShape | undefined;
  private exitError: LineShape | undefined;
  private exitPending: LineShape | undefined;
  readonly name: string;
  readonly nameJson: string;

  constructor(
    readonly fn: object,
    name?: string,
  ) {
    this.name = name ?? nameOf(fn);
    this.nameJson = JSON.stringify(this.name);
    if (sink.on) this.makeLines();
  }

  get definedAt(): RuntimeLoc {
    return (this.loc ??= definedAt(unwrap(this.fn as () => unknown)));
  }

  get json(): RuntimeMiddleware {
    return { name: this.name, definedAt: this.definedAt };
  }

  // With a trace on, the lines are made with the info, when the function is first seen: made on
  // first use instead, the making (an inspector round trip) was inlined into every traced call.
  private makeLines(): void {
    this.makeEnterLine();
    this.exitNext = this.makeExitLine('next');
    this.exitResponse = this.makeExitLine('response');
    this.exitError = this.makeExitLine('error');
    this.exitPending = this.makeExitLine('pending');
  }

  /** This function's `enter` line. */
  get enterLine(): LineShape {
    return this.enter ?? this.makeEnterLine();
  }

  /** This function's `exit` line with `outcome`. */
  exitLine(outcome: ExitOutcome): LineShape {
    switch (outcome) {
      case 'next':
        return this.exitNext ?? (this.exitNext = this.makeExitLine(outcome));
      case 'response':
        return this.exitResponse ?? (this.exitResponse = this.makeExitLine(outcome));
      case 'error':
        return this.exitError ?? (this.exitError = this.makeExitLine(outcome));
      case 'pending':
        return this.exitPending ?? (this.exitPending = this.makeExitLine(outcome));
    }
  }

  private makeEnterLine(): LineShape {
    return (this.enter = new LineShape(
      ENTER_HEAD,
      `,"name":${this.nameJson},"definedAt":${JSON.stringify(this.definedAt)}}\n`,
    ));
  }

  private makeExitLine(outcome: ExitOutcome): LineShape {
    return new LineShape(EXIT_HEAD, `,"name":${this.nameJson},"outcome":"${outcome}"}\n`);
  }
}

const infos = new WeakMap<object, MiddlewareInfo>();

export function infoOf(fn: object): MiddlewareInfo {
  let info = infos.get(fn);
  if (!info) {
    info = new MiddlewareInfo(fn);
    infos.set(fn, info);
  }
  return info;
}

function nameOf(fn: object): string {
  const name = typeof fn === 'function' ? unwrap(fn as () => unknown).name : '';
  return name ? name.replace(/^bound /, '') || '<anonymous>' : '<anonymous>';
}
