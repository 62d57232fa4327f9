/**
 * CSV cells that spreadsheets cannot run. Excel, LibreOffice and Google Sheets read a cell that
 * begins with `=`, `+`, `-`, `@`, tab or CR (or the full-width forms some of them normalise) as a
 * formula, so a value an attacker stored (a CI name, a field an appliance reported) would run on
 * the machine of whoever opens the export. Following OWASP's CSV Injection guidance, such a cell
 * gets a leading `'` (shown as text, not evaluated) and every cell is double-quoted, so a `;` or
 * `,` in a value cannot start a new cell in a spreadsheet that splits on another separator.
 *
 * The prefix must be reversible, or importing an export would change data: a value that already
 * begins with apostrophes before a formula character (`'=x`) gets one more, and `csvValue` strips
 * exactly one apostrophe from exactly those cells. A value like `'abc` is written and read as is.
 */

const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/
const ESCAPED = /^'(?='*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20])/

export type CsvValue = string | number | boolean | null | undefined

/** One cell as written to a CSV file: neutralised and quoted. A finite number is a number in any spreadsheet, so `-5` stays as it is. */
export function csvCell (value: CsvValue): string {
  if (value === null || value === undefined) return '""'
  const text = String(value)
  const number = typeof value === 'number' && Number.isFinite(value)
  const safe = !number && FORMULA_START.test(text) ? `'${text}` : text
  return `"${safe.replaceAll('"', '""')}"`
}

/** One record: quoted cells, comma-separated, CRLF-terminated (RFC 4180). */
export function csvRow (values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + '\r\n'
}

/** The original value of a cell an importer parsed from a file `csvCell` wrote: undoes its prefix, nothing else. */
export function csvValue (cell: string): string {
  return ESCAPED.test(cell) ? cell.slice(1) : cell
}
