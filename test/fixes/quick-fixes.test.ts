// Every quick fix, applied for real: the file still parses, TypeScript still type-checks (with
// @types/express, strict), and the finding is gone.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
// the real compiler, with its lib files on disk, for the type check
import typescript from 'typescript';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { applyEdits, parse } from '../../src/fixes/edits';
import { fixesFor } from '../../src/fixes/quick-fixes';
import type { Finding } from '../../src/lint/findings';
import { lint } from '../../src/lint/lint';

// Inside the repository, so `express` and its types resolve from its node_modules.
const TMP = path.resolve(__dirname, '../../.test-tmp');
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function workspace(
  files: Record<string, string>,
  deps: Record<string, string> = { express: '^4.21.2' },
): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(path.join(TMP, 'fix-'));
  made.push(dir);
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'fix', private: true, dependencies: deps }),
  );
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const findingsOf = (dir: string, rule: string): Finding[] =>
  lint(ChainAnalyzer.open(dir).model()).findings.filter((f) => f.rule === rule);

function applyFix(dir: string, rule: string, title: RegExp): { text: string; file: string } {
  const [finding] = findingsOf(dir, rule);
  assert.ok(finding, `no ${rule} finding to fix`);
  const deps = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies as Record<
    string,
    string
  >;
  const fixes = fixesFor(finding, {
    read: (f) => readFileSync(path.join(dir, f), 'utf8'),
    dependsOn: (p) => p in deps,
  });
  const fix = fixes.find((f) => title.test(f.title));
  assert.ok(fix, `no fix matching ${title}; offered: ${fixes.map((f) => f.title).join(', ') || 'none'}`);
  let changed = '';
  for (const c of fix.changes) {
    const file = path.join(dir, c.file);
    changed = applyEdits(readFileSync(file, 'utf8'), c.edits);
    writeFileSync(file, changed);
  }
  return { text: changed, file: fix.changes[0]!.file };
}

function assertParses(file: string, text: string): void {
  const sf = parse(file, text);
  const diags = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  assert.deepEqual(
    diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')),
    [],
    `the fixed file does not parse:\n${text}`,
  );
}

