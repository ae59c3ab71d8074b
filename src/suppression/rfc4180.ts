/** One CSV record and the 1-based line it starts on (quoted fields may span lines). */
export interface CsvRecord {
  line: number
  fields: string[]
}

/**
 * RFC 4180 records: fields split on commas, `"` quoting with `""` for a quote, CRLF or LF line ends.
 * Lenient where the RFC is strict, so one bad row never spoils the file: a quote inside an unquoted
 * field is kept as text, text after a closing quote is appended, an unterminated quote runs to the end.
 * Blank lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let fields: string[] = []
  let field = ''
  let line = 1
  let start = 1
  let i = 0
  const endRecord = () => {
    fields.push(field)
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields })
    fields = []
    field = ''
  }
  while (i < input.length) {
    const ch = input[i]
    if (ch === '"' && field === '') {
      i++
      for (;;) {
        if (i >= input.length) break
        const q = input[i]
        if (q === '"') {
          if (input[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        if (q === '\n') line++
        field += q
        i++
      }
      continue
    }
    if (ch === ',') {
      fields.push(field)
      field = ''
      i++
    } else if (ch === '\r' || ch === '\n') {
      i += ch === '\r' && input[i + 1] === '\n' ? 2 : 1
      endRecord()
      line++
      start = line
    } else {
      field += ch
      i++
    }
  }
  if (field !== '' || fields.length > 0) endRecord()
  return records
}

const NEEDS_QUOTES = /[",\r\n]/

/** One CSV line (CRLF-terminated, as RFC 4180 asks); fields quoted only when they must be. */
export function csvLine(fields: ReadonlyArray<string | undefined>): string {
  return `${fields.map((f = '') => (NEEDS_QUOTES.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')}\r\n`
}
