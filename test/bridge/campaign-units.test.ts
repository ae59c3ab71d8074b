import { describe, expect, it } from 'vitest'
import { stringifyContext } from '../../src/bridge/ajo/ajo-execution.ts'
import { ctxToData } from '../../src/bridge/campaign/ctx-data.ts'
import { parseEventDate } from '../../src/bridge/campaign/event-dates.ts'
import { isEventPKey, newEventPKey } from '../../src/bridge/campaign/event-pkey.ts'
import { eventStatusOf } from '../../src/bridge/campaign/event-status.ts'
import { kebabEventType } from '../../src/bridge/campaign/event-template.ts'
import { childOf, decodeXmlText, parseUntrustedXml } from '../../src/bridge/campaign/safe-xml.ts'

describe('event type → template name', () => {
  it('kebab-cases at lower→upper boundaries and turns _ into -', () => {
    expect(kebabEventType('cartAbandonment')).toBe('cart-abandonment')
    expect(kebabEventType('accEvent')).toBe('acc-event')
    expect(kebabEventType('order_confirmation')).toBe('order-confirmation')
    expect(kebabEventType('passwordReset2Step')).toBe('password-reset2-step')
    expect(kebabEventType('ALLCAPS')).toBe('allcaps')
  })
})

describe('event status from the message', () => {
  it('maps every message status', () => {
    const of = (status: string, code?: string) =>
      eventStatusOf({ status, ...(code ? { error: { code, detail: '' } } : {}) } as never)
    expect(of('queued')).toBe('pending')
    expect(of('throttled')).toBe('pending')
    expect(of('sending')).toBe('processing')
    expect(of('retrying')).toBe('processing')
    expect(of('sent')).toBe('processed')
    expect(of('delivered')).toBe('processed')
    expect(of('suppressed')).toBe('ignored')
    expect(of('failed', 'HARD_BOUNCE')).toBe('deliveryFailed')
    expect(of('failed', 'TIMEOUT')).toBe('tooOld')
    expect(of('failed', 'EXPIRED')).toBe('tooOld')
    expect(of('expired', 'EXPIRED')).toBe('tooOld')
    expect(of('capped', 'CAPPED')).toBe('deliveryFailed')
  })
})

describe('event dates', () => {
  it('accepts T or a space, with or without zone (UTC)', () => {
    expect(parseEventDate('2026-12-01T10:00:00Z')).toBe('2026-12-01T10:00:00.000Z')
    expect(parseEventDate('2026-12-01 10:00:00.123Z')).toBe('2026-12-01T10:00:00.123Z')
    expect(parseEventDate('2026-12-01 10:00:00')).toBe('2026-12-01T10:00:00.000Z')
    expect(parseEventDate('2026-12-01 12:00:00+0200')).toBe('2026-12-01T10:00:00.000Z')
    expect(parseEventDate('2026-12-01')).toBe('2026-12-01T00:00:00.000Z')
    expect(parseEventDate('tomorrow')).toBeNull()
    expect(parseEventDate('2026-13-45 10:00')).toBeNull()
  })
})

describe('PKeys', () => {
  it('are positive integers ≤ 2^53−1', () => {
    for (let i = 0; i < 200; i++) {
      const k = newEventPKey()
      expect(isEventPKey(k)).toBe(true)
      expect(Number.isSafeInteger(Number(k))).toBe(true)
      expect(Number(k)).toBeGreaterThan(0)
    }
    expect(isEventPKey('0')).toBe(false)
    expect(isEventPKey('9007199254740992')).toBe(false)
  })
})

describe('untrusted XML', () => {
  it('decodes predefined and numeric entities once, nothing else', () => {
    expect(decodeXmlText('a &amp;lt; b &#x41;&#66; &unknown; &#0;')).toBe('a &lt; b AB &unknown; &#0;')
  })

  it('refuses DOCTYPE/ENTITY, empty, malformed and too deep documents', () => {
    expect(parseUntrustedXml('<!DOCTYPE x><x/>').ok).toBe(false)
    expect(parseUntrustedXml('<x><!ENTITY a "b"></x>').ok).toBe(false)
    expect(parseUntrustedXml('').ok).toBe(false)
    expect(parseUntrustedXml('<a><b></a>').ok).toBe(false)
    expect(parseUntrustedXml(`${'<a>'.repeat(32)}${'</a>'.repeat(32)}`).ok).toBe(true)
    expect(parseUntrustedXml(`${'<a>'.repeat(33)}${'</a>'.repeat(33)}`).ok).toBe(false)
  })

  it('turns ctx into data: attributes and children as keys, repeats as arrays, text as strings', () => {
    const parsed = parseUntrustedXml(
      '<ctx lang="fr"><firstName>Ana</firstName><order id="7"><line sku="a">Tea</line><line sku="b"/></order><n>42</n><e/></ctx>',
    )
    if (!parsed.ok) throw new Error(parsed.reason)
    expect(ctxToData(childOf(parsed.document, 'ctx'))).toEqual({
      lang: 'fr',
      firstName: 'Ana',
      order: { id: '7', line: [{ sku: 'a', _text: 'Tea' }, { sku: 'b' }] },
      n: '42',
      e: '',
    })
  })
})

describe('AJO context', () => {
  it('renders values as strings, keeping shape', () => {
    expect(stringifyContext({ a: 1, b: true, c: [1, 'x'], d: { e: 2.5 }, f: null })).toEqual({
      a: '1',
      b: 'true',
      c: ['1', 'x'],
      d: { e: '2.5' },
      f: null,
    })
  })
})
