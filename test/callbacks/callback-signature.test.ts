import { describe, expect, it } from 'vitest'
import { signCallback, signingSecretFor, verifyCallbackSignature } from '../../src/callbacks/callback-signature.ts'

describe('callback signatures', () => {
  const secret = signingSecretFor('sb', 'test-secret-0123456789abcdef')
  const body = JSON.stringify({ id: 'msg_1', status: 'sent' })

  it('derives a different hex secret per sandbox and per AUTH_SECRET', () => {
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
    expect(signingSecretFor('other', 'test-secret-0123456789abcdef')).not.toBe(secret)
    expect(signingSecretFor('sb', 'another-secret-0123456789')).not.toBe(secret)
    expect(signingSecretFor('sb', 'test-secret-0123456789abcdef')).toBe(secret)
  })

  it('signs t.body and verifies within the tolerance only', () => {
    const header = signCallback(body, secret, 1_700_000_000.7)
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/)
    expect(verifyCallbackSignature(header, body, secret, 300, 1_700_000_100)).toBe(true)
    expect(verifyCallbackSignature(header, body, secret, 300, 1_700_000_301)).toBe(false)
    expect(verifyCallbackSignature(header, `${body}x`, secret, 300, 1_700_000_000)).toBe(false)
    expect(
      verifyCallbackSignature(header.replace('t=1700000000', 't=1700000001'), body, secret, 300, 1_700_000_000),
    ).toBe(false)
  })

  it('accepts any of several v1 values (secret rotation) and refuses malformed headers', () => {
    const good = signCallback(body, secret, 1_700_000_000)
    const v1 = good.split('v1=')[1]
    const rotated = `t=1700000000,v1=${'0'.repeat(64)},v1=${v1}`
    expect(verifyCallbackSignature(rotated, body, secret, 300, 1_700_000_000)).toBe(true)
    for (const header of [undefined, '', 't=1700000000', `v1=${v1}`, `t=abc,v1=${v1}`, `t=1700000000,v1=${v1}zz`])
      expect(verifyCallbackSignature(header, body, secret, 300, 1_700_000_000)).toBe(false)
  })
})
