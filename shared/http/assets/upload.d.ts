/**
 * The type of ./upload.js as ../upload-script.ts imports it: its text, inlined by esbuild (`with { type: 'text' }`);
 * from the sources Node refuses that import and the text is read from disk.
 */
declare const text: string;
export default text;
