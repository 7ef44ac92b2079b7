/** How the browser tests run Debian's chromium: headless, sandbox off (containers), nothing phoning home. */
import { join } from 'node:path';

/** Debian's chromium (installed by .ci/run), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where the browser tests leave their screenshots. */
export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');
/** Flags for a quiet headless chromium in a container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
