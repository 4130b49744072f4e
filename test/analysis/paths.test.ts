import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinPath, mountCovers, pathText, patternCovers, type FullPath } from '../../src/analysis/paths';

const p = (...texts: string[]): FullPath =>
  texts.map((t) =>
    t.startsWith('/') && t.endsWith('/') && t.length > 1 && t.includes('\\')
      ? { kind: 'regex', text: t }
      : { kind: 'string', text: t },
  );

test('joinPath joins mount prefixes at one slash and keeps regexes as written', () => {
  assert.equal(pathText(joinPath(p('/api'), { kind: 'string', text: '/users' })), '/api/users');
  assert.equal(pathText(joinPath(p('/api/'), { kind: 'string', text: 'users' })), '/api/users');
  assert.equal(pathText(joinPath(p('/api'), { kind: 'string', text: '/' })), '/api');
  assert.equal(pathText(joinPath([], { kind: 'string', text: '/' })), '/');
  assert.equal(pathText(joinPath(p('/api'), { kind: 'regex', text: '/\\/ab+c/' })), '/api/\\/ab+c/');
});

const mountCases: [string, string, boolean][] = [
  ['/', '/anything/at/all', true],
  ['/api', '/api', true],
  ['/api', '/api/users/:id', true],
  ['/api', '/apiary', false],
  ['/api', '/other', false],
  ['/users/:id', '/users/:id/posts', true],
  ['/users/:id', '/users', false],
  ['/API', '/api/x', true],
];

test('mountCovers: prefix at segment boundaries, params match any segment', () => {
  for (const [mount, route, expected] of mountCases) {
    assert.equal(mountCovers(p(mount), p(route)), expected, `${mount} covers ${route}`);
  }
});

const patternCases: [string, string, boolean][] = [
  ['/users/:id', '/users/:id', true],
  ['/users/:id', '/users/me', true],
  ['/users/:id', '/users/:id/posts', false],
  ['/api/*', '/api/users', true],
  ['/api/*rest', '/api/users/:id', true],
  ['/docs{/:section}', '/docs', true],
  ['/docs{/:section}', '/docs/intro', true],
  ['/ab?cd', '/acd', true],
  ['/x', '/x/', true],
];

test('patternCovers: Express 4 and 5 route syntax', () => {
  for (const [pattern, route, expected] of patternCases) {
    assert.equal(patternCovers(p(pattern), p(route)), expected, `${pattern} covers ${route}`);
  }
});

test('a regex route is matched against mounts by the literal path it starts with', () => {
  const route: FullPath = [{ kind: 'regex', text: '/^\\/legacy\\/.*/' }];
  assert.equal(mountCovers(p('/legacy'), route), true);
  assert.equal(mountCovers(p('/other'), route), false);
  const anchored: FullPath = [{ kind: 'regex', text: '/^\\/exact$/' }];
  assert.equal(mountCovers(p('/exact'), anchored), true);
  assert.equal(mountCovers(p('/ex'), anchored), false);
});
