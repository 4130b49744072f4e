// Per-function facts, computed once: the name and, when something will print it, where the
// function is defined (an inspector round trip, so never on the hot path of an untraced app).
import type { ExitOutcome, RuntimeLoc, RuntimeMiddleware } from '../protocol/agent-messages';
import { definedAt } from './locations';
import { unwrap } from './wrap';

export class MiddlewareInfo {
  private loc: RuntimeLoc | undefined;
  private enterJson: string | undefined;
  private exitJson: Partial<Record<ExitOutcome, string>> | undefined;
  readonly name: string;
  readonly nameJson: string;

  constructor(
    readonly fn: object,
    name?: string,
  ) {
    this.name = name ?? nameOf(fn);
    this.nameJson = JSON.stringify(this.name);
  }

  get definedAt(): RuntimeLoc {
    return (this.loc ??= definedAt(unwrap(this.fn as () => unknown)));
  }

  get json(): RuntimeMiddleware {
    return { name: this.name, definedAt: this.definedAt };
  }

  /** The constant tail of this function's `enter` line. */
  get enterTail(): string {
    return (this.enterJson ??= `,"name":${this.nameJson},"definedAt":${JSON.stringify(this.definedAt)}}\n`);
  }

  /** The constant tail of this function's `exit` line with `outcome`. */
  exitTail(outcome: ExitOutcome): string {
    const tails = (this.exitJson ??= {});
    return (tails[outcome] ??= `,"name":${this.nameJson},"outcome":"${outcome}"}\n`);
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
