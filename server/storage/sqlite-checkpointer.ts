/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the COMMIT that crosses its
 * threshold: it copies the WAL back into the database file and fsyncs both, on the event loop, while every socket
 * waits — under load that was most of a group commit's time. Here a worker thread with its own connection runs a
 * PASSIVE checkpoint (it never blocks the writer) every `everyMs`, so COMMIT only appends to the WAL. The main
 * connection keeps a large automatic threshold as a fallback, should the worker ever stop.
 *
 * The worker's code is inline (eval), so it works the same from TypeScript sources, from dist/server.js, and from
 * a package install: it only needs better-sqlite3, whose resolved path it is given.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class SqliteCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private running = true;

  constructor(file: string, everyMs: number, onError: (message: string) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs } });
    this.worker.on('message', (message: { error?: string }) => message.error && onError(message.error));
    this.worker.on('error', (err) => onError(err.message));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.running = false;
        resolve();
      }),
    );
    // A checkpointer never keeps the process alive by itself.
    this.worker.unref();
  }

  /** Stops the worker after its current checkpoint, if any. */
  async close(): Promise<void> {
    if (this.running) {
      this.worker.ref(); // closing is waited for: the process must not end in the middle of it
      this.worker.postMessage('close');
    }
    await this.exited;
  }
}
