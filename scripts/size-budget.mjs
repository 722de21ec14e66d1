/**
 * A rollup plugin that enforces a bundle's size budget: after minification it gzips each emitted chunk, prints where
 * the bytes go, and fails the build when a chunk is over its budget.
 *
 * Where the bytes go: each module's rendered code (after tree-shaking) is minified and gzipped on its own; those
 * sizes overlap (gzip shares its dictionary across a whole file, so they add up to more than the chunk), so each is
 * also shown scaled to the chunk's real gzip size — what removing that module would roughly save.
 */
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** `node_modules/<package>` for dependencies (one line each), the path under the project root for our modules. */
function groupOf(id) {
  const path = id.replace(/\\/g, '/');
  const dep = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  return dep ? dep[1] : path.slice(process.cwd().length + 1);
}

/**
 * @param {{ budgets: Record<string, number>, terserOptions?: object }} options `budgets`: gzip bytes allowed per
 *   emitted file name (e.g. `{ 'image-chat.js': 24 * 1024 }`); `terserOptions`: as the build's terser, for the breakdown.
 */
export function sizeBudget({ budgets, terserOptions = {} }) {
  return {
    name: 'size-budget',
    async generateBundle(_options, bundle) {
      const over = [];
      for (const [fileName, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        const budget = budgets[fileName];
        const groups = new Map();
        for (const [id, module] of Object.entries(chunk.modules)) {
          if (!module.code) continue;
          const { code = '' } = await minify(module.code, { ...terserOptions, module: true, compress: false, mangle: true });
          const group = groupOf(id);
          const entry = groups.get(group) ?? { modules: 0, minified: 0, gzip: 0 };
          entry.modules++;
          entry.minified += Buffer.byteLength(code);
          entry.gzip += gzipSync(code, { level: 9 }).length;
          groups.set(group, entry);
        }
        const alone = [...groups.values()].reduce((sum, g) => sum + g.gzip, 0);
        const rows = [...groups].sort(([, a], [, b]) => b.gzip - a.gzip);
        console.log(`\n${fileName}: ${kb(Buffer.byteLength(chunk.code))} minified, ${kb(gzip)} gzip (${gzip} bytes)${budget ? `; budget ${kb(budget)} (${budget} bytes)` : ''}`);
        console.log('  gzip share  gzip alone  minified  module');
        for (const [group, g] of rows) {
          const share = Math.round((g.gzip / alone) * gzip);
          console.log(`  ${kb(share).padStart(10)}  ${kb(g.gzip).padStart(10)}  ${kb(g.minified).padStart(8)}  ${group}${g.modules > 1 ? ` (${g.modules} modules)` : ''}`);
        }
        if (budget && gzip > budget) over.push(`${fileName} is ${gzip} bytes gzipped, over its budget of ${budget} bytes by ${gzip - budget}`);
      }
      if (over.length) this.error(`size budget exceeded: ${over.join('; ')}. See the breakdown above for where the bytes go.`);
    },
  };
}
