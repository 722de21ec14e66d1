// Browser tests of <image-chat>: real Chromium (Debian's, found by scripts/find-chromium.mjs) against the real
// image-chat server, started on port 0 for the run. Tests ask the dev server for its URL at /__image-chat-server.
// Run: NODE_OPTIONS='--import tsx' npx web-test-runner --config web-test-runner.config.mjs   (npm run test:browser)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';

/** Starts the image-chat server with the test run and tells the test pages where it is. */
function imageChatServer() {
  let running;
  let proxy;
  let dataDir;
  return {
    name: 'image-chat-server',
    async serverStart() {
      // Imported here so that a syntax error in the server fails the run with a clear stack, not at config load.
      const { startServer } = await import('./server/server.ts');
      dataDir = await mkdtemp(join(tmpdir(), 'image-chat-wtr-'));
      running = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' });
      // A real reverse proxy in front of it that passes HTTP (SSE included) and refuses WebSocket upgrades.
      const { startUpgradeRefusingProxy } = await import('./test-support/upgrade-refusing-proxy.ts');
      proxy = await startUpgradeRefusingProxy(running.url);
    },
    async serverStop() {
      await proxy?.close();
      await running?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
    serve(context) {
      if (context.path === '/__image-chat-server') {
        return { body: JSON.stringify({ url: running.url, port: running.port, proxyUrl: proxy.url, refusedUpgrades: proxy.refusedUpgrades }), type: 'json' };
      }
    },
  };
}

export default {
  files: ['src/**/*.browser.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 120_000,
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json' }), imageChatServer()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true },
    }),
  ],
  testFramework: { config: { timeout: 10_000 } },
  // Lit's dev-mode notice on every test file is noise; anything else a page logs is shown.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
};
