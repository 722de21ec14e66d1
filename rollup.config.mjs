// Builds the browser bundle: src/image-chat.ts → dist/image-chat.js, one self-contained, minified ES module with Lit
// inside, that a CDN can serve as is and the demo page loads. TypeScript is transpiled by esbuild (type-checking is
// `tsc --noEmit`, run by `npm test`); terser minifies. The build ends by printing the bundle's raw and gzip size.
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';

/** Prints each emitted chunk's size, raw and gzipped: the number to watch (the aim is ≤ 20 KB gzip). */
function sizeReport() {
  return {
    name: 'size-report',
    generateBundle(_options, bundle) {
      for (const [fileName, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const raw = Buffer.byteLength(chunk.code);
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
        console.log(`${fileName}: ${kb(raw)} raw, ${kb(gzip)} gzip (${gzip} bytes)`);
      }
    },
  };
}

export default {
  input: 'src/image-chat.ts',
  output: {
    file: 'dist/image-chat.js',
    format: 'es',
    sourcemap: false,
  },
  plugins: [
    // `browser: true` picks the browser builds of dependencies; Lit's production build is the default export
    // condition, so no dev-mode warnings end up in the bundle.
    nodeResolve({ browser: true }),
    esbuild({ tsconfig: 'tsconfig.json', target: 'es2021', minify: false }),
    terser({ ecma: 2021, module: true, compress: { passes: 2 }, format: { comments: false } }),
    sizeReport(),
  ],
};
