// What the editor says where the agent paused (mwchainBreak): one line per break kind, and the
// place to show, the throw site when the error has one, else the middleware.
import type { BreakKind, RuntimeLoc } from '../protocol/agent-messages';

/** `info` of mwchainBreak as the extension reads it back: the error flattened to text. */
export interface PausedInfo {
  kind: BreakKind;
  method: string;
  url: string;
  middleware: { name: string; definedAt: RuntimeLoc };
  throwSite?: RuntimeLoc;
  error?: { name?: string; message: string };
  chain: { name: string; definedAt: RuntimeLoc; outcome?: string }[];
}

/** Evaluated in the mwchainBreak frame: `info` as JSON, the error as {name, message}. */
export const READ_INFO = `JSON.stringify({ ...info, error: info.error === undefined ? undefined : info.error instanceof Error ? { name: info.error.name, message: info.error.message } : { message: String(info.error) } })`;

export function pausedInfo(json: string): PausedInfo | undefined {
  try {
    const value = JSON.parse(json) as PausedInfo;
    return typeof value?.kind === 'string' && typeof value.middleware?.name === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Where to show the pause. */
export function pauseSite(info: PausedInfo): RuntimeLoc {
  return info.throwSite ?? info.middleware.definedAt;
}

/**
 * The sentence shown beside the line. `nextHandler` is the error handler the static chain says
 * comes next, when known.
 */
export function pauseMessage(info: PausedInfo, nextHandler?: string): string {
  const name = `\`${info.middleware.name}\``;
  const request = `${info.method} ${info.url}`.trim();
  const error = info.error ? `${info.error.name ?? 'Error'}: ${info.error.message}` : 'an error';
  switch (info.kind) {
    case 'crossing':
      return nextHandler
        ? `${error} thrown in ${name} crossed into \`${nextHandler}\` (${request})`
        : `${error} thrown in ${name} crossed the middleware boundary (${request})`;
    case 'unterminated-middleware':
      return `${request} hung: ${name} neither called next() nor responded`;
    case 'double-response':
      // the pause names the first responder only: the second writer may be it or a later one
      return `${request}: ${name} responded, and the response was written again`;
    case 'unhandled-async-error':
      return `${request}: ${name} rejected with ${error} and the framework never sees it`;
    case 'unawaited-next':
      return `${request}: ${name} did not await next(); the rest of the chain runs after it returned`;
    case 'escaping-async-throw':
      return `${error} thrown in a callback ${name} scheduled escapes every handler (${request})`;
  }
}
