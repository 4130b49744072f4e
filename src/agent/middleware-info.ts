// Per-function facts, computed once: the name and, when something will print it, where the
// function is defined (an inspector round trip, so never on the hot path of an untraced app).
import type { ExitOutcome, RuntimeLoc, RuntimeMiddleware } from '../protocol/agent-messages';
import { definedAt } from './locations';
import { Encoded, sink } from './sink';
import { unwrap } from './wrap';

export class MiddlewareInfo {
  private loc: RuntimeLoc | undefined;
  private enterJson: Encoded | undefined;
  // one field per outcome: a lookup keyed by the outcome would be a megamorphic keyed load
  private exitNext: Encoded | undefined;
  private exitResponse: Encoded | undefined;
  private exitError: Encoded | undefined;
  private exitPending: Encoded | undefined;
  readonly name: string;
  readonly nameJson: string;

  constructor(
    readonly fn: object,
    name?: string,
  ) {
    this.name = name ?? nameOf(fn);
    this.nameJson = JSON.stringify(this.name);
    if (sink.on) this.makeTails();
  }

  get definedAt(): RuntimeLoc {
    return (this.loc ??= definedAt(unwrap(this.fn as () => unknown)));
  }

  get json(): RuntimeMiddleware {
    return { name: this.name, definedAt: this.definedAt };
  }

  // With a trace on, the tails are made with the info, when the function is first seen: made on
  // first use instead, the making (an inspector round trip) was inlined into every traced call.
  private makeTails(): void {
    this.makeEnterTail();
    this.exitNext = this.makeExitTail('next');
    this.exitResponse = this.makeExitTail('response');
    this.exitError = this.makeExitTail('error');
    this.exitPending = this.makeExitTail('pending');
  }

  /** The constant tail of this function's `enter` line. */
  get enterTail(): Encoded {
    return this.enterJson ?? this.makeEnterTail();
  }

  /** The constant tail of this function's `exit` line with `outcome`. */
  exitTail(outcome: ExitOutcome): Encoded {
    switch (outcome) {
      case 'next':
        return this.exitNext ?? (this.exitNext = this.makeExitTail(outcome));
      case 'response':
        return this.exitResponse ?? (this.exitResponse = this.makeExitTail(outcome));
      case 'error':
        return this.exitError ?? (this.exitError = this.makeExitTail(outcome));
      case 'pending':
        return this.exitPending ?? (this.exitPending = this.makeExitTail(outcome));
    }
  }

  private makeEnterTail(): Encoded {
    return (this.enterJson = new Encoded(
      `,"name":${this.nameJson},"definedAt":${JSON.stringify(this.definedAt)}}\n`,
    ));
  }

  private makeExitTail(outcome: ExitOutcome): Encoded {
    return new Encoded(`,"name":${this.nameJson},"outcome":"${outcome}"}\n`);
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
