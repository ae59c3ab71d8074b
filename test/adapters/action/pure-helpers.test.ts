import { describe, expect, it } from 'vitest'
import { dropNullItems } from '../../../adapters/action/http/drop-null-items.ts'
import { parseRetryAfter } from '../../../adapters/action/http/retry-after.ts'
import { checkedTarget } from '../../../adapters/action/http/safe-http-client.ts'

describe('dropNullItems', () => {
  it('removes null array items at any depth and keeps everything else', () => {
    const value = { a: [1, null, 2], b: null, c: { d: [null, { e: [null] }, [null, 'x']] }, f: 'text', g: 0 }
    expect(dropNullItems(value)).toEqual({ a: [1, 2], b: null, c: { d: [{ e: [] }, ['x']] }, f: 'text', g: 0 })
  })

  it('leaves scalars and the input alone', () => {
    const input = [null, 1]
    expect(dropNullItems(input)).toEqual([1])
    expect(input).toEqual([null, 1])
    expect(dropNullItems(null)).toBe(null)
    expect(dropNullItems('s')).toBe('s')
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0)
  it('reads delay seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter(new Date(now + 5_000).toUTCString(), now)).toBe(5_000)
    expect(parseRetryAfter(new Date(now - 5_000).toUTCString(), now)).toBe(0)
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000)
  })

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-1', now)).toBeUndefined()
  })
})

describe('checkedTarget (redirect targets)', () => {
  const from = new URL('https://hooks.example.com/a/b')
  it('resolves relative locations and applies the static rules', () => {
    const relative = checkedTarget('../c?x=1', from, { allowPrivate: false })
    expect(relative).toEqual({ ok: true, url: new URL('https://hooks.example.com/c?x=1') })
  })

  it.each([
    'http://127.0.0.1:4000/',
    'http://127.0.0.1/',
    'https://[::ffff:127.0.0.1]/',
    'https://hooks.example.com:8443/',
    'https://api.adobe.io/',
    'http://user:pw@hooks.example.com/',
    'file:///etc/passwd',
  ])('refuses %s when allowPrivate is false', (location) => {
    const result = checkedTarget(location, from, { allowPrivate: false })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.detail).toMatch(/^redirect target /)
  })
})
