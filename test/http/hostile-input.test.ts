import { describe, expect, it } from 'vitest'
import { startTestGateway } from '../support/test-gateway.ts'

describe('hostile and malformed input', () => {
  it('never answers 5xx and stores nothing for a rejected message', async () => {
    const gw = await startTestGateway()
    const bodies = [
      'null',
      '[]',
      '"x"',
      '1',
      '{}',
      '{"channel":null}',
      '{"channel":"email","to":{"a":1},"content":{"subject":"s","text":"t"}}',
      '{"channel":"email","to":"a@b.co","template":"../../etc/passwd"}',
      `{"channel":"sms","to":"+1555123","content":{"body":"${'x'.repeat(2000)}"}}`,
      '{"channel":"push","to":{"token":"t","platform":"web"},"content":{"title":"x"}}',
      '{"channel":"action","to":"ftp://x","action":{}}',
      '{"channel":"action","to":"https://example.com","action":{"body":{"a":{"$b":1}}}}',
      '{"channel":"campaign","to":"x","template":"t"}',
      '{"channel":"email","to":"a@b.co","content":{"subject":"s","text":"t","attachments":[{"filename":"a","contentType":"x","contentBase64":"!!"}]}}',
      '{"channel":"mms","to":"+15551234567","content":{"mediaUrls":[]}}',
      '{"channel":"email","to":"a@b.co","content":{"subject":"s","text":"t"},"sendAt":"tomorrow"}',
      '{"channel":"email","to":"a@b.co","content":{"subject":"s","text":"t"},"data":' +
        '['.repeat(5000) +
        ']'.repeat(5000) +
        '}',
      '{"__proto__":{"x":1},"channel":"email","to":"a@b.co","content":{"subject":"s","text":"t"}}',
    ]
    for (const b of bodies) {
      const r = await gw.call('POST', '/v1/messages', b, { 'content-type': 'application/json' })
      expect(r.status, `${b.slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`).toBeLessThan(500)
      if (r.status >= 400) expect(r.headers.get('content-type')).toContain('application/problem+json')
    }
    const stored = await gw.call('GET', '/v1/messages?limit=1000')
    expect(stored.json.items).toHaveLength(0)
    for (const [m, p, b] of [
      ['POST', '/v1/messages/batch', '{"messages":[null, 1, "x", {}]}'],
      ['POST', '/v1/suppressions', '[{"type":"email","value":"x"}]'],
      ['POST', '/v1/suppressions', '{}'],
      ['PUT', '/v1/allowlist', '{"enabled":"yes"}'],
      ['POST', '/v1/endpoint-configs', '[]'],
      ['PUT', '/v1/consents/fax/x', '{"marketing":true}'],
      ['GET', '/v1/messages?limit=0', undefined],
      ['GET', '/v1/messages?since=garbage', undefined],
      ['POST', '/v1/messages/replay', '{}'],
      ['POST', '/ajo/im/executions/unitary', '{"recipients":"x"}'],
      ['POST', '/v1/campaign/EVTx', '{"email":1}'],
      ['POST', '/v1/campaign/bad', '{}'],
      ['PUT', '/v1/callbacks', '{"url":"javascript:alert(1)"}'],
    ] as const) {
      const r = await gw.call(m, p, b, b ? { 'content-type': 'application/json' } : {})
      expect(r.status, `${m} ${p} ${b} → ${r.status} ${r.text.slice(0, 200)}`).toBeLessThan(500)
    }
    await gw.stop()
  })
})
