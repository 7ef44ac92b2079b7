import type { VocabularyWord } from '../../../domain/records.ts';
import type { VocabularyRecords } from '../../../ports/records/vocabulary.ts';
import { ABSENT, partition, type SingleTable } from './single-table.ts';

/** Vocabulary words: VOCAB#<roundId>/<indicator>#<word>. */
export class DynamoDbVocabulary implements VocabularyRecords {
  constructor(private readonly table: SingleTable) {}

  async save(word: VocabularyWord, options: { onlyNew?: boolean } = {}): Promise<boolean> {
    const item = { pk: `VOCAB#${word.roundId}`, sk: `${word.indicator}#${word.word}`, data: word };
    if (!options.onlyNew) {
      await this.table.put(item);
      return true;
    }
    return this.table.putIf(item, ABSENT);
  }

  async list(roundId: string): Promise<VocabularyWord[]> {
    return this.table.query<VocabularyWord>(partition(`VOCAB#${roundId}`));
  }
}
