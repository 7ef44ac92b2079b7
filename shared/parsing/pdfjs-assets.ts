/**
 * Where pdf.js finds its predefined CMaps (GBK-EUC-H, UniGB-UCS2-H: Chinese PDFs with non-embedded 宋体/黑体
 * extract as nothing without them) and its standard fonts: beside pdf-parse's pdfjs-dist, or copied next to a
 * Lambda bundle. pdf-parse does not set these in Node; when the files are not shipped, extraction still runs, only
 * those fonts stay silent.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The options pdf.js takes for them. */
export type PdfjsAssets = {
  cMapUrl?: string;
  cMapPacked?: boolean;
  standardFontDataUrl?: string;
};

let assets: PdfjsAssets | undefined;

/** The CMap and standard-font locations, looked up once. */
export function pdfjsAssets(): PdfjsAssets {
  if (assets) return assets;
  try {
    const fromPdfParse = createRequire(createRequire(import.meta.url).resolve('pdf-parse'));
    const root = dirname(fromPdfParse.resolve('pdfjs-dist/package.json'));
    assets = {
      cMapUrl: `${join(root, 'cmaps')}/`,
      cMapPacked: true,
      standardFontDataUrl: `${join(root, 'standard_fonts')}/`,
    };
  } catch {
    // In a Lambda bundle there is no node_modules: the build copies the files next to the bundle.
    const beside = fileURLToPath(new URL('./pdfjs-dist/', import.meta.url));
    assets = existsSync(join(beside, 'cmaps'))
      ? {
          cMapUrl: `${join(beside, 'cmaps')}/`,
          cMapPacked: true,
          standardFontDataUrl: `${join(beside, 'standard_fonts')}/`,
        }
      : {};
  }
  return assets;
}
