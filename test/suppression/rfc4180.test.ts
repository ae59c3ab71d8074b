import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvLine, parseCsv } from '../../src/suppression/rfc4180.ts'

describe('parseCsv', () => {
  it('splits records and fields, CRLF or LF, skipping blank lines', () => {
    expect(parseCsv('a,b,c\r\n\r\nd,e\nf\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 3, fields: ['d', 'e'] },
      { line: 4, fields: ['f'] },
    ])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks, counting lines from the record start', () => {
    const text =
      'email,a@x.test,manual,"says ""hi"", twice"\nemail,b@x.test,manual,"two\nlines"\nphone,+14155552671,manual,'
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['email', 'a@x.test', 'manual', 'says "hi", twice'] },
      { line: 2, fields: ['email', 'b@x.test', 'manual', 'two\nlines'] },
      { line: 4, fields: ['phone', '+14155552671', 'manual', ''] },
    ])
  })

  it('keeps a stray quote inside an unquoted field and survives an unterminated quote', () => {
    expect(parseCsv('a"b,c\n"open,d')).toEqual([
      { line: 1, fields: ['a"b', 'c'] },
      { line: 2, fields: ['open,d'] },
    ])
  })

  it('drops a byte order mark', () => {
    expect(parseCsv('\ufefftype,value\n')).toEqual([{ line: 1, fields: ['type', 'value'] }])
  })

  it('reads back whatever csvLine writes', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é') })
    const row = fc.array(field, { minLength: 2, maxLength: 5 })
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), (rows) => {
        const parsed = parseCsv(rows.map((r) => csvLine(r)).join(''))
        expect(parsed.map((r) => r.fields)).toEqual(rows)
      }),
    )
  })
})
