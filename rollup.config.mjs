// Builds the browser bundle: src/image-chat.ts → dist/image-chat.js, one self-contained, minified ES module with Lit
// inside, that a CDN can serve as is and the demo page loads. TypeScript is transpiled by esbuild (type-checking is
// `tsc --noEmit`, run by `npm test`); terser minifies. The build ends with the size budget (scripts/size-budget.mjs):
// it prints the gzipped size and where the bytes go, and fails over budget.
import { readdirSync, rmSync } from 'node:fs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';
import { minifyTemplates } from './scripts/minify-templates.mjs';
import { sizeBudget } from './scripts/size-budget.mjs';

/** The element's budget, gzipped, reconnecting-websocket and Lit included (issue 9). */
const BUDGET_BYTES = 24 * 1024;
const TERSER = {
  ecma: 2021,
  module: true,
  compress: { passes: 3 },
  format: { comments: false },
};

/** Removes the previous build's files of this bundle (dist/image-chat*.js): a renamed chunk must not linger. */
function cleanPreviousBuild() {
  return {
    name: 'clean-previous-build',
    buildStart() {
      let files = [];
      try {
        files = readdirSync('dist');
      } catch {
        return; // no dist yet
      }
      for (const file of files) if (/^image-chat(-.+)?\.js$/.test(file)) rmSync(`dist/${file}`);
    },
  };
}

export default {
  input: 'src/image-chat.ts',
  // The chunks import what they share from the element's own file (no facade file in front of it).
  preserveEntrySignatures: 'allow-extension',
  output: {
    // The element is dist/image-chat.js; what only some pages need (the pt-BR strings, the SSE transport) comes
    // as chunks beside it, loaded from where the bundle was (so a CDN serves the dist folder as it is).
    dir: 'dist',
    entryFileNames: 'image-chat.js',
    chunkFileNames: 'image-chat-[name].js',
    format: 'es',
    sourcemap: false,
  },
  plugins: [
    cleanPreviousBuild(),
    // `browser: true` picks the browser builds of dependencies; Lit's production build is the default export
    // condition, so no dev-mode warnings end up in the bundle.
    nodeResolve({ browser: true }),
    esbuild({ tsconfig: 'tsconfig.json', target: 'es2021', minify: false }),
    minifyTemplates({ include: /[\\/]src[\\/].*\.ts$/ }),
    terser(TERSER),
    sizeBudget({ budgets: { 'image-chat.js': BUDGET_BYTES }, terserOptions: TERSER }),
  ],
};
