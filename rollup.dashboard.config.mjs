// Builds the operator's dashboard (GET /dashboard): dashboard/dashboard.ts → dist/dashboard/dashboard.js, with uPlot
// inside (only here: the element's bundle never contains a chart library), plus the page and its stylesheet
// (uPlot's own rules, then ours). The server serves dist/dashboard/index.html at /dashboard.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import terser from '@rollup/plugin-terser';
import { sizeReport } from './scripts/size-report.mjs';

const require = createRequire(import.meta.url);

/** Emits the page and one stylesheet next to the script. */
function dashboardAssets() {
  const files = {
    'index.html': () => readFileSync('dashboard/index.html', 'utf8'),
    'dashboard.css': () => `${readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')}\n${readFileSync('dashboard/dashboard.css', 'utf8')}`,
  };
  return {
    name: 'dashboard-assets',
    buildStart() {
      this.addWatchFile('dashboard/index.html');
      this.addWatchFile('dashboard/dashboard.css');
    },
    generateBundle() {
      for (const [fileName, read] of Object.entries(files)) this.emitFile({ type: 'asset', fileName, source: read() });
    },
  };
}

export default {
  input: 'dashboard/dashboard.ts',
  output: { dir: 'dist/dashboard', entryFileNames: 'dashboard.js', format: 'es', sourcemap: false },
  plugins: [
    nodeResolve({ browser: true }),
    esbuild({ tsconfig: 'tsconfig.json', target: 'es2021', minify: false }),
    terser({ ecma: 2021, module: true, compress: { passes: 2 }, format: { comments: false } }),
    dashboardAssets(),
    sizeReport(),
  ],
};
