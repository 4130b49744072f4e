// Generates a deterministic Express 5 + TypeScript workspace for the benchmarks in bench/run.mjs:
// `src/app.ts` with a dozen app-level middleware, `src/routes/index.ts` mounting one router per
// feature, and per feature a router, a controller, a service and a types file (some with a barrel).
// The same options always give byte-identical files.
//
//   node bench/generate-workspace.mjs [--features N] [--out DIR]
//
// The workspace's node_modules is a symlink to the repository's, so `tsc -p` resolves express,
// @types/express and @types/node without an install.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the generated code changes: run.mjs regenerates a workspace of another version. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_FEATURES = 250;

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..');
export const DEFAULT_OUT = path.join(here, '.workspace');
const MANIFEST = '.bench-manifest.json';

/** mulberry32: a small seeded PRNG, so "random" variety is the same on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTRA_FIELDS = [
  ['title', 'string'],
  ['description', 'string'],
  ['owner', 'string'],
  ['region', 'string'],
  ['currency', 'string'],
  ['amount', 'number'],
  ['quantity', 'number'],
  ['weight', 'number'],
  ['score', 'number'],
  ['enabled', 'boolean'],
  ['featured', 'boolean'],
  ['archived', 'boolean'],
];

const NOUNS = [
  'account',
  'invoice',
  'order',
  'product',
  'customer',
  'shipment',
  'ticket',
  'project',
  'report',
  'coupon',
  'review',
  'payment',
  'refund',
  'warehouse',
  'supplier',
  'contract',
  'employee',
  'device',
  'session',
  'webhook',
];

/** Reads the manifest a previous run wrote, or undefined. */
export function readManifest(out = DEFAULT_OUT) {
  try {
    return JSON.parse(readFileSync(path.join(out, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when `out` holds a workspace this generator version made with these options. */
export function isCurrent(out = DEFAULT_OUT, features = DEFAULT_FEATURES) {
  const m = readManifest(out);
  return (
    !!m &&
    m.generatorVersion === GENERATOR_VERSION &&
    m.features === features &&
    existsSync(path.join(out, 'node_modules'))
  );
}

/**
 * Writes the workspace (replacing `out`) and returns its manifest: file count, expected routes,
 * and one feature router file the update benchmark edits.
 */
export function generateWorkspace({ out = DEFAULT_OUT, features = DEFAULT_FEATURES } = {}) {
  if (!Number.isInteger(features) || features < 1)
    throw new Error(`--features must be a positive integer, got ${features}`);
  rmSync(out, { recursive: true, force: true });
  const files = new Map();
  const put = (rel, text) => files.set(rel, text.replace(/^\n/, ''));

  put('package.json', JSON.stringify(workspacePackageJson(), null, 2) + '\n');
  put('tsconfig.json', JSON.stringify(workspaceTsconfig(), null, 2) + '\n');
  for (const [rel, text] of Object.entries(coreFiles())) put(rel, text);

  const feats = [];
  for (let n = 0; n < features; n++) {
    const f = featureSpec(n);
    feats.push(f);
    put(`src/features/${f.dir}/types.ts`, typesFile(f));
    put(`src/features/${f.dir}/service.ts`, serviceFile(f));
    put(`src/features/${f.dir}/controller.ts`, controllerFile(f));
    put(`src/features/${f.dir}/router.ts`, routerFile(f));
    if (f.barrel) put(`src/features/${f.dir}/index.ts`, barrelFile(f));
  }
  put('src/routes/index.ts', routesIndex(feats));

  for (const [rel, text] of files) {
    const abs = path.join(out, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  symlinkSync(
    path.relative(out, path.join(REPO_ROOT, 'node_modules')),
    path.join(out, 'node_modules'),
    'dir',
  );

  const sourceFiles = [...files.keys()].filter((f) => f.startsWith('src/')).length;
  const featureRoutes = feats.reduce((sum, f) => sum + f.routes.length, 0);
  // Pick a feature whose router is a plain `const router = Router()` module for the edit benchmark.
  const editable =
    feats.find((f) => f.n >= Math.floor(features / 2) && f.style === 'default' && !f.useRouteBuilder) ??
    feats.find((f) => f.style === 'default' && !f.useRouteBuilder);
  if (!editable) throw new Error('no plain default-export router to edit: use --features 4 or more');
  const manifest = {
    generatorVersion: GENERATOR_VERSION,
    features,
    sourceFiles,
    /** routes the analysis should find: feature routes plus GET /health (the 404 catch-all not counted). */
    expectedRoutes: featureRoutes + 1,
    editFile: `src/features/${editable.dir}/router.ts`,
    editMount: `/api/${editable.dir}`,
    /** a line of editFile whose removal removes exactly the route GET `${editMount}/:id`. */
    editRemoveLine: "router.get('/:id', asyncHandler(controller.getById));",
  };
  writeFileSync(path.join(out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

// ---- workspace config ----------------------------------------------------------------------

function workspacePackageJson() {
  return {
    name: 'mwchain-bench-workspace',
    version: '1.0.0',
    private: true,
    type: 'commonjs',
    main: 'dist/server.js',
    scripts: { build: 'tsc -p .', start: 'node dist/server.js', typecheck: 'tsc --noEmit -p .' },
    dependencies: { express: '^5.1.0' },
    devDependencies: { '@types/express': '^5.0.0', '@types/node': '^20.0.0', typescript: '~6.0.2' },
  };
}

function workspaceTsconfig() {
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022'],
      types: ['node'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
}

// ---- shared code: lib/ and middleware/ -----------------------------------------------------

function coreFiles() {
  return {
    'src/server.ts': `
import { app } from './app';
import { config } from './lib/config';

app.listen(config.port, () => {
  console.log(\`listening on :\${config.port} (\${config.env})\`);
});
`,
    'src/app.ts': `
import express from 'express';
import { config } from './lib/config';
import { requestId } from './middleware/request-id';
import logger from './middleware/logger';
import cors from './middleware/cors';
import { securityHeaders } from './middleware/security-headers';
import { rateLimit } from './middleware/rate-limit';
import { timing } from './middleware/timing';
import { auth, cacheControl } from './middleware';
import { notFound } from './middleware/not-found';
import { errorHandler } from './middleware/error-handler';
import routes from './routes';

export const app = express();

app.disable('x-powered-by');
app.set('trust proxy', 1);

app.use(requestId);
app.use(logger);
app.use(timing);
app.use(securityHeaders());
app.use(cors({ origins: config.corsOrigins }));
app.use(express.json({ limit: '1mb' }));
app.use(express.urlencoded({ extended: true }));
app.use(rateLimit({ windowMs: config.rateLimit.windowMs, max: config.rateLimit.max }));
app.use(cacheControl(0));

app.get('/health', (_req, res) => {
  res.json({ ok: true, env: config.env });
});

app.use('/api', auth);
app.use('/api', routes);

app.use(notFound);
app.use(errorHandler);

export default app;
`,
    'src/lib/config.ts': `
export interface AppConfig {
  port: number;
  env: string;
  corsOrigins: string[];
  rateLimit: { windowMs: number; max: number };
}

export const config: AppConfig = {
  port: Number(process.env.PORT ?? 3000),
  env: process.env.NODE_ENV ?? 'development',
  corsOrigins: (process.env.CORS_ORIGINS ?? 'http://localhost:5173').split(','),
  rateLimit: { windowMs: 60_000, max: Number(process.env.RATE_LIMIT ?? 300) },
};
`,
    'src/lib/http-error.ts': `
export class HttpError extends Error {
  readonly status: number;
  readonly details: unknown;

  constructor(status: number, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.details = details;
  }
}

export const notFoundError = (what: string): HttpError => new HttpError(404, \`\${what} not found\`);
export const forbidden = (why: string): HttpError => new HttpError(403, why);
`,
    'src/lib/schema.ts': `
export type FieldType = 'string' | 'number' | 'boolean';

export interface FieldRule {
  type: FieldType;
  required?: boolean;
  min?: number;
  max?: number;
}

export type Schema = Record<string, FieldRule>;

export interface ValidationIssue {
  field: string;
  message: string;
}

export function check(schema: Schema, data: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  for (const [field, rule] of Object.entries(schema)) {
    const value = record[field];
    if (value === undefined) {
      if (rule.required) issues.push({ field, message: 'is required' });
      continue;
    }
    if (typeof value !== rule.type) {
      issues.push({ field, message: \`must be a \${rule.type}\` });
      continue;
    }
    if (typeof value === 'number' || typeof value === 'string') {
      const size = typeof value === 'number' ? value : value.length;
      if (rule.min !== undefined && size < rule.min) issues.push({ field, message: \`must be at least \${rule.min}\` });
      if (rule.max !== undefined && size > rule.max) issues.push({ field, message: \`must be at most \${rule.max}\` });
    }
  }
  return issues;
}
`,
    'src/lib/validate.ts': `
import type { RequestHandler } from 'express';
import { HttpError } from './http-error';
import { check, type Schema } from './schema';

export type Source = 'body' | 'query' | 'params';

/** A validation middleware factory: \`validate(createUserSchema)\`. */
export function validate(schema: Schema, source: Source = 'body'): RequestHandler {
  return function validateRequest(req, _res, next) {
    const issues = check(schema, req[source]);
    if (issues.length > 0) {
      next(new HttpError(400, \`invalid \${source}\`, issues));
      return;
    }
    next();
  };
}

export const validateQuery = (schema: Schema): RequestHandler => validate(schema, 'query');
`,
    'src/lib/async-handler.ts': `
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type AsyncRoute = (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** Forwards a rejected promise to the error handlers. */
export function asyncHandler(fn: AsyncRoute): RequestHandler {
  return (req, res, next) => {
    fn(req, res, next).catch(next);
  };
}
`,
    'src/lib/store.ts': `
export interface Entity {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export type NewRow<T extends Entity> = Omit<T, keyof Entity>;

/** An in-memory table, standing in for a database. */
export class MemoryStore<T extends Entity> {
  private readonly rows = new Map<string, T>();
  private seq = 0;
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  all(): T[] {
    return [...this.rows.values()];
  }

  find(id: string): T | undefined {
    return this.rows.get(id);
  }

  insert(data: NewRow<T>): T {
    const now = new Date().toISOString();
    const row = { ...data, id: \`\${this.prefix}_\${++this.seq}\`, createdAt: now, updatedAt: now } as unknown as T;
    this.rows.set(row.id, row);
    return row;
  }

  patch(id: string, data: Partial<NewRow<T>>): T | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    const next = { ...row, ...data, updatedAt: new Date().toISOString() };
    this.rows.set(id, next);
    return next;
  }

  delete(id: string): boolean {
    return this.rows.delete(id);
  }
}
`,
    'src/lib/pagination.ts': `
import type { Request } from 'express';

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export function pageParams(req: Request): { offset: number; limit: number } {
  const offset = Number(req.query.offset ?? 0);
  const limit = Number(req.query.limit ?? 50);
  return { offset: Number.isFinite(offset) ? offset : 0, limit: Number.isFinite(limit) ? Math.min(limit, 200) : 50 };
}

export function paginate<T>(all: T[], { offset, limit }: { offset: number; limit: number }): Page<T> {
  return { items: all.slice(offset, offset + limit), total: all.length, offset, limit };
}
`,
    'src/middleware/request-id.ts': `
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = req.get('x-request-id') ?? randomUUID();
  res.locals.requestId = id;
  res.setHeader('x-request-id', id);
  next();
}
`,
    'src/middleware/logger.ts': `
import type { RequestHandler } from 'express';

const logger: RequestHandler = (req, res, next) => {
  const started = Date.now();
  res.on('finish', () => {
    console.log(\`\${req.method} \${req.originalUrl} \${res.statusCode} \${Date.now() - started}ms\`);
  });
  next();
};

export default logger;
`,
    'src/middleware/timing.ts': `
import type { NextFunction, Request, Response } from 'express';

export const timing = (_req: Request, res: Response, next: NextFunction): void => {
  const start = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    res.locals.durationMs = ms;
  });
  next();
};
`,
    'src/middleware/security-headers.ts': `
import type { RequestHandler } from 'express';

export interface SecurityOptions {
  frameOptions?: 'DENY' | 'SAMEORIGIN';
  hsts?: boolean;
}

export const securityHeaders =
  (options: SecurityOptions = {}): RequestHandler =>
  (_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', options.frameOptions ?? 'DENY');
    if (options.hsts !== false) res.setHeader('strict-transport-security', 'max-age=15552000');
    next();
  };
`,
    'src/middleware/cors.ts': `
import type { RequestHandler } from 'express';

export interface CorsOptions {
  origins: string[];
  methods?: string[];
}

export default function cors({ origins, methods = ['GET', 'POST', 'PATCH', 'DELETE'] }: CorsOptions): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && origins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', methods.join(', '));
    }
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  };
}
`,
    'src/middleware/rate-limit.ts': `
import type { RequestHandler } from 'express';
import { HttpError } from '../lib/http-error';

export interface RateLimitOptions {
  windowMs: number;
  max: number;
}

export function rateLimit({ windowMs, max }: RateLimitOptions): RequestHandler {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return (req, _res, next) => {
    const key = req.ip ?? 'unknown';
    const now = Date.now();
    const entry = hits.get(key);
    if (!entry || entry.resetAt < now) {
      hits.set(key, { count: 1, resetAt: now + windowMs });
      next();
      return;
    }
    entry.count++;
    if (entry.count > max) {
      next(new HttpError(429, 'too many requests'));
      return;
    }
    next();
  };
}
`,
    'src/middleware/cache-control.ts': `
import type { RequestHandler } from 'express';

export function cacheControl(maxAgeSeconds: number): RequestHandler {
  const value = maxAgeSeconds > 0 ? \`public, max-age=\${maxAgeSeconds}\` : 'no-store';
  return (_req, res, next) => {
    res.setHeader('cache-control', value);
    next();
  };
}
`,
    'src/middleware/auth.ts': `
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forbidden, HttpError } from '../lib/http-error';

export type Role = 'viewer' | 'editor' | 'admin';

export interface User {
  id: string;
  roles: Role[];
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

function parseToken(header: string | undefined): User | undefined {
  if (!header?.startsWith('Bearer ')) return undefined;
  const [id, role] = header.slice(7).split(':');
  if (!id) return undefined;
  const r: Role = role === 'admin' || role === 'editor' ? role : 'viewer';
  return { id, roles: [r] };
}

export function authenticate(req: Request, res: Response, next: NextFunction): void {
  const user = parseToken(req.get('authorization'));
  if (!user) {
    next(new HttpError(401, 'authentication required'));
    return;
  }
  res.locals.user = user;
  next();
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const user = res.locals.user as User | undefined;
    const ok = !!user && user.roles.some((r) => RANK[r] >= RANK[role]);
    next(ok ? undefined : forbidden(\`requires the \${role} role\`));
  };
}
`,
    'src/middleware/not-found.ts': `
import type { Request, Response } from 'express';

export function notFound(req: Request, res: Response): void {
  res.status(404).json({ error: \`no route for \${req.method} \${req.path}\` });
}
`,
    'src/middleware/error-handler.ts': `
import type { ErrorRequestHandler } from 'express';
import { HttpError } from '../lib/http-error';

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.message, details: err.details });
    return;
  }
  console.error(err);
  res.status(500).json({ error: 'internal error', requestId: res.locals.requestId });
};
`,
    'src/middleware/index.ts': `
export { authenticate as auth, requireRole, type Role, type User } from './auth';
export { cacheControl } from './cache-control';
export { default as logger } from './logger';
export * from './rate-limit';
`,
  };
}

// ---- features ------------------------------------------------------------------------------

/** Everything the templates of feature `n` need; all variety is derived from `n`. */
function featureSpec(n) {
  const rand = prng(0x5eed + n * 7919);
  const noun = NOUNS[n % NOUNS.length];
  const Pascal = `Feature${n}`;
  const camel = `feature${n}`;
  // 'default': `const router = Router(); export default router`
  // 'named': `export const router = express.Router()`
  // 'aliased': `export { feature3Router as routes }` re-exported by a barrel under another name
  // 'factory': `export default function createFeature7Router(): Router`
  const style = ['default', 'named', 'aliased', 'factory'][n % 4];
  const extras = [];
  const pool = [...EXTRA_FIELDS];
  const extraCount = 2 + Math.floor(rand() * 4);
  for (let i = 0; i < extraCount; i++) extras.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  const routeCount = 3 + (Math.floor(n / 4) % 4); // 3..6
  const routes = ['list', 'getById', 'create', 'update', 'remove', n % 2 ? 'archive' : 'history'].slice(
    0,
    routeCount,
  );
  return {
    n,
    dir: `feature-${n}`,
    noun,
    Pascal,
    camel,
    style,
    extras,
    routes,
    controllerStyle: n % 3 === 2 ? 'object' : 'functions',
    serviceStyle: n % 5 === 1 ? 'class' : 'functions',
    useRouteBuilder: n % 6 === 5,
    useParam: n % 7 === 3,
    routerMiddleware:
      n % 5 === 0 ? `cacheControl(${30 + (n % 4) * 30})` : n % 11 === 4 ? `requireRole('viewer')` : undefined,
    // some features use another feature's service (a realistic cross-feature import).
    dependsOn: n % 10 === 9 && n > 0 ? n - 1 : undefined,
    barrel: style === 'aliased' || n % 3 === 0,
  };
}

function typesFile(f) {
  const extraFields = f.extras.map(([name, type]) => `  ${name}?: ${type};`).join('\n');
  const createRules = f.extras
    .map(([name, type]) => `  ${name}: { type: '${type}'${type === 'string' ? ', max: 500' : ''} },`)
    .join('\n');
  return `
import type { Entity } from '../../lib/store';
import type { Schema } from '../../lib/schema';

export type ${f.Pascal}Status = 'draft' | 'active' | 'archived';

/** A ${f.noun} of feature ${f.n}. */
export interface ${f.Pascal}Item extends Entity {
  name: string;
  status: ${f.Pascal}Status;
  priority: number;
  tags: string[];
${extraFields}
}

export type Create${f.Pascal}Input = Omit<${f.Pascal}Item, keyof Entity | 'status' | 'tags'> &
  Partial<Pick<${f.Pascal}Item, 'status' | 'tags'>>;

export type Update${f.Pascal}Input = Partial<Create${f.Pascal}Input>;

export interface ${f.Pascal}HistoryEntry {
  at: string;
  status: ${f.Pascal}Status;
}

export const create${f.Pascal}Schema: Schema = {
  name: { type: 'string', required: true, min: 1, max: 120 },
  priority: { type: 'number', required: true, min: 0, max: 10 },
${createRules}
};

export const update${f.Pascal}Schema: Schema = Object.fromEntries(
  Object.entries(create${f.Pascal}Schema).map(([field, rule]) => [field, { ...rule, required: false }]),
);

export const list${f.Pascal}Query: Schema = {
  status: { type: 'string' },
  offset: { type: 'string' },
  limit: { type: 'string' },
};
`;
}

function serviceFile(f) {
  const T = `${f.Pascal}Item`;
  const imports = `import { MemoryStore } from '../../lib/store';
import { notFoundError } from '../../lib/http-error';
import type { Create${f.Pascal}Input, ${f.Pascal}HistoryEntry, ${f.Pascal}Status, ${T}, Update${f.Pascal}Input } from './types';`;
  const dep =
    f.dependsOn === undefined
      ? ''
      : `\nimport { exists as feature${f.dependsOn}Exists } from '../feature-${f.dependsOn}/service';`;
  const depCheck =
    f.dependsOn === undefined
      ? ''
      : `\n    if (input.name.startsWith('ref:') && !feature${f.dependsOn}Exists(input.name.slice(4))) throw notFoundError('referenced item');`;
  if (f.serviceStyle === 'class') {
    return `
${imports}${dep}

export class ${f.Pascal}Service {
  private readonly store = new MemoryStore<${T}>('${f.camel}');
  private readonly history = new Map<string, ${f.Pascal}HistoryEntry[]>();

  list(status?: ${f.Pascal}Status): ${T}[] {
    return this.store.all().filter((item) => !status || item.status === status);
  }

  get(id: string): ${T} {
    const item = this.store.find(id);
    if (!item) throw notFoundError('${f.noun}');
    return item;
  }

  exists(id: string): boolean {
    return this.store.find(id) !== undefined;
  }

  create(input: Create${f.Pascal}Input): ${T} {${depCheck}
    const item = this.store.insert({ status: 'draft', tags: [], ...input });
    this.history.set(item.id, [{ at: item.createdAt, status: item.status }]);
    return item;
  }

  update(id: string, input: Update${f.Pascal}Input): ${T} {
    const item = this.store.patch(id, input);
    if (!item) throw notFoundError('${f.noun}');
    this.history.get(id)?.push({ at: item.updatedAt, status: item.status });
    return item;
  }

  remove(id: string): void {
    if (!this.store.delete(id)) throw notFoundError('${f.noun}');
    this.history.delete(id);
  }

  historyOf(id: string): ${f.Pascal}HistoryEntry[] {
    this.get(id);
    return this.history.get(id) ?? [];
  }
}

export const ${f.camel}Service = new ${f.Pascal}Service();
export const exists = (id: string): boolean => ${f.camel}Service.exists(id);
`;
  }
  return `
${imports}${dep}

const store = new MemoryStore<${T}>('${f.camel}');
const history = new Map<string, ${f.Pascal}HistoryEntry[]>();

export function list(status?: ${f.Pascal}Status): ${T}[] {
  return store.all().filter((item) => !status || item.status === status);
}

export function get(id: string): ${T} {
  const item = store.find(id);
  if (!item) throw notFoundError('${f.noun}');
  return item;
}

export function exists(id: string): boolean {
  return store.find(id) !== undefined;
}

export function create(input: Create${f.Pascal}Input): ${T} {${depCheck.replace(/\n {4}/, '\n  ')}
  const item = store.insert({ status: 'draft', tags: [], ...input });
  history.set(item.id, [{ at: item.createdAt, status: item.status }]);
  return item;
}

export function update(id: string, input: Update${f.Pascal}Input): ${T} {
  const item = store.patch(id, input);
  if (!item) throw notFoundError('${f.noun}');
  history.get(id)?.push({ at: item.updatedAt, status: item.status });
  return item;
}

export function remove(id: string): void {
  if (!store.delete(id)) throw notFoundError('${f.noun}');
  history.delete(id);
}

export function historyOf(id: string): ${f.Pascal}HistoryEntry[] {
  get(id);
  return history.get(id) ?? [];
}
`;
}

/** The service calls a controller makes, for either service style. */
function serviceRef(f) {
  return f.serviceStyle === 'class' ? `${f.camel}Service` : 'service';
}

function controllerBodies(f) {
  const s = serviceRef(f);
  return {
    list: `const status = typeof req.query.status === 'string' ? (req.query.status as ${f.Pascal}Status) : undefined;
    res.json(paginate(${s}.list(status), pageParams(req)));`,
    getById: `res.json(${s}.get(String(req.params.id)));`,
    create: `const input = req.body as Create${f.Pascal}Input;
    res.status(201).json(${s}.create(input));`,
    update: `const input = req.body as Update${f.Pascal}Input;
    res.json(${s}.update(String(req.params.id), input));`,
    remove: `${s}.remove(String(req.params.id));
    res.sendStatus(204);`,
    archive: `res.json(${s}.update(String(req.params.id), { status: 'archived' }));`,
    history: `res.json(${s}.historyOf(String(req.params.id)));`,
  };
}

function controllerFile(f) {
  const serviceImport =
    f.serviceStyle === 'class'
      ? `import { ${f.camel}Service } from './service';`
      : `import * as service from './service';`;
  const needsLoad = f.useParam;
  const typeImports = [`Create${f.Pascal}Input`, `${f.Pascal}Status`, `Update${f.Pascal}Input`].join(', ');
  const head = `
import type { ${needsLoad ? 'NextFunction, ' : ''}Request, Response } from 'express';
import { pageParams, paginate } from '../../lib/pagination';
${serviceImport}
import type { ${typeImports} } from './types';
`;
  const bodies = controllerBodies(f);
  const loader = needsLoad
    ? `
/** router.param('id') handler: rejects unknown ids before the route runs. */
export function loadItem(_req: Request, _res: Response, next: NextFunction, id: string): void {
  try {
    ${serviceRef(f)}.get(id);
    next();
  } catch (e) {
    next(e);
  }
}
`
    : '';
  if (f.controllerStyle === 'object') {
    const methods = f.routes
      .map((r) => `  async ${r}(req: Request, res: Response): Promise<void> {\n    ${bodies[r]}\n  },`)
      .join('\n\n');
    return `${head}${loader}
const ${f.camel}Controller = {
${methods}
};

export default ${f.camel}Controller;
`;
  }
  const fns = f.routes
    .map((r, i) =>
      i % 2 === 0
        ? `export async function ${r}(req: Request, res: Response): Promise<void> {\n  ${bodies[r].replace(/\n {4}/g, '\n  ')}\n}`
        : `export const ${r} = async (req: Request, res: Response): Promise<void> => {\n  ${bodies[r].replace(/\n {4}/g, '\n  ')}\n};`,
    )
    .join('\n\n');
  return `${head}${loader}
${fns}
`;
}

/** One route registration per controller function: method, path, middleware. */
function routeDefs(f) {
  const P = f.Pascal;
  const defs = {
    list: { method: 'get', path: '/', mw: [`validateQuery(list${P}Query)`] },
    getById: { method: 'get', path: '/:id', mw: [] },
    create: { method: 'post', path: '/', mw: [`requireRole('editor')`, `validate(create${P}Schema)`] },
    update: { method: 'patch', path: '/:id', mw: [`requireRole('editor')`, `validate(update${P}Schema)`] },
    remove: { method: 'delete', path: '/:id', mw: [`requireRole('admin')`] },
    archive: { method: 'post', path: '/:id/archive', mw: [`requireRole('editor')`] },
    history: { method: 'get', path: '/:id/history', mw: [] },
  };
  return f.routes.map((name) => ({ name, ...defs[name] }));
}

function routerFile(f) {
  const P = f.Pascal;
  const defs = routeDefs(f);
  const used = new Set(defs.flatMap((d) => d.mw.map((m) => m.replace(/\(.*$/, ''))));
  const middlewareImports = [
    'requireRole',
    ...(f.routerMiddleware?.startsWith('cacheControl') ? ['cacheControl'] : []),
  ].filter((m) => used.has(m) || f.routerMiddleware?.startsWith(m));
  const schemaImports = [
    used.has('validateQuery') ? `list${P}Query` : undefined,
    f.routes.includes('create') ? `create${P}Schema` : undefined,
    f.routes.includes('update') ? `update${P}Schema` : undefined,
  ].filter(Boolean);
  const validateImports = ['validate', 'validateQuery'].filter((v) => used.has(v));
  const controllerImport =
    f.controllerStyle === 'object'
      ? `import controller from './controller';`
      : `import * as controller from './controller';`;
  const expressImport =
    f.style === 'named'
      ? `import express, { type Router } from 'express';`
      : `import { Router } from 'express';`;
  const imports = [
    expressImport,
    `import { asyncHandler } from '../../lib/async-handler';`,
    validateImports.length
      ? `import { ${validateImports.join(', ')} } from '../../lib/validate';`
      : undefined,
    middlewareImports.length
      ? `import { ${middlewareImports.join(', ')} } from '../../middleware';`
      : undefined,
    controllerImport,
    f.useParam && f.controllerStyle === 'object' ? `import { loadItem } from './controller';` : undefined,
    schemaImports.length ? `import { ${schemaImports.join(', ')} } from './types';` : undefined,
  ].filter(Boolean);
  const loadRef = f.controllerStyle === 'object' ? 'loadItem' : 'controller.loadItem';

  const v = f.style === 'aliased' ? `${f.camel}Router` : 'router';
  const handler = (d) => `asyncHandler(controller.${d.name})`;
  const lines = [];
  if (f.routerMiddleware) lines.push(`${v}.use(${f.routerMiddleware});`);
  if (f.useParam) lines.push(`${v}.param('id', ${loadRef});`);
  if (f.useRouteBuilder) {
    // group by path: router.route('/:id').get(...).patch(...)
    const byPath = new Map();
    for (const d of defs) byPath.set(d.path, [...(byPath.get(d.path) ?? []), d]);
    for (const [p, ds] of byPath) {
      const calls = ds.map((d) => `  .${d.method}(${[...d.mw, handler(d)].join(', ')})`).join('\n');
      lines.push(`${v}\n  .route('${p}')\n${calls};`);
    }
  } else {
    for (const d of defs) lines.push(`${v}.${d.method}('${d.path}', ${[...d.mw, handler(d)].join(', ')});`);
  }
  const body = lines.map((l) => (f.style === 'factory' ? '  ' + l.replace(/\n/g, '\n  ') : l)).join('\n');

  switch (f.style) {
    case 'default':
      return `${imports.join('\n')}\n\nconst router = Router();\n\n${body}\n\nexport default router;\n`;
    case 'named':
      return `${imports.join('\n')}\n\nexport const router: Router = express.Router();\n\n${body}\n`;
    case 'aliased':
      return `${imports.join('\n')}\n\nconst ${v} = Router();\n\n${body}\n\nexport { ${v} as routes };\n`;
    case 'factory':
      return `${imports.join('\n')}\n\nexport default function create${P}Router(): Router {\n  const router = Router();\n\n${body}\n\n  return router;\n}\n`;
  }
  throw new Error(`unknown router style ${f.style}`);
}

function barrelFile(f) {
  const routerExport =
    f.style === 'aliased'
      ? `export { routes as ${f.camel}Router } from './router';`
      : f.style === 'named'
        ? `export { router as ${f.camel}Router } from './router';`
        : `export { default as ${f.style === 'factory' ? `create${f.Pascal}Router` : `${f.camel}Router`} } from './router';`;
  return `${routerExport}\nexport type * from './types';\nexport * as ${f.camel}Service from './service';\n`;
}

function routesIndex(feats) {
  const imports = [];
  const mounts = [];
  for (const f of feats) {
    const from = f.barrel ? `../features/${f.dir}` : `../features/${f.dir}/router`;
    const local = f.style === 'factory' ? `create${f.Pascal}Router` : `${f.camel}Router`;
    if (f.barrel) imports.push(`import { ${local} } from '${from}';`);
    else if (f.style === 'named') imports.push(`import { router as ${local} } from '${from}';`);
    else imports.push(`import ${local} from '${from}';`);
    mounts.push(`router.use('/${f.dir}', ${f.style === 'factory' ? `${local}()` : local});`);
  }
  return `
import { Router } from 'express';
${imports.join('\n')}

const router = Router();

${mounts.join('\n')}

export default router;
`;
}

// ---- command line --------------------------------------------------------------------------

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const started = performance.now();
  const m = generateWorkspace({
    out: path.resolve(opt('out', DEFAULT_OUT)),
    features: Number(opt('features', DEFAULT_FEATURES)),
  });
  console.log(
    `generated ${m.sourceFiles} source files (${m.features} features, ${m.expectedRoutes} routes) in ${(
      (performance.now() - started) /
      1000
    ).toFixed(2)} s`,
  );
}
