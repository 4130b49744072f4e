// The Nest front end: routes from controllers (`@Controller` prefix, method decorators, the global
// prefix and its exclusions), module middleware through `consumer.apply().exclude().forRoutes()`,
// `app.use` first, then guards, interceptors and pipes (global, controller, route, parameter) and
// the handler; exception filters nearest first as the error chain. Fixtures and small workspaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { fixture } from '../support/fixtures';
import { tempWorkspace } from '../support/temp-workspace';

function chainsOf(dir: string): string[] {
  const graph = ChainAnalyzer.open(dir).graph();
  return graph.apps.flatMap((a) =>
    a.routes.map((r) => {
      const items = r.chain.map(
        (i) => `${i.kind === 'middleware' ? '' : i.kind + ':'}${i.name}${i.conditional ? '?' : ''}`,
      );
      const errs = r.errorChain.map((i) => i.name);
      return `${r.method} ${r.path}: ${items.join(', ')}${errs.length ? ` | ${errs.join(', ')}` : ''}`;
    }),
  );
}

const nest = (files: Record<string, string>) =>
  tempWorkspace({
    'package.json': JSON.stringify({ name: 'n', private: true, dependencies: { '@nestjs/core': '^10.3.0' } }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { experimentalDecorators: true, strict: true } }),
    ...files,
  });

test('nest-middleware-consumer: app.use first, then module middleware with forRoutes and exclude', () => {
  const common = 'helmet(), requestId, LoggerMiddleware';
  assert.deepEqual(chainsOf(fixture('nest-middleware-consumer')), [
    // excluded from the global prefix and from the logger's forRoutes('*')
    'GET /health: helmet(), requestId, handler:HealthController.check',
    // ApiKeyMiddleware is for CatsController except its GETs
    `GET /api/cats: ${common}, handler:CatsController.findAll`,
    `GET /api/cats/:id: ${common}, pipe:ParseIntPipe, handler:CatsController.findOne`,
    `POST /api/cats: ${common}, ApiKeyMiddleware, handler:CatsController.create`,
    `DELETE /api/cats/:id: ${common}, ApiKeyMiddleware, pipe:ParseIntPipe, handler:CatsController.remove`,
    // forRoutes('orders') is mounted with use: everything under /orders, not /v1/orders
    `GET /api/orders: ${common}, audit, handler:OrdersController.list`,
    `GET /api/v1/orders: ${common}, handler:OrdersController.list`,
    `POST /api/orders: ${common}, audit, handler:OrdersController.place`,
    `POST /api/v1/orders: ${common}, handler:OrdersController.place`,
    `PUT /api/orders/:id/cancel: ${common}, audit, handler:OrdersController.cancel`,
    `PUT /api/v1/orders/:id/cancel: ${common}, handler:OrdersController.cancel`,
  ]);
  const app = ChainAnalyzer.open(fixture('nest-middleware-consumer')).graph().apps[0]!;
  assert.equal(app.framework, 'nest');
  assert.equal(app.frameworkVersion, '^10.3.0');
  const post = app.routes.find((r) => r.method === 'POST' && r.path === '/api/cats')!;
  // a class middleware is defined at its use() method; the handler at its method
  assert.deepEqual(
    post.chain.map((i) => `${i.definedAt?.file}:${i.definedAt?.line}`),
    [
      'undefined:undefined',
      'src/common/request-id.middleware.ts:5',
      'src/common/logger.middleware.ts:8',
      'src/common/api-key.middleware.ts:6',
      'src/cats/cats.controller.ts:19',
    ],
  );
  assert.deepEqual(post.location, { file: 'src/cats/cats.controller.ts', line: 18, column: 4 });
});

