// Minimal typings for word-extractor, which ships none: the parts the self-assessment reader uses.
declare module 'word-extractor' {
  interface ExtractedDocument {
    /** The main text; paragraphs end in \n, table cells in \t. */
    getBody(options?: { filterUnicode?: boolean }): string;
    getFootnotes(options?: { filterUnicode?: boolean }): string;
    getEndnotes(options?: { filterUnicode?: boolean }): string;
    getHeaders(options?: { filterUnicode?: boolean; includeFooters?: boolean }): string;
    getFooters(options?: { filterUnicode?: boolean }): string;
    getAnnotations(options?: { filterUnicode?: boolean }): string;
    getTextboxes(options?: {
      filterUnicode?: boolean;
      includeHeadersAndFooters?: boolean;
      includeBody?: boolean;
    }): string;
  }
  /** Reads .doc (OLE2) and .docx files from a path or a buffer. */
  class WordExtractor {
    extract(source: string | Buffer): Promise<ExtractedDocument>;
  }
  export default WordExtractor;
}
