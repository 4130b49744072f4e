// Route paths as the model writes them, against request paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { methodMatches, pathMatcher, pathnameOf } from '../../src/live/route-paths';

const CASES: [route: string, prefix: boolean, matches: string[], misses: string[]][] = [
  ['/', false, ['/'], ['/a']],
  ['/', true, ['/', '/a', '/a/b'], []],
  ['/api', true, ['/api', '/api/', '/api/x'], ['/apix', '/']],
  ['/health', false, ['/health', '/health/', '/HEALTH'], ['/health/x', '/healthz']],
  ['/orders/:id', false, ['/orders/7', '/orders/abc'], ['/orders', '/orders/7/x']],
  ['/orders/:id/items/:item', false, ['/orders/1/items/2'], ['/orders/1/items']],
  ['/users/:id?', false, ['/users', '/users/3'], ['/users/3/4']],
  ['/files/:path*', false, ['/files', '/files/a', '/files/a/b'], ['/filesx']],
  ['/files/:path+', false, ['/files/a', '/files/a/b'], ['/files']],
  ['/jobs/:id(\\d+)', false, ['/jobs/12'], ['/jobs/ab']],
  ['/api/*', false, ['/api/x', '/api/x/y', '/api/'], ['/apix']],
  ['/files/*filepath', false, ['/files/a', '/files/a/b'], ['/files']],
  ['/docs{/:section}', false, ['/docs', '/docs/intro'], ['/docs/a/b']],
  ['/a.b', false, ['/a.b'], ['/axb']],
  ['/^\\/legacy\\/.*/', false, ['/legacy/2020/q1'], ['/new']],
  ['/^\\/legacy\\/(\\d+)$/', false, ['/legacy/2020'], ['/legacy/x']],
  ['/say/"hi"/<script>alert(1)</script>', false, ['/say/"hi"/<script>alert(1)</script>'], ['/say']],
];

for (const [route, prefix, matches, misses] of CASES) {
  test(`${prefix ? 'use ' : ''}${route}`, () => {
    const m = pathMatcher(route, prefix);
    assert.ok(m, 'readable');
    for (const p of matches) assert.ok(m(p), `${route} matches ${p}`);
    for (const p of misses) assert.ok(!m(p), `${route} does not match ${p}`);
  });
}

test('paths that cannot be read give no matcher', () => {
  assert.equal(pathMatcher('basePath + "/x"'), undefined);
  assert.equal(pathMatcher('/a{/:b'), undefined);
});

test('methods: ALL takes any, GET takes HEAD', () => {
  assert.ok(methodMatches('ALL', 'DELETE'));
  assert.ok(methodMatches('GET', 'HEAD'));
  assert.ok(methodMatches('get', 'GET'));
  assert.ok(!methodMatches('POST', 'GET'));
});

test('the path of a request URL', () => {
  assert.equal(pathnameOf('/orders/7?x=1#y'), '/orders/7');
  assert.equal(pathnameOf('http://example.com/a/b?q'), '/a/b');
  assert.equal(pathnameOf('http://example.com'), '/');
  assert.equal(pathnameOf(''), '/');
});
