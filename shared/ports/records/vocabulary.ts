import type { VocabularyWord } from '../../domain/records.ts';

/** Vocabulary words of a round: one per (round, indicator, word). */
export interface VocabularyRecords {
  /**
   * Stores a word; with `onlyNew`, only when no word of that indicator and text is stored yet (false then).
   */
  save(word: VocabularyWord, options?: { onlyNew?: boolean }): Promise<boolean>;
  /** The words of a round, proposed, accepted and rejected, by indicator and word. */
  list(roundId: string): Promise<VocabularyWord[]>;
}
