// MWCHAIN_BREAK on Koa 2 and 3 (with @koa/router) under a real debugger (see breaks-support.ts):
// with every break mode on, requests that cross no middleware boundary never pause; an error
// thrown to an upstream try/catch pauses once, where it left the middleware that threw it, not
// again in each middleware it passes through on its way up; each failure pauses once, and never
// with its kind turned off.
import { breakSuites, type QuietRequest, type Scenario } from './breaks-support';

const QUIET: QuietRequest[] = [
  {
    path: '/ok',
    status: 200,
    steps: ['requestLog:next', 'errorBoundary:next', 'loadUser:next', 'showOk:response'],
  },
  // no route matches: Koa's 404
  { path: '/nowhere', status: 404, steps: ['requestLog:next', 'errorBoundary:next'] },
  {
    path: '/caught-then-next',
    status: 200,
    body: /"fallback":"SyntaxError"/,
    steps: ['parseSettings:next', 'showSettings:response'],
  },
  {
    path: '/caught-then-respond',
    status: 400,
    body: /limit out of range/,
    steps: ['validateInput:response'],
  },
  { path: '/async-caught', status: 200, body: /optional service down/, steps: ['loadOptional:response'] },
  { path: '/library-caught', status: 200, body: /"defaults":true/, steps: ['readConfig:response'] },
  // querystring's decodeURIComponent threw on the bad escape and it fell back to its own decoding
  { path: '/query?q=%E0%A4%A', status: 200, body: /"q":".*%A"/, steps: ['echoQuery:response'] },
  { path: '/later', status: 200, body: /^later$/, steps: ['answerLater:response'] },
  { path: '/timer-caught', status: 200, steps: ['scheduleSafely:response'] },
];

const UPSTREAM = ['requestLog:running', 'errorBoundary:running', 'loadUser:running'];

const SCENARIOS: Scenario[] = [
  {
    // passes through loadUser, which only awaits next, to errorBoundary's catch
    path: '/throws',
    status: 500,
    errors: ['failInRoute->errorBoundary'],
    pauses: [
      {
        kind: 'crossing',
        middleware: 'failInRoute',
        chain: [...UPSTREAM, 'failInRoute:error'],
        error: 'thrown in a route',
        throwAt: "new Error('thrown in a route')",
      },
    ],
  },
  {
    // the error loadReport catches itself does not pause; the one it throws instead does
    path: '/rethrows',
    status: 500,
    errors: ['loadReport->errorBoundary'],
    pauses: [
      {
        kind: 'crossing',
        middleware: 'loadReport',
        chain: [...UPSTREAM, 'loadReport:error'],
        error: 'report failed: query failed',
        throwAt: 'new Error(`report failed',
      },
    ],
  },
  {
    // errorBoundary rethrows it to Koa's ctx.onerror: the same error, one pause
    path: '/uncaught',
    status: 500,
    errors: ['failHard->ctx.onerror'],
    pauses: [
      {
        kind: 'crossing',
        middleware: 'failHard',
        chain: [...UPSTREAM, 'failHard:error'],
        error: 'nobody catches this',
        throwAt: "new Error('nobody catches this')",
      },
    ],
  },
  {
    // Koa answers 404 before slowHandler sets the body
    path: '/unawaited',
    status: 404,
    errors: [],
    pauses: [
      {
        kind: 'unawaited-next',
        middleware: 'forgetAwait',
        chain: [...UPSTREAM, 'forgetAwait:running', 'slowHandler:running'],
      },
    ],
  },
  {
    path: '/hangs',
    errors: [],
    pauses: [
      {
        kind: 'unterminated-middleware',
        middleware: 'waitForever',
        chain: [...UPSTREAM, 'waitForever:running'],
      },
    ],
  },
  {
    path: '/timer-throws',
    status: 200,
    dies: true,
    errors: [],
    pauses: [
      {
        kind: 'escaping-async-throw',
        middleware: 'scheduleCleanup',
        chain: ['requestLog:next', 'errorBoundary:next', 'loadUser:next', 'scheduleCleanup:response'],
        error: 'cleanup failed',
        throwAt: "new Error('cleanup failed')",
      },
    ],
  },
];

breakSuites('MWCHAIN_BREAK on Koa, with a debugger attached', 'agent-break-apps/koa.cjs', [
  { framework: 'Koa 2', env: { MWCHAIN_TEST_KOA: 'koa2' }, quiet: QUIET, scenarios: SCENARIOS },
  { framework: 'Koa 3', env: { MWCHAIN_TEST_KOA: 'koa' }, quiet: QUIET, scenarios: SCENARIOS },
]);
