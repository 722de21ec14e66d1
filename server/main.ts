/** CLI entry (`npm start`): configuration, start, graceful shutdown on SIGTERM/SIGINT. */
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`image-chat: ${err.message}`);
    process.exit(1);
  }
  const server = await startServer({
    port: config.port,
    host: config.host,
    dataDir: config.dataDir,
    logLevel: process.env.LOG_LEVEL || 'info',
  });
  console.log(`image-chat is running at ${server.url.replace('127.0.0.1', 'localhost')}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`image-chat: ${signal} received, closing`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('image-chat: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
