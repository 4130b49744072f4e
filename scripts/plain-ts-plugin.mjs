// esbuild plugin: our code reaches TypeScript's API through `import { ts } from 'ts-morph'`,
// where every `ts.isX` is a getter three layers deep (esbuild interop, ts-morph's re-export,
// TypeScript's own exports). The bundle gets one plain snapshot instead; types are unchanged.
import * as path from 'node:path';

export const plainTypeScriptApi = {
  name: 'plain-typescript-api',
  setup(build) {
    build.onResolve({ filter: /^ts-morph$/ }, (args) =>
      args.namespace === 'file' && args.importer.includes(`${path.sep}src${path.sep}`)
        ? { path: 'ts-morph', namespace: 'plain-ts-morph' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'plain-ts-morph' }, () => ({
      contents: "const m = require('ts-morph');\nmodule.exports = { ...m, ts: { ...m.ts } };\n",
      resolveDir: process.cwd(),
      loader: 'js',
    }));
  },
};
