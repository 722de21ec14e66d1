/**
 * The project's Chrome/Chromium finder (`scripts/find-chromium.mjs`, shared with web-test-runner's config), with
 * types. The script is plain JavaScript and the tsconfig has no `allowJs`, so a static import would not type-check;
 * a dynamic import behind a typed view does.
 */
interface ChromiumFinder {
  /** Flags that keep a headless Chromium quiet on machines without a GPU, a sandbox or a network. */
  CHROMIUM_ARGS: string[];
  /** CHROME_PATH, else the usual install paths; throws an Error that says what to install. */
  findChromium(): string;
}

const finder = (await import(new URL('../scripts/find-chromium.mjs', import.meta.url).href)) as ChromiumFinder;

export const CHROMIUM_ARGS = finder.CHROMIUM_ARGS;
export const findChromium = finder.findChromium;
