import { describe, expect, it } from 'vitest'
import { ContentLimitError } from '../../src/domain/errors.ts'
import { checkContentLimits, smsSegments } from '../../src/templating/content-limits.ts'

const MB = 1024 * 1024

describe('smsSegments', () => {
  it('fits 160 GSM-7 characters in one segment and splits at 161', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ segments: 1, encoding: 'GSM-7' })
    expect(smsSegments('a'.repeat(161))).toEqual({ segments: 2, encoding: 'GSM-7' })
    expect(smsSegments('a'.repeat(306))).toEqual({ segments: 2, encoding: 'GSM-7' })
    expect(smsSegments('a'.repeat(307))).toEqual({ segments: 3, encoding: 'GSM-7' })
  })

  it('counts GSM-7 extension characters like € twice', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ segments: 1, encoding: 'GSM-7' })
    expect(smsSegments('€'.repeat(81))).toEqual({ segments: 2, encoding: 'GSM-7' })
    expect(smsSegments(`${'a'.repeat(159)}€`)).toEqual({ segments: 2, encoding: 'GSM-7' })
  })

  it('switches to UCS-2 for one emoji: 70 per single segment, 67 per part', () => {
    expect(smsSegments('Hi 😀')).toEqual({ segments: 1, encoding: 'UCS-2' })
    expect(smsSegments('ç'.repeat(70))).toEqual({ segments: 1, encoding: 'UCS-2' })
    expect(smsSegments('ç'.repeat(71))).toEqual({ segments: 2, encoding: 'UCS-2' })
    expect(smsSegments('ç'.repeat(134))).toEqual({ segments: 2, encoding: 'UCS-2' })
    expect(smsSegments('ç'.repeat(135))).toEqual({ segments: 3, encoding: 'UCS-2' })
  })
})

describe('checkContentLimits', () => {
  const refused = (fn: () => void): ContentLimitError => {
    try {
      fn()
    } catch (error) {
      expect(error).toBeInstanceOf(ContentLimitError)
      expect(error).toMatchObject({ status: 422, code: 'CONTENT_LIMIT' })
      return error as ContentLimitError
    }
    return expect.unreachable('not refused')
  }

  it('accepts email up to 2 MB and refuses 2.1 MB, saying limit and size', () => {
    expect(() => checkContentLimits('email', { subject: 'S', html: 'x'.repeat(2 * MB - 1) })).not.toThrow()
    const html = 'x'.repeat(Math.round(2.1 * MB))
    const error = refused(() => checkContentLimits('email', { subject: 'S', html }))
    expect(error.message).toContain(String(2 * MB))
    expect(error.message).toContain(String(html.length + 1))
  })

  it('counts email UTF-8 bytes across subject, html and text', () => {
    const oneMbOfEuros = '€'.repeat(MB / 3 + 1) // 3 bytes each
    expect(() => checkContentLimits('email', { html: oneMbOfEuros, text: 'x'.repeat(MB) })).toThrow(ContentLimitError)
    expect(() => checkContentLimits('email', { subject: 'ü'.repeat(MB / 2), html: 'x'.repeat(MB + 1) })).toThrow(
      ContentLimitError,
    )
  })

  it('counts attachments by their decoded size', () => {
    const attachment = (bytes: number) => ({
      filename: 'a.bin',
      contentType: 'application/octet-stream',
      contentBase64: Buffer.alloc(bytes, 7).toString('base64'),
    })
    expect(() => checkContentLimits('email', { text: 'x', attachments: [attachment(2 * MB - 1)] })).not.toThrow()
    const error = refused(() => checkContentLimits('email', { text: 'xx', attachments: [attachment(2 * MB - 1)] }))
    expect(error.message).toContain(`${2 * MB + 1} bytes`)
    // The base64 text itself is a third larger than the limit allows, but only decoded bytes count.
    expect(() => checkContentLimits('email', { attachments: [attachment(1.5 * MB)] })).not.toThrow()
  })

  it('refuses a push payload over 4096 bytes of JSON', () => {
    const push = (body: string) => ({ push: { title: 'T', body } })
    const fits = 4096 - JSON.stringify(push('').push).length
    expect(() => checkContentLimits('push', push('x'.repeat(fits)))).not.toThrow()
    refused(() => checkContentLimits('push', push('x'.repeat(fits + 1))))
    const error = refused(() => checkContentLimits('push', push('x'.repeat(4100))))
    expect(error.message).toMatch(/Push payload is 4\d{3} bytes of JSON, over the 4096-byte limit/)
    // UTF-8 bytes count, not characters.
    refused(() => checkContentLimits('push', { push: { body: '€'.repeat(1400) } }))
  })

  it('refuses an SMS body over 1600 UTF-16 code units', () => {
    expect(() => checkContentLimits('sms', { body: 'x'.repeat(1600) })).not.toThrow()
    const error = refused(() => checkContentLimits('sms', { body: 'x'.repeat(1601) }))
    expect(error.message).toBe('SMS body is 1601 UTF-16 code units, over the 1600 limit')
    refused(() => checkContentLimits('sms', { body: '😀'.repeat(801) }))
  })

  it('needs 1 to 10 media URLs for MMS and keeps the body limit', () => {
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://media.example/${i}.jpg`)
    expect(() => checkContentLimits('mms', { mediaUrls: urls(1) })).not.toThrow()
    expect(() => checkContentLimits('mms', { mediaUrls: urls(10), body: 'x'.repeat(1600) })).not.toThrow()
    expect(refused(() => checkContentLimits('mms', { mediaUrls: urls(11) })).message).toBe(
      'MMS needs 1 to 10 media URLs, got 11',
    )
    refused(() => checkContentLimits('mms', { body: 'x' }))
    refused(() => checkContentLimits('mms', { mediaUrls: urls(1), body: 'x'.repeat(1601) }))
  })

  it('has no content limit for actions and campaign events', () => {
    expect(() => checkContentLimits('action', { json: { big: 'x'.repeat(3 * MB) } })).not.toThrow()
    expect(() => checkContentLimits('campaign', { eventType: 'E', ctx: {} })).not.toThrow()
  })
})
