// Preload (`node --require test/debug/express4.cjs app.js`): `require('express')` and
// `express/...` load the `express4` package (npm alias of express@4) instead of express 5.
'use strict';

const Module = require('node:module');
const path = require('node:path');

const express4Dir = path.dirname(require.resolve('express4/package.json', { paths: [__dirname] }));
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveExpress4(request, parent, isMain, options) {
  if (request === 'express' || request.startsWith('express/'))
    return originalResolve.call(this, express4Dir + request.slice('express'.length), parent, isMain, options);
  return originalResolve.call(this, request, parent, isMain, options);
};
