/**
 * CLI entry (`npm start`): configuration, start, graceful shutdown on SIGTERM/SIGINT.
 * `main.ts token …` mints a user token instead (cli/mint-token.ts).
 */
import { readFileSync } from 'node:fs';
import { runMintToken } from './cli/mint-token.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startServer } from './server.js';

function readPem(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function serve(): Promise<void> {
  let config: Config;
  let tls: { cert: Buffer; key: Buffer } | undefined;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
    if (config.tlsCert && config.tlsKey) tls = { cert: readPem('TLS_CERT', config.tlsCert), key: readPem('TLS_KEY', config.tlsKey) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`image-chat: ${err.message}`);
    process.exit(1);
  }
  let server;
  try {
    server = await startServer({
      port: config.port,
      host: config.host,
      dataDir: config.dataDir,
      configPath: config.configFile,
      trustProxy: config.trustProxy,
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      tls,
      logLevel: process.env.LOG_LEVEL || 'info',
    });
  } catch (err) {
    // A bad tenants file (ConfigError) or bad limits (TypeError) name the setting: say just that.
    if (!(err instanceof ConfigError) && !(err instanceof TypeError)) throw err;
    console.error(`image-chat: ${err.message}`);
    process.exit(1);
  }
  const local = (url: string) => url.replace('127.0.0.1', 'localhost');
  console.log(`image-chat is running at ${local(server.url)}`);
  // Printed once per start, never logged: the fragment holds the demo tenant's admin key (a fragment never reaches
  // a server or a proxy's access log). With a tenants file, the page asks for a tenant's adminKey instead.
  console.log(`image-chat dashboard${server.dashboardUrl.includes('#key=') ? ' (the demo tenant; keep this link private)' : ''}: ${local(server.dashboardUrl)}`);

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

const [command, ...rest] = process.argv.slice(2);
const run = command === 'token' ? runMintToken(rest).then((code) => process.exit(code)) : serve();
run.catch((err) => {
  console.error('image-chat: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
