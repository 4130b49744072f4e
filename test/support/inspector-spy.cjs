// Preloaded before the agent (through NODE_OPTIONS) by agent-process.test.ts: appends to
// $INSPECTOR_SPY_FILE, one per line, every method the process's inspector sessions are asked, a
// `paused` line when one of them is told the program paused, and a `request` line when a
// node:http server emits a request (to the app), so a test can tell which came first.
const fs = require('node:fs');
const http = require('node:http');
const inspector = require('node:inspector');

const file = process.env.INSPECTOR_SPY_FILE;
const note = (line) => fs.appendFileSync(file, `${line}\n`);
const post = inspector.Session.prototype.post;
inspector.Session.prototype.post = function (method, ...rest) {
  note(method);
  return post.call(this, method, ...rest);
};
const sessionEmit = inspector.Session.prototype.emit;
inspector.Session.prototype.emit = function (event, ...args) {
  if (event === 'Debugger.paused') note('paused');
  return sessionEmit.call(this, event, ...args);
};
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'request') note('request');
  return emit.call(this, event, ...args);
};
