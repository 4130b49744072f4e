// How a framework calls a function it was given: which parameter is the request, the response,
// `next`, the error. Front ends supply it; the flow analysis is the same for every framework.

export interface Convention {
  req?: number;
  res?: number;
  next?: number;
  err?: number;
  /** Koa and Hono: the context, whose `body` assignment responds and whose `throw` throws. */
  ctx?: number;
  /** Koa and Hono: `next()` returns a promise that must be awaited or returned. */
  nextReturnsPromise: boolean;
  /** Fastify handlers: a returned value is the response. */
  returnResponds?: boolean;
  /** Fastify hooks: when an async one settles the request goes on, unless it returned the reply. */
  asyncEndContinues?: boolean;
  /** Koa: once the middleware's promise settles the framework answers (404 without a body): no path hangs. */
  settleAnswers?: boolean;
  /** What a path that neither responds nor goes on does to the request, when not a hang. */
  unanswered?: string;
}

export const EXPRESS_MIDDLEWARE: Convention = { req: 0, res: 1, next: 2, nextReturnsPromise: false };
export const EXPRESS_ERROR_HANDLER: Convention = {
  err: 0,
  req: 1,
  res: 2,
  next: 3,
  nextReturnsPromise: false,
};
/** `router.param(name, (req, res, next, value) => ...)` */
export const EXPRESS_PARAM: Convention = { req: 0, res: 1, next: 2, nextReturnsPromise: false };
export const FASTIFY_HANDLER: Convention = {
  req: 0,
  res: 1,
  nextReturnsPromise: false,
  returnResponds: true,
};
export const FASTIFY_HOOK: Convention = {
  req: 0,
  res: 1,
  next: 2,
  nextReturnsPromise: false,
  asyncEndContinues: true,
};
export const FASTIFY_ERROR_HANDLER: Convention = {
  err: 0,
  req: 1,
  res: 2,
  nextReturnsPromise: false,
  returnResponds: true,
};
export const KOA_MIDDLEWARE: Convention = { ctx: 0, next: 1, nextReturnsPromise: true, settleAnswers: true };

/** Response methods that end an Express (and Connect) response. */
export const RESPOND_METHODS = new Set([
  'send',
  'json',
  'jsonp',
  'end',
  'sendStatus',
  'sendFile',
  'render',
  'redirect',
  'download',
  'format',
]);
