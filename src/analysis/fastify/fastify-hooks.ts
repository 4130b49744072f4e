// Fastify's hook names and the order its request lifecycle runs them in.

/** Request-phase hooks, in lifecycle order: they run before the handler. */
export const REQUEST_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'];
/** Response-phase hooks, in lifecycle order: they run after the handler. */
export const RESPONSE_HOOKS = ['preSerialization', 'onSend', 'onResponse'];
/** Hooks that run only when something goes wrong. */
export const ERROR_HOOKS = ['onError', 'onTimeout', 'onRequestAbort'];
export const HOOKS = [...REQUEST_HOOKS, ...RESPONSE_HOOKS, ...ERROR_HOOKS];

/** `Entry.hook` of a `setErrorHandler` function. */
export const ERROR_HANDLER = 'errorHandler';
/** `Entry.hook` of a route's own `errorHandler` option. */
export const ROUTE_ERROR_HANDLER = 'routeErrorHandler';
/** `Entry.hook` of a `setNotFoundHandler` function. */
export const NOT_FOUND = 'notFoundHandler';

/** Hooks whose `done` comes fourth: `(request, reply, payload, done)`, `(request, reply, error, done)`. */
export const FOUR_ARGUMENT_HOOKS = new Set(['preParsing', 'preSerialization', 'onSend', 'onError']);
