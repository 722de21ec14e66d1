// Browser tests of <image-chat>: real Chromium (Debian's, found by scripts/find-chromium.mjs) against the real
// image-chat server, started on port 0 for the run. Tests ask the dev server for its URL at /__image-chat-server.
// Run: NODE_OPTIONS='--import tsx' npx web-test-runner --config web-test-runner.config.mjs   (npm run test:browser)
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';

/** Starts the image-chat server with the test run and tells the test pages where it is. */
function imageChatServer() {
  let running;
  let proxy;
  return {
    name: 'image-chat-server',
    async serverStart() {
      // Imported here so that a syntax error in the server fails the run with a clear stack, not at config load.
      const { startTestServer } = await import('./server/test/helpers.ts');
      running = await startTestServer();
      // A proxy in front of it that passes HTTP (SSE included) and refuses WebSocket upgrades.
      const { startTcpProxy } = await import('./test-support/tcp-proxy.ts');
      proxy = await startTcpProxy(running.url, { refuseUpgrades: true });
    },
    async serverStop() {
      await proxy?.close();
      await running?.stop();
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
