// MWCHAIN_BREAK on Express 4 and 5 with a real debugger attached (see breaks-support.ts): with
// every break mode on, requests that cross no middleware boundary never pause, whatever is thrown
// and caught on their way, and each crossing or failure pauses exactly as often as it should, in
// mwchainBreak with a complete `info`; with a kind turned off, its events are still traced but
// never pause.
import { breakSuites, type QuietRequest, type Scenario } from './breaks-support';

const QUIET: QuietRequest[] = [
  { path: '/ok', status: 200, steps: ['requestLog:next', 'serveStatic:next', 'showOk:response'] },
  { path: '/hello.txt', status: 200, body: /static file/, steps: ['serveStatic:response'] },
  // a missing file: serve-static gets send's ENOENT and falls through; no route, Express's 404
  { path: '/nowhere', status: 404, steps: ['serveStatic:next'] },
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
  // the query parser's decodeURIComponent threw on the bad escape and fell back to the raw text
  { path: '/query?q=%E0%A4%A', status: 200, body: /"q":".*%A"/, steps: ['echoQuery:response'] },
  {
    path: '/next-route',
    status: 200,
    body: /^second route$/,
    steps: ['skipRoute:next', 'answerRoute:response'],
    skipped: ['neverRuns'],
  },
  {
    path: '/admin/next-router',
    status: 200,
    body: /^outside the router$/,
    steps: ['leaveRouter:next', 'answerOutside:response'],
    skipped: ['insideRouter'],
  },
  { path: '/later', status: 200, steps: ['answerLater:response'] },
  { path: '/timer-caught', status: 200, steps: ['scheduleSafely:response'] },
  { path: '/stream', status: 200, body: /^ab$/, steps: ['streamChunks:response'] },
];

const BEFORE = ['requestLog:next', 'serveStatic:next'];

function scenarios(express4: boolean): Scenario[] {
  return [
    {
      path: '/next-error',
      status: 500,
      errors: ['failWithNext->handleErrors'],
      pauses: [
        {
          kind: 'crossing',
          middleware: 'failWithNext',
          chain: [...BEFORE, 'failWithNext:error'],
          error: 'passed to next',
          throwAt: "new Error('passed to next')",
        },
      ],
    },
    {
      path: '/throws',
      status: 500,
      errors: ['throwSync->handleErrors'],
      pauses: [
        {
          kind: 'crossing',
          middleware: 'throwSync',
          chain: [...BEFORE, 'throwSync:error'],
          error: 'thrown in a handler',
          throwAt: "new Error('thrown in a handler')",
        },
      ],
    },
    express4
      ? {
          // Express 4 drops the promise: no error handler runs, and no answer comes
          path: '/async-rejects',
          errors: [],
          pauses: [
            {
              kind: 'unhandled-async-error',
              middleware: 'loadReport',
              chain: [...BEFORE, 'loadReport:error'],
              error: 'report failed',
              throwAt: "new Error('report failed')",
            },
          ],
        }
      : {
          path: '/async-rejects',
          status: 500,
          errors: ['loadReport->handleErrors'],
          pauses: [
            {
              kind: 'crossing',
              middleware: 'loadReport',
              chain: [...BEFORE, 'loadReport:error'],
              error: 'report failed',
              throwAt: "new Error('report failed')",
            },
          ],
        },
    {
      // logErrors passes the error on to handleErrors: still the one crossing
      path: '/reports/fail',
      status: 500,
      errors: ['buildReport->logErrors', 'logErrors->handleErrors'],
      pauses: [
        {
          kind: 'crossing',
          middleware: 'buildReport',
          chain: [...BEFORE, 'buildReport:error'],
          error: 'report broken',
          throwAt: "new Error('report broken')",
        },
      ],
    },
    {
      path: '/respond-then-next',
      status: 200,
      errors: [],
      pauses: [
        {
          kind: 'double-response',
          middleware: 'answerEarly',
          chain: [...BEFORE, 'answerEarly:response', 'endAgain:running'],
        },
      ],
    },
    {
      // the second send throws ERR_HTTP_HEADERS_SENT inside Express: a double response, and an
      // error crossing to handleErrors, which hands it to Express's own handler (no new pause);
      // the throw site is the app's call into Express, not Express's own line
      path: '/send-twice',
      status: 200,
      errors: ['sendAgain->handleErrors'],
      pauses: [
        {
          kind: 'double-response',
          middleware: 'sendEarly',
          chain: [...BEFORE, 'sendEarly:response', 'sendAgain:error'],
        },
        {
          kind: 'crossing',
          middleware: 'sendAgain',
          chain: [...BEFORE, 'sendEarly:response', 'sendAgain:error'],
          error: 'Cannot set headers after they are sent to the client',
          throwAt: "send('second')",
        },
      ],
    },
    {
      path: '/hangs',
      errors: [],
      pauses: [
        {
          kind: 'unterminated-middleware',
          middleware: 'forgetToAnswer',
          chain: [...BEFORE, 'forgetToAnswer:running'],
        },
      ],
    },
    {
      // the process dies of it, as it would without the agent: the last scenario
      path: '/timer-throws',
      status: 200,
      dies: true,
      errors: [],
      pauses: [
        {
          kind: 'escaping-async-throw',
          middleware: 'scheduleCleanup',
          chain: [...BEFORE, 'scheduleCleanup:response'],
          error: 'cleanup failed',
          throwAt: "new Error('cleanup failed')",
        },
      ],
    },
  ];
}

breakSuites('MWCHAIN_BREAK on Express, with a debugger attached', 'agent-break-apps/express.cjs', [
  {
    framework: 'Express 4',
    env: { MWCHAIN_TEST_EXPRESS: 'express4' },
    quiet: QUIET,
    scenarios: scenarios(true),
  },
  {
    framework: 'Express 5',
    env: { MWCHAIN_TEST_EXPRESS: 'express' },
    quiet: QUIET,
    scenarios: scenarios(false),
  },
]);
