// The app the agent-overhead section loads: Express with 10 small synchronous middleware and one
// JSON route. CommonJS, so that `--require` preloads (the agent, OpenTelemetry) see `require('express')`.
// It reports its port over the IPC channel the bench opened.
const express = require('express');

const app = express();
for (let i = 0; i < 10; i++) {
  app.use(function step(req, res, next) {
    req[`step${i}`] = i * 2 + 1;
    next();
  });
}
app.get('/', (req, res) => {
  res.json({ ok: true, sum: req.step0 + req.step9 });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
process.on('disconnect', () => process.exit(0));