function assertTypeChecks(dir: string, files: string[]): void {
  const program = typescript.createProgram(
    files.map((f) => path.join(dir, f)),
    {
      strict: true,
      noEmit: true,
      noUnusedParameters: true,
      target: typescript.ScriptTarget.ES2022,
      module: typescript.ModuleKind.Preserve,
      moduleResolution: typescript.ModuleResolutionKind.Bundler,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  const errors = typescript
    .getPreEmitDiagnostics(program)
    .map((d) => typescript.flattenDiagnosticMessageText(d.messageText, ' '));
  assert.deepEqual(errors, [], files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n---\n'));
}

function fixAndCheck(
  rule: string,
  title: RegExp,
  files: Record<string, string>,
  deps?: Record<string, string>,
): string {
  const dir = workspace(files, deps);
  const { text, file } = applyFix(dir, rule, title);
  assertParses(file, text);
  const tsFiles = Object.keys(files).filter((f) => f.endsWith('.ts'));
  if (tsFiles.length) assertTypeChecks(dir, tsFiles);
  assert.deepEqual(
    findingsOf(dir, rule).map((f) => f.message),
    [],
    'the finding is still there',
  );
  return text;
}

const TS_APP = (body: string) => `import express, { type Request, type Response } from 'express';

const app = express();
${body}
app.use((err: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
  res.status(500).json({ error: String(err) });
});

export default app;
`;

test('double-response: return before the first response', () => {
  const text = fixAndCheck('double-response', /Return here/, {
    'app.js': `const app = require('express')();\napp.use(function auth(req, res, next) {\n  if (!req.get('authorization')) {\n    res.sendStatus(401);\n  }\n  next();\n});\napp.get('/', (req, res) => res.end());\napp.use((err, req, res, next) => res.end());\n`,
  });
  assert.match(text, / {4}return res\.sendStatus\(401\);/);
});

test('swallowed-error: a catch that logs now passes the error on (TypeScript, next added and typed)', () => {
  const text = fixAndCheck('swallowed-error', /next\(err\)/, {
    'app.ts': TS_APP(
      `async function load(): Promise<number> {\n  return 1;\n}\n\nasync function show(req: Request, res: Response) {\n  try {\n    res.json({ n: await load(), q: req.query.q });\n  } catch (e) {\n    console.error(e);\n  }\n}\n\napp.get('/', show);`,
    ),
  });
  assert.match(text, /async function show\(req: Request, res: Response, next: NextFunction\)/);
  assert.match(text, /console\.error\(e\);\n {4}next\(e\);/);
  assert.match(text, /import type \{ NextFunction \} from 'express';/);
});

test('swallowed-error: a .catch callback that drops the error (JavaScript)', () => {
  fixAndCheck('swallowed-error', /next\(err\)/, {
    'app.js': `const app = require('express')();\napp.get('/', (req, res) => {\n  Promise.resolve(1)\n    .then((x) => res.json(x))\n    .catch((e) => console.log(e));\n});\napp.use((err, req, res, next) => res.end());\n`,
  });
});

test('unhandled-async-error: wrap the body in try/catch (TypeScript)', () => {
  const text = fixAndCheck('unhandled-async-error', /try\/catch/, {
    'app.ts': TS_APP(
      `async function load(): Promise<string[]> {\n  return [];\n}\n\napp.get('/users', async (req, res) => {\n  const users = await load();\n  res.json({ users, q: req.query.q });\n});`,
    ),
  });
  assert.match(
    text,
    /async \(req, res, next\) => \{\n {2}try \{\n {4}const users = await load\(\);\n {4}res\.json\(\{ users, q: req\.query\.q \}\);\n {2}\} catch \(err\) \{\n {4}next\(err\);\n {2}\}\n\}/,
  );
});

test('unhandled-async-error: wrap with a local asyncHandler, added once (TypeScript)', () => {
  const text = fixAndCheck('unhandled-async-error', /asyncHandler/, {
    'app.ts': TS_APP(
      `async function load(): Promise<number> {\n  return 1;\n}\n\napp.get('/', async (_req, res) => {\n  res.json(await load());\n});`,
    ),
  });
  assert.match(text, /const asyncHandler = \(fn: RequestHandler\): RequestHandler =>/);
  assert.match(text, /app\.get\('\/', asyncHandler\(async \(_req, res\) => \{/);
});

test('unhandled-async-error: use express-async-handler when the project has it (JavaScript)', () => {
  const text = fixAndCheck(
    'unhandled-async-error',
    /asyncHandler/,
    {
      'app.js': `const express = require('express');\nconst app = express();\nconst load = async () => 1;\napp.get('/', async (req, res) => {\n  res.json(await load());\n});\napp.use((err, req, res, next) => res.end());\n`,
    },
    { express: '^4.21.2', 'express-async-handler': '^1.2.0' },
  );
  assert.match(
    text,
    /const express = require\('express'\);\nconst asyncHandler = require\('express-async-handler'\);/,
  );
});

test('unhandled-async-error: a floating promise gets .catch(next)', () => {
  const text = fixAndCheck('unhandled-async-error', /rejection to next/, {
    'app.js': `const app = require('express')();\nasync function audit(req) { return req.path; }\napp.get('/', (req, res) => {\n  audit(req);\n  res.end();\n});\napp.use((err, req, res, next) => res.end());\n`,
  });
  assert.match(text, /\(req, res, next\) => \{\n {2}audit\(req\)\.catch\(next\);/);
});

test('missing-error-handler: append one after the last registration (TypeScript)', () => {
  const text = fixAndCheck('missing-error-handler', /error-handling middleware/, {
    'app.ts': `import express from 'express';\n\nconst app = express();\napp.use(express.json());\napp.get('/', (_req, res) => {\n  res.send('ok');\n});\n\napp.listen(3000);\n`,
  });
  assert.match(
    text,
    /app\.get\('\/', \(_req, res\) => \{\n {2}res\.send\('ok'\);\n\}\);\n\napp\.use\(\(err: unknown, _req: Request, res: Response, next: NextFunction\) => \{/,
  );
  assert.ok(text.indexOf('app.use((err') < text.indexOf('app.listen'));
});

test('missing-error-handler: inside a factory function (JavaScript)', () => {
  fixAndCheck('missing-error-handler', /error-handling middleware/, {
    'app.js': `const express = require('express');\nfunction createApp() {\n  const app = express();\n  app.get('/', (req, res) => res.end());\n  return app;\n}\nmodule.exports = createApp();\n`,
  });
});

test('error-handler-arity: add the fourth parameter (JavaScript and typed TypeScript)', () => {
  fixAndCheck('error-handler-arity', /fourth parameter/, {
    'app.js': `const app = require('express')();\napp.get('/', (req, res) => res.end());\napp.use(function onError(err, req, res) {\n  res.status(500).send(err.message);\n});\n`,
  });
  const text = fixAndCheck('error-handler-arity', /fourth parameter/, {
    'app.ts': `import express, { type Request, type Response } from 'express';\nconst app = express();\napp.get('/', (_req, res) => {\n  res.end();\n});\nfunction onError(err: Error, _req: Request, res: Response) {\n  res.status(500).send(err.message);\n}\napp.use(onError);\n`,
  });
  assert.match(text, /function onError\(err: Error, _req: Request, res: Response, _next: NextFunction\)/);
});

test('unawaited-next (Koa): await it, making the function async', () => {
  const text = fixAndCheck(
    'unawaited-next',
    /Await/,
    {
      'app.js': `const Koa = require('koa');\nconst app = new Koa();\napp.use(function timing(ctx, next) {\n  next();\n});\napp.use((ctx) => { ctx.body = 'ok'; });\n`,
    },
    { koa: '^2.15.0' },
  );
  assert.match(text, /app\.use\(async function timing\(ctx, next\) \{\n {2}await next\(\);/);
});

test('unawaited-next (Hono): await it, making the middleware async', () => {
  const text = fixAndCheck(
    'unawaited-next',
    /Await/,
    {
      'app.js': `const { Hono } = require('hono');\nconst app = new Hono();\napp.use('*', function timing(c, next) {\n  next();\n  c.header('x-timing', '1');\n});\napp.get('/', (c) => c.text('ok'));\nmodule.exports = app;\n`,
    },
    { hono: '^4.6.0' },
  );
  assert.match(text, /app\.use\('\*', async function timing\(c, next\) \{\n {2}await next\(\);/);
});

test('double-response (Fastify): return the reply from an async hook', () => {
  const text = fixAndCheck(
    'double-response',
    /Return the reply/,
    {
      'app.js': `const app = require('fastify')();\napp.addHook('preHandler', async function guard(req, reply) {\n  if (!req.headers.authorization) {\n    reply.code(401).send('no');\n  }\n});\napp.get('/', async () => ({ ok: true }));\n`,
    },
    { fastify: '^5.2.0' },
  );
  assert.match(text, / {4}return reply\.code\(401\)\.send\('no'\);/);
});
