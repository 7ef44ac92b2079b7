/**
 * The report-form reader (附件2 经营服务情况报告表), whatever shape a base returns it in. The pipeline, one file a
 * step: `sources/` bring a workbook, CSV, Word or PDF file to grids of cell texts with positions (`model.ts`);
 * the reader finds the items' labels in them and reads each blank's value with where it came from and how.
 */
export {
  IGNORED_NODES,
  MAX_COLUMNS,
  MAX_ROWS,
  MAX_SHEETS,
  parseReportForm,
  type ReportFormCatalogue,
  type ReportFormResult,
} from './reader.ts';
export type { FormValue } from '../../domain/records.ts';
