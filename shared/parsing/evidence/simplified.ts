/**
 * Traditional characters folded to simplified ones (黨員名冊 → 党员名册) before evidence names are read: some
 * senders' fonts, input methods and scanned Hong Kong/Taiwan-style templates write them, and every word list is in
 * simplified Chinese. OpenCC's dictionaries (opencc-js), built once on first use (~0.2 s), ~25 µs a name after.
 */
import * as OpenCC from 'opencc-js/t2cn';

let convert: ((text: string) => string) | undefined;

/** The text in simplified characters; text without Han characters is returned as is. */
export function simplified(text: string): string {
  if (!/\p{Script=Han}/u.test(text)) return text;
  convert ??= OpenCC.Converter({ from: 't', to: 'cn' });
  return convert(text);
}
