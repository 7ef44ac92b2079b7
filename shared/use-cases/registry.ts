import type { Base } from '../domain/catalogue.ts';
import type { AppContext } from './context.ts';

/** The bases of the round: Annex 4 from the round data plus those staff registered during the round. */
export async function listRegistry(ctx: AppContext): Promise<Base[]> {
  const registered = await ctx.records.listRegisteredBases(ctx.round.id);
  const known = new Set(ctx.round.bases.map((base) => base.id));
  return [...ctx.round.bases, ...registered.filter((base) => !known.has(base.id))];
}
