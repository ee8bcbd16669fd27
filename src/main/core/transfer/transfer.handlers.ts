import { IMPORT_TEMPLATE_CSV, IMPORT_TEMPLATE_NAME } from '../../../shared/import-format';
import type { DomainHandlers } from '../handlers';
import type { ExportService } from './export.service';
import type { ImportService } from './import.service';

/** The transfer channels: export, bulk import (preview, commit) and the import template. */
export function createTransferHandlers(exports: ExportService, imports: ImportService): DomainHandlers<'transfer'> {
  return {
    'transfer:export': (input) => exports.export(input),
    'transfer:importPreview': (input) => imports.preview(input),
    'transfer:importCommit': (input) => imports.commit(input),
    'transfer:template': () => ({ fileName: IMPORT_TEMPLATE_NAME, csv: IMPORT_TEMPLATE_CSV }),
  };
}
