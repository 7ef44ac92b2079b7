import { normalizeBaseName } from '../domain/base-names.ts';
import type { Base } from '../domain/catalogue.ts';
import type { UsingRecords } from './context.ts';

/**
 * The bases of the round: Annex 4 from the round data plus those staff registered during the round. A base that
 * takes no part (取消称号) and that staff registered again as a city's new recommendation (excluded.ts) appears once,
 * as the new base: later mail then matches it, not the cancelled entry. With `city`, that city's bases only, read
 * without the other cities' (a registration replaces a cancelled base of its own city).
 */
export async function listRegistry(
  ctx: UsingRecords<'registeredBases', 'round'>,
  scope: { city?: string } = {},
): Promise<Base[]> {
  const all = await listRoundRegistry(ctx, scope);
  const registeredNames = new Set(
    all.filter((b) => b.id.startsWith('n-') && b.participating).map((b) => normalizeBaseName(b.name)),
  );
  return all.filter((b) => b.participating || !registeredNames.has(normalizeBaseName(b.name)));
}

/** Every base of the round, the cancelled entries that a registered base replaced included. */
export async function listRoundRegistry(
  ctx: UsingRecords<'registeredBases', 'round'>,
  scope: { city?: string } = {},
): Promise<Base[]> {
  const registered = await ctx.records.registeredBases.list(ctx.round.id, scope.city);
  const known = new Set(ctx.round.bases.map((base) => base.id));
  const roundBases = scope.city ? ctx.round.bases.filter((base) => base.city === scope.city) : ctx.round.bases;
  return [...roundBases, ...registered.filter((base) => !known.has(base.id))];
}
