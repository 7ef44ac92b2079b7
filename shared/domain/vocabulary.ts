/**
 * The words bases use for their evidence, as round data (`rounds/<id>/vocabulary.json`): which words point to
 * which indicator and how strongly, which words say only what kind of file it is (明细, 花名册 …), and which
 * indicators one table may serve together (「可以共用一张表格」). The classifier weighs these; adding a word is a
 * data change, and words staff accept from their own classifications join them at run time.
 */
import { z } from 'zod';

/** A group of words pointing to one indicator with one weight (1 weak … 4 decisive). */
export const vocabularyTermSchema = z.object({
  indicator: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** 1: a hint (花名册); 2: names the indicator's subject (主播); 3: names its evidence (主播名单); 4: decisive. */
  weight: z.number().min(0.5).max(4),
  /** Words as bases write them; `*` stands for up to ten other characters (山西*销售 matches 山西特色产品销售额). */
  words: z.array(z.string().min(1)).min(1),
  /**
   * The words count only beside a word of one of these indicators in the same place: they qualify it (黄花, 小米 make
   * a 销售额 the 山西产品's; alone, 黄花.jpg says nothing).
   */
  with: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).optional(),
});
/** Words for one indicator. */
export type VocabularyTerm = z.infer<typeof vocabularyTermSchema>;

export const vocabularySchema = z.object({
  /** Words that say what kind of file it is (明细, 名单, 照片) but not which indicator: never a signal. */
  generic: z.array(z.string().min(1)),
  /**
   * Indicators one table may serve together (「可以共用一张表格」): the roster's own indicator first, then those its
   * columns may serve (employees, then ops-engineers, party-members …).
   */
  shareable: z.array(z.array(z.string()).min(2)),
  /**
   * Indicators that narrow another (`[specific, general]`: 在孵主播 are 主播, 山西产品交易额 is 交易额): when both
   * are heard, the general one does not stand against the specific one — a table of 山西产品名称 | 成交额 is the
   * 山西产品 table.
   */
  refines: z.array(z.tuple([z.string(), z.string()])).default([]),
  terms: z.array(vocabularyTermSchema),
});
/** A round's evidence vocabulary. */
export type Vocabulary = z.infer<typeof vocabularySchema>;

/**
 * One evidence file whose indicators people settled (a labelled name written apart from the vocabulary, or a file
 * staff classified by hand), kept as the signals the classifier reads: the tie-breaker learns from how such files
 * are worded when the vocabulary leaves two indicators close.
 */
export const evidenceExampleSchema = z.object({
  name: z.string().min(1),
  folders: z.array(z.string()).optional(),
  /** The words the mail body gave for it. */
  listedAs: z.string().optional(),
  /** The start of its first page (the classifier learns from the first 80 characters). */
  firstPage: z.string().optional(),
  sheetHeaders: z.array(z.string()).optional(),
  indicators: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1),
});
/** A settled evidence file. */
export type EvidenceExample = z.infer<typeof evidenceExampleSchema>;

/** examples.json: settled evidence files, and where they came from. */
export const evidenceExamplesSchema = z.object({
  /** Where the examples came from and how the file was built (for the person who rebuilds it next year). */
  source: z.string(),
  examples: z.array(evidenceExampleSchema),
});
/** A round's settled evidence files. */
export type EvidenceExamples = z.infer<typeof evidenceExamplesSchema>;
