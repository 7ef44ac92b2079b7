/**
 * The upload page's browser script, served as `/upload.js` (see ./upload-page.ts). Its source is a real file,
 * ./assets/upload.js, that tsc (./assets/tsconfig.json, DOM types, `npm run typecheck`) and biome check like any
 * other; this module only hands its text to the route.
 *
 * How the text travels: the bundles (the API Lambda's, infra/bundling.ts; the CLI's, scripts/build-cli.mjs) are
 * built by esbuild, which reads the import attribute `type: 'text'` and inlines the file as a string, so nothing
 * has to be copied beside the bundle. Run from the sources (tsx, vitest), Node does not know that attribute and
 * refuses the import: the text is then read from disk next to this file.
 */
import { readFile } from 'node:fs/promises';

let loading: Promise<string> | undefined;

async function load(): Promise<string> {
  const inlined = await import('./assets/upload.js', { with: { type: 'text' } }).then(
    (asset: { default?: unknown }) => asset.default,
    () => undefined,
  );
  if (typeof inlined === 'string') return inlined;
  return readFile(new URL('./assets/upload.js', import.meta.url), 'utf8');
}

/** The script's source text (read once). */
export function uploadScript(): Promise<string> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
