import type { VocabularyWord } from '../../../domain/records.ts';
import type { VocabularyRecords } from '../../../ports/records/vocabulary.ts';
import { Partitions } from './keyed.ts';

/** Vocabulary words in memory: one per (round, indicator, word). */
export class MemoryVocabulary implements VocabularyRecords {
  private readonly words = new Partitions<VocabularyWord>();

  async save(word: VocabularyWord, options: { onlyNew?: boolean } = {}): Promise<boolean> {
    const sk = `${word.indicator}#${word.word}`;
    if (options.onlyNew && this.words.has(word.roundId, sk)) return false;
    this.words.set(word.roundId, sk, word);
    return true;
  }

  async list(roundId: string): Promise<VocabularyWord[]> {
    return this.words.list(roundId);
  }
}
