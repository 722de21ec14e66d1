/**
 * The package as front-end developers get it: `npm pack`, then a fresh project installs the tarball with what the
 * three examples (examples/) need — one install for all — and
 *  - finds the element, its typings, custom-elements.json and the server where package.json says;
 *  - type-checks a React .tsx and a Vue-style .ts against it (and the React and Vue examples), while wrong attribute
 *    types and event details fail to compile;
 *  - builds each example with Vite; in Chromium the element renders, and a marker placed in it reaches another
 *    client, made by the user whose token the page bound.
 *
 * Needs `npm run build` (the tarball packs dist/) and Chrome or Chromium.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RoomEvent } from '../protocol/index.js';
import { WsClient, type TestServer } from '../server/test/helpers.js';
import { serveDirectory } from '../test-support/static-site.js';
import { clickToPlace, firstChat, launch, recordingContext, removeDir, waitForSeen } from './support.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = ['html', 'react', 'vue'] as const;

let work: string;
let consumer: string;
let browser: Browser;

/** Runs a tool of the consumer project; resolves with its output, or rejects with it. */
async function tool(cwd: string, bin: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(consumer, 'node_modules', bin), ...args], { cwd, maxBuffer: 16 << 20 });
    return stdout + stderr;
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw Object.assign(new Error(`${bin} ${args.join(' ')} failed:\n${stdout}${stderr}`), { output: `${stdout}${stderr}` });
  }
}

const tsc = (cwd: string, project: string) => tool(cwd, 'typescript/bin/tsc', ['-p', project, '--pretty', 'false']);
const vueTsc = (cwd: string, project: string) => tool(cwd, 'vue-tsc/bin/vue-tsc.js', ['-p', project, '--pretty', 'false']);

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'image-chat-package-'));
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: REPO });
  const tarball = join(work, stdout.trim().split('\n').pop()!);
  // One project for the examples and the type checks: what the examples' package.json files ask for, with the
  // image-chat tarball in place of the examples' link to this repository.
  consumer = join(work, 'consumer');
  const dependencies: Record<string, string> = {};
  for (const example of EXAMPLES) {
    const manifest = JSON.parse(readFileSync(join(REPO, 'examples', example, 'package.json'), 'utf8'));
    Object.assign(dependencies, manifest.dependencies, manifest.devDependencies);
  }
  dependencies['image-chat'] = `file:${tarball}`;
  cpSync(join(REPO, 'examples'), join(consumer, 'examples'), { recursive: true, filter: (path) => !/[\\/](node_modules|dist)$/.test(path) });
  cpSync(join(REPO, 'e2e', 'consumer'), join(consumer, 'types-test'), { recursive: true });
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2));
  // Install scripts are not run (npm 11's default for unlisted packages): the server's native SQLite is not needed
  // to type-check or to build pages. --prefer-offline: what `npm ci` of this repository cached is used as is.
  await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumer });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  removeDir(work);
});

describe('the packed tarball', () => {
  it('has the element, its typings, custom-elements.json and the server, where package.json says', () => {
    const root = join(consumer, 'node_modules', 'image-chat');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(manifest.types, 'dist/types/src/image-chat.d.ts');
    assert.equal(manifest.customElements, 'dist/custom-elements.json');
    assert.deepEqual(Object.keys(manifest.exports), ['.', './react', './vue', './server', './custom-elements.json', './package.json']);
    const targets = Object.values(manifest.exports as Record<string, string | Record<string, string>>).flatMap((target) =>
      typeof target === 'string' ? [target] : Object.values(target),
    );
    for (const file of [manifest.types, manifest.customElements, ...targets]) assert.ok(existsSync(join(root, file)), `${file} is in the tarball`);
    assert.ok(existsSync(join(root, 'dist/dashboard/index.html')), 'the dashboard ships with the server');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [e.name]));
    assert.deepEqual(files(root).filter((name) => name.endsWith('.test.ts')), [], 'no tests in the tarball');
  });

  it('describes every attribute, property, event, part, CSS property and slot in custom-elements.json', () => {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules/image-chat/dist/custom-elements.json'), 'utf8'));
    const element = manifest.modules.flatMap((m: { declarations?: unknown[] }) => m.declarations ?? []).find((d: { tagName?: string }) => d.tagName === 'image-chat');
    assert.ok(element, 'the manifest declares <image-chat>');
    const names = (list: { name: string }[]) => list.map((item) => item.name);
    assert.deepEqual(names(element.attributes), ['src', 'alt', 'room', 'server', 'tenant', 'token', 'locale', 'readonly', 'theme', 'transport']);
    const publicMembers = element.members.filter(
      (m: { kind: string; privacy?: string; static?: boolean }) => m.kind === 'field' && (m.privacy ?? 'public') === 'public' && !m.static,
    );
    assert.deepEqual(names(publicMembers), names(element.attributes));
    assert.deepEqual(names(element.events), ['image-chat-connection', 'image-chat-change', 'image-chat-error', 'image-chat-presence']);
    assert.deepEqual(element.events.map((e: { type: { text: string } }) => e.type.text), ['CustomEvent<ConnectionDetail>', 'CustomEvent<ChangeDetail>', 'CustomEvent<ErrorDetail>', 'CustomEvent<PresenceDetail>']);
    assert.deepEqual(names(element.cssParts), ['image', 'marker', 'thread', 'composer', 'presence', 'threads', 'status']);
    assert.equal(element.cssProperties.length, 16);
    assert.ok(element.cssProperties.every((p: { name: string }) => p.name.startsWith('--image-chat-')));
    assert.equal(element.slots.length, 1);
    for (const kind of ['attributes', 'events', 'cssParts', 'cssProperties', 'slots']) {
      for (const item of [...element[kind], ...(kind === 'attributes' ? publicMembers : [])]) {
        assert.ok(item.description?.trim(), `${kind} ${item.name || '(default slot)'} has a description`);
      }
    }
  });
});

