/**
 * Names garbled on the way: GBK bytes read as the DOS code page 437, as a Mac or an old unzip tool does with a zip made
 * on Chinese Windows (`高平基地评价材料` arrives as `╕▀╞╜╗∙╡╪╞└╝█▓─┴╧`). The bytes are all still there, so the name
 * can be read again: written back as CP437 and read as GB18030. Only names that look garbled are touched: no Chinese
 * character, and mostly CP437's box-drawing, block and Greek signs, which no real name is made of (`Müller` is left
 * alone). Node's own decoder reads GB18030, and CP437's upper half is the table below (the test checks it against
 * iconv-lite's), so the evidence classifier, which every intake loads at start, loads no code-page library.
 */

/** CP437's upper half, byte 0x80 upwards. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const BYTE_OF = new Map([...CP437_HIGH].map((char, i) => [char, 0x80 + i]));
/** Bytes 0xB0–0xFF: box drawing, blocks, Greek and mathematical signs; GBK's lead bytes for Chinese fall here. */
const GARBLE_SIGNS = new Set([...CP437_HIGH].slice(0x30));
const GB18030 = new TextDecoder('gb18030', { fatal: true });

/** The name read again as GBK when it is GBK read as CP437; undefined when it does not look garbled. */
export function repairedMojibake(text: string): string | undefined {
  if (/\p{Script=Han}/u.test(text)) return undefined;
  const chars = [...text];
  const high = chars.filter((char) => char.charCodeAt(0) >= 0x80);
  // One Chinese character is two bytes: a garbled name has four signs at least (±° is no word).
  if (high.length < 4 || !high.every((char) => BYTE_OF.has(char))) return undefined;
  if (high.filter((char) => GARBLE_SIGNS.has(char)).length * 2 < high.length) return undefined;
  const bytes = Uint8Array.from(chars, (char) => BYTE_OF.get(char) ?? char.charCodeAt(0));
  let repaired: string;
  try {
    repaired = GB18030.decode(bytes);
  } catch {
    return undefined;
  }
  const wide = [...repaired].filter((char) => char.charCodeAt(0) >= 0x80);
  const chinese = wide.filter((char) => /\p{Script=Han}/u.test(char));
  return chinese.length > 0 && chinese.length * 5 >= wide.length * 3 ? repaired : undefined;
}

/** CP437's upper half as this module reads it (for the test that checks it against a code-page library). */
export const CP437_UPPER_HALF = CP437_HIGH;
