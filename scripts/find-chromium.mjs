// Finds a Chrome or Chromium for the browser tests: the CHROME_PATH environment variable first, then the usual
// install locations. Nothing here downloads a browser (it could not, behind the firewalls this project targets).
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** Flags that keep a headless Chromium quiet on machines without a GPU, a sandbox or a network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** The path of a Chrome/Chromium executable, or a thrown Error that says what to install. */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH || process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    'The browser tests need Chrome or Chromium and found neither.\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium\n' +
      '  macOS:         brew install --cask chromium   (or install Google Chrome)\n' +
      'or point CHROME_PATH at a Chrome/Chromium executable.',
  );
}