describe('typings against the installed package', () => {
  it('type-check a React .tsx and a Vue-style .ts, and the React and Vue examples', async () => {
    // Independent checks, one process each: side by side.
    await Promise.all([tsc(join(consumer, 'types-test'), 'tsconfig.json'), vueTsc(join(consumer, 'examples/vue'), 'tsconfig.json')]);
  });

  it('refuse a wrong attribute type, a wrong event detail and an unknown attribute, in React and Vue', async () => {
    const dir = join(consumer, 'types-test');
    const errorsOf = async (check: Promise<string>): Promise<string[]> => {
      const output = await check.then(
        () => assert.fail('the bad files compiled'),
        (err: { output?: string }) => err.output ?? String(err),
      );
      return [...output.matchAll(/^(\S+?)\((\d+),\d+\): error (TS\d+)/gm)].map(([, file, line, code]) => `${basename(file)}:${line} ${code}`);
    };
    const reported = (await Promise.all([errorsOf(tsc(dir, 'tsconfig.bad.json')), errorsOf(vueTsc(dir, 'tsconfig.bad-vue.json'))])).flat().sort();
    // What each bad file marks, line by line: `error TS2322` on the line that must fail with it.
    const expected = ['bad.tsx', 'bad-vue.ts', 'Bad.vue']
      .flatMap((file) =>
        readFileSync(join(dir, file), 'utf8')
          .split('\n')
          .flatMap((text, i) => [...text.matchAll(/error (TS\d{4})/g)].map(([, code]) => `${file}:${i + 1} ${code}`)),
      )
      .sort();
    assert.equal(expected.length, 9, 'the bad files mark their errors');
    assert.deepEqual(reported, expected);
  });
});

describe('the examples', () => {
  for (const example of EXAMPLES) {
    it(`${example}: builds with Vite; the element renders, and a marker placed in it reaches another client`, async () => {
      const dir = join(consumer, 'examples', example);
      await tool(dir, 'vite/bin/vite.js', ['build', '--logLevel', 'warn']);
      const site = await serveDirectory(join(dir, 'dist'));
      // The image-chat server as a Node app embeds it: the package's `image-chat/server` (dist/server.js).
      const { startServer } = (await import(join(REPO, 'dist/server.js'))) as typeof import('../server/server.js');
      const dataDir = mkdtempSync(join(tmpdir(), `image-chat-example-${example}-`));
      const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' });
      const context = await recordingContext(browser);
      try {
        // The user the page's token names: a guest identity from the server, as a host backend would hand one out.
        const guest = (await (await fetch(`${server.url}/api/guest?tenant=demo`, { method: 'POST' })).json()) as { token: string; user: { id: string } };
        const room = `${example}-home`;
        const other = await WsClient.connect({ url: server.url, wsUrl: `${server.url.replace(/^http/, 'ws')}/ws` } as TestServer, { tenant: 'demo' });
        await other.subscribe(room);

        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
        page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()} for ${response.url()}`));
        await page.goto(`${site.url}/?server=${encodeURIComponent(server.url)}&token=${encodeURIComponent(guest.token)}`);
        await waitForSeen(page, (event) => event.type === 'connection' && event.state === 'open');
        const text = `Placed from the ${example} example`;
        const textarea = await clickToPlace(firstChat(page), 0.3, 0.4);
        await textarea.fill(text);
        await textarea.press('Enter');

        const event = (await other.event(room, 10_000)) as Extract<RoomEvent, { type: 'new-image-chat' }>;
        assert.equal(event.type, 'new-image-chat');
        assert.equal(event.marker.comments[0].text, text);
        assert.equal(event.marker.author.id, guest.user.id, "the marker is the token's user's");
        // The page's own image-chat-change listener saw it too.
        await page.getByText(`created ${event.marker.id} (local)`).waitFor({ timeout: 10_000 });
        assert.deepEqual(problems, []);
        await other.close();
      } finally {
        await context.close();
        await server.close();
        await site.close();
        removeDir(dataDir);
      }
    });
  }
});
