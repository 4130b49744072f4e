import autocannon from 'autocannon';
import { fork, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
const HERE = import.meta.dirname, ROOT = path.resolve(HERE, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'exp-'));
cpSync(path.join(ROOT, 'node_modules', 'express4'), path.join(dir, 'node_modules', 'express'), { recursive: true });
cpSync(path.join(HERE, 'app.cjs'), path.join(dir, 'app.cjs'));
const N = Number(process.env.N ?? 2), ROUNDS = Number(process.env.ROUNDS ?? 8), SECS = Number(process.env.SECS ?? 2.5);
const RATE = process.env.RATE ? Number(process.env.RATE) : undefined;
const start = () => new Promise((res) => { const c = process.env.PIN ? spawn('taskset', ['-c', '1', process.execPath, path.join(dir, 'app.cjs')], {stdio: ['ignore', 'ignore', 'inherit', 'ipc'], cwd: dir, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }}) : fork(path.join(dir, 'app.cjs'), [], { cwd: dir, env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }); c.on('message', (m) => res({ child: c, port: m.port })); });
const cpu = (pid) => { const s = readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return (+f[11] + +f[12]) / 100; };
if (process.env.PIN) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]);
const servers = []; for (let i = 0; i < N; i++) servers.push(await start());
const run = (port, d) => autocannon({ url: `http://127.0.0.1:${port}/`, connections: Number(process.env.CONN ?? 10), duration: d, ...(RATE ? { overallRate: RATE } : {}) });
for (const s of servers) await run(s.port, 2);
const costs = servers.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const row = [];
  for (const [i, s] of servers.entries()) {
    const b = cpu(s.child.pid); const t = performance.now();
    const res = await run(s.port, SECS); await new Promise((z) => setTimeout(z, 200));
    const c = cpu(s.child.pid) - b; const w = (performance.now() - t) / 1000;
    costs[i].push(c / res['2xx'] * 1e6);
    row.push(`${(c / res['2xx'] * 1e6).toFixed(1)}µs ${Math.round(res['2xx'] / SECS)}/s cpu${(c / w * 100).toFixed(0)}%`);
  }
  console.log(row.join(' | '));
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log('medians', costs.map((c) => med(c).toFixed(1)).join(' '), 'ratio', (med(costs[0]) / med(costs[1])).toFixed(3), 'median of per-round ratios', med(costs[0].map((c, i) => c / costs[1][i])).toFixed(3));
for (const s of servers) s.child.kill(); rmSync(dir, { recursive: true, force: true });
