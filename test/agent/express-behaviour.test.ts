// The agent must not change what an Express app answers: the same requests, to the same app,
// with and without the agent, give the same status, headers and body, on Express 4 and 5.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { RunningApp, type Reply } from '../support/agent-app';

const PATHS = [
  '/route-skip',
  '/users/ada',
  '/users/bad',
  '/leave/x',
  '/admin/panel',
  '/stream',
  '/created',
  '/redirect',
  '/throws',
  '/unhandled',
  '/errors',
  '/nowhere',
];

for (const pkg of ['express4', 'express']) {
  describe(`${pkg === 'express' ? 'Express 5' : 'Express 4'} answers the same with the agent`, () => {
    let plain: RunningApp;
    let traced: RunningApp;
    // production: finalhandler would otherwise print stacks, which name the agent's frames
    const env = { MWCHAIN_TEST_EXPRESS: pkg, NODE_ENV: 'production' };
    before(async () => {
      [plain, traced] = await Promise.all([
        RunningApp.start({ app: 'agent-express-behaviour/app.cjs', agent: false, env }),
        RunningApp.start({ app: 'agent-express-behaviour/app.cjs', env }),
      ]);
    });
    after(() => Promise.all([plain.stop(), traced.stop()]));

    for (const urlPath of PATHS) {
      test(`GET ${urlPath}`, async () => {
        const [expected, actual] = await Promise.all([plain.get(urlPath), traced.get(urlPath)]);
        assert.deepEqual(comparable(actual), comparable(expected));
      });
    }

    test('function length, this and properties are what the app set', async () => {
      const reply = await traced.get('/created');
      assert.equal(reply.headers['x-arity'], '3,3,4,3');
      assert.equal(reply.headers['x-tag'], 'kept');
      assert.equal(reply.headers['x-this'], 'true');
    });

    test('the agent traced these requests (it was really there)', async () => {
      const traced_ = (e: TraceEvent[]): boolean =>
        e.some((x) => x.type === 'enter' && x.name === 'showUser') &&
        e.some((x) => x.type === 'enter' && x.name === 'panel') &&
        e.some((x) => x.type === 'error' && x.from === 'notAnErrorHandler' && x.to === 'handleErrors');
      assert.ok(traced_(await traced.events(traced_)));
    });
  });
}

function comparable(reply: Reply): Reply {
  const headers = { ...reply.headers };
  delete headers.date;
  return { ...reply, headers };
}
