// A finished request lets go of its chain unless a pause may still show it: callbacks its
// middleware scheduled (a keep-alive socket's timer among them) keep a frame, and through it the
// trace, alive long after the response.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBreakKinds } from '../../src/agent/breaks';
import { MiddlewareInfo } from '../../src/agent/middleware-info';
import { enter, exit, finishRequest, startRequest } from '../../src/agent/request-trace';

function servedRequest() {
  const res = { headersSent: false, destroyed: false, statusCode: 200 };
  const trace = startRequest('GET', '/orders', res, 'finalhandler');
  const auth = enter(trace, new MiddlewareInfo(function auth() {}));
  exit(auth, 'next');
  const handler = enter(trace, new MiddlewareInfo(function listOrders() {}));
  trace.responder = handler;
  trace.responded = true;
  return { trace, auth, handler };
}

test('without break kinds the frames are released at the finish, outcomes settled first', () => {
  setBreakKinds(new Set());
  const { trace, auth, handler } = servedRequest();
  assert.equal(trace.frames.length, 2);
  finishRequest(trace, true);
  assert.equal(auth.outcome, 'next');
  assert.equal(handler.outcome, 'response');
  assert.deepEqual(trace.frames, []);
  assert.equal(trace.responder, handler, 'a later double response still names the first responder');
  assert.equal(trace.res, null);
});

test('with a break kind on, the finished chain stays for the pause to show', () => {
  setBreakKinds(new Set(['escaping-async-throw']));
  try {
    const { trace } = servedRequest();
    finishRequest(trace, true);
    assert.deepEqual(
      trace.frames.map((f) => [f.info.name, f.outcome]),
      [
        ['auth', 'next'],
        ['listOrders', 'response'],
      ],
    );
  } finally {
    setBreakKinds(new Set());
  }
});
