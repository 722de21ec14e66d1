// A rollup plugin that prints each emitted chunk's and stylesheet's size, raw and gzipped: the numbers to watch.
import { gzipSync } from 'node:zlib';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Prints `file: N KB raw, M KB gzip` for every chunk and every `.css` asset of the bundle. */
export function sizeReport() {
  return {
    name: 'size-report',
    generateBundle(_options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        const text = output.type === 'chunk' ? output.code : fileName.endsWith('.css') ? String(output.source) : null;
        if (text === null) continue;
        const raw = Buffer.byteLength(text);
        const gzip = gzipSync(text, { level: 9 }).length;
        console.log(`${fileName}: ${kb(raw)} raw, ${kb(gzip)} gzip (${gzip} bytes)`);
      }
    },
  };
}