test('nest-guards-interceptors: global, APP_GUARD, controller, route and parameter enhancers in order', () => {
  const interceptors =
    'interceptor:new LoggingInterceptor(), interceptor:new ClassSerializerInterceptor(app.get(Reflector))';
  const pipes = 'pipe:new ValidationPipe({ whitelist: true }), pipe:TrimPipe';
  assert.deepEqual(chainsOf(fixture('nest-guards-interceptors')), [
    `GET /api/users: guard:ThrottleGuard, guard:JwtAuthGuard, ${interceptors}, interceptor:CacheInterceptor, ${pipes}, pipe:new DefaultValuePipe(1), pipe:ParseIntPipe, handler:UsersController.list | new HttpErrorFilter()`,
    `GET /api/users/:id: guard:ThrottleGuard, guard:JwtAuthGuard, ${interceptors}, ${pipes}, pipe:new ParseUUIDPipe({ version: '4' }), handler:UsersController.findOne | new HttpErrorFilter()`,
    // @Auth('admin') composes UseGuards(RolesGuard) with applyDecorators
    `POST /api/users: guard:ThrottleGuard, guard:JwtAuthGuard, guard:RolesGuard, ${interceptors}, ${pipes}, handler:UsersController.create | new HttpErrorFilter()`,
    `PATCH /api/users/:id/roles: guard:ThrottleGuard, guard:JwtAuthGuard, guard:RolesGuard, ${interceptors}, interceptor:CacheInterceptor, ${pipes}, handler:UsersController.setRoles | new HttpErrorFilter()`,
  ]);
  const app = ChainAnalyzer.open(fixture('nest-guards-interceptors')).graph().apps[0]!;
  const list = app.routes[0]!;
  assert.deepEqual(
    list.chain
      .filter((i) => i.kind === 'guard')
      .map((i) => `${i.definedAt?.file}:${i.definedAt?.line} ${i.mount}`),
    ['src/common/throttle.guard.ts:4 /', 'src/auth/jwt-auth.guard.ts:4 /api/users'],
  );
  // package classes have no definition in the workspace and are not unresolved
  const validation = list.chain.find((i) => i.name.startsWith('new ValidationPipe'))!;
  assert.equal(validation.definedAt, null);
  assert.equal(validation.unresolved, undefined);
});

test('nest-filters-global: route, controller, APP_FILTER, then useGlobalFilters', () => {
  assert.deepEqual(chainsOf(fixture('nest-filters-global')), [
    'GET /payments/:id: handler:PaymentsController.find | HttpExceptionFilter, ReportingFilter, new AllExceptionsFilter()',
    'POST /payments: handler:PaymentsController.charge | new PaymentErrorFilter(), HttpExceptionFilter, ReportingFilter, new AllExceptionsFilter()',
  ]);
  const app = ChainAnalyzer.open(fixture('nest-filters-global')).graph().apps[0]!;
  assert.ok(app.routes.every((r) => r.errorChain.every((i) => i.kind === 'filter')));
});

test('RouteInfo selectors, exclude by method, wildcards, stacked decorators and unresolved parts', () => {
  const dir = nest({
    'src/main.ts': `
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('v2', { exclude: [{ path: 'ping', method: RequestMethod.GET }] });
  await app.listen(3000);
}
import { RequestMethod } from '@nestjs/common';
bootstrap();
`,
    'src/app.module.ts': `
import { Module, MiddlewareConsumer, RequestMethod, forwardRef } from '@nestjs/common';
import { ItemsModule } from './items';
import { a, b, c } from './mw';
@Module({ imports: [forwardRef(() => ItemsModule), (globalThis as any).dynamicModule] })
export class AppModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(a).forRoutes({ path: 'items/*', method: RequestMethod.GET });
    consumer.apply(b, c).exclude('items/special').forRoutes('(.*)');
    if (process.env.DEBUG) consumer.apply(c).forRoutes({ path: 'ping', method: RequestMethod.ALL });
  }
}
`,
    'src/mw.ts': `
export function a(req: any, res: any, next: () => void) { next(); }
export function b(req: any, res: any, next: () => void) { next(); }
export function c(req: any, res: any, next: () => void) { next(); }
`,
    'src/items.ts': `
import { Controller, Get, Post, UseGuards, Module } from '@nestjs/common';
class G1 { canActivate() { return true; } }
class G2 { canActivate() { return true; } }
const BASE = 'items';
@Controller(BASE)
export class ItemsController {
  @Get('special') @UseGuards(G1) @UseGuards(G2) special() { return 1; }
  @Post() create() { return 2; }
  @Get(process.env.X) computed() { return 3; }
}
@Controller()
export class PingController { @Get('ping') ping() { return 'pong'; } }
@Module({ controllers: [ItemsController, PingController] })
export class ItemsModule {}
`,
  });
  assert.deepEqual(chainsOf(dir), [
    // stacked decorators apply bottom-up: G2 then G1
    'GET /v2/items/special: a, guard:G2, guard:G1, handler:ItemsController.special',
    'POST /v2/items: b, c, handler:ItemsController.create',
    'GET /v2/items/<process.env.X>: a, b, c, handler:ItemsController.computed',
    'GET /ping: b, c, c?, handler:PingController.ping',
  ]);
  const app = ChainAnalyzer.open(dir).graph().apps[0]!;
  assert.match(app.routes[2]!.unresolved ?? '', /computed at run time/);
  const unresolved = JSON.stringify(app.tree).match(/"type":"unresolved"[^}]*/g) ?? [];
  assert.equal(unresolved.length, 1);
  assert.match(unresolved[0]!, /globalThis/);
});
