/**
 * What the notice asks of a city bureau itself, beside its bases: 「各市商务局、山西综改示范区管委会可择优推荐1—2家」
 * new bases. A city that recommends more gets a warning (the experts and staff decide; the system does not refuse).
 */
import type { Base, City, Round } from './catalogue.ts';
import { type Finding, finding } from './findings.ts';

/** New bases a city may recommend in one round (「可择优推荐1—2家」). */
export const MAX_NEW_BASES_PER_CITY = 2;

/** The bases a city recommends this round (category `new`, registered by staff), in registry order. */
export function newBasesOf(city: Pick<City, 'id'>, registry: readonly Base[]): Base[] {
  return registry.filter((b) => b.city === city.id && b.category === 'new' && b.participating);
}

/** How the notice addresses a city-level unit: 「你局」 for a 市商务局, 「你委」 for the 综改示范区管委会. */
export function addressOf(city: Pick<City, 'bureau'>): '你局' | '你委' {
  return /委(员)?会$/.test(city.bureau) ? '你委' : '你局';
}

/**
 * Findings about a city's own part: more new bases than the notice allows. The message names no bureau: it is read
 * in the bureau's own digest (「推荐数量：本轮新推荐…」, where 「太原市商务局本轮…」 would speak of the addressee in the
 * third person) and beside the city's name on staff pages and in the export.
 */
export function cityFindings(_round: Round, city: City, registry: readonly Base[]): Finding[] {
  const recommended = newBasesOf(city, registry);
  if (recommended.length <= MAX_NEW_BASES_PER_CITY) return [];
  return [
    finding(
      'city.too-many-recommended',
      `本轮新推荐参评基地${recommended.length}家（${recommended.map((b) => b.name).join('、')}），超过通知“可择优推荐1—2家”的数量，请在正式公函中择优确定并排序。`,
      { messageEn: `The city recommends ${recommended.length} new bases; the notice allows 1-2.` },
    ),
  ];
}
