import { describe, expect, it } from 'vitest'
import { checkActionRequest, checkCallbackUrl, isForbiddenAddress } from '../../../src/domain/action-url.ts'

const strict = { allowPrivate: false }
const open = { allowPrivate: true }
const paths = (errors: { path: string }[]) => errors.map((e) => e.path)

describe('checkActionRequest', () => {
  it('accepts a plain public https action', () => {
    const request = {
      url: 'https://api.example.com:443/hook?id=1',
      method: 'POST',
      headers: { Authorization: 'Bearer x', 'X-Trace': '1' },
      body: { a: { b: [1, { c: null }] }, 'key-with-dash': 'ok', dollar$inside: 1 },
    }
    expect(checkActionRequest(request, strict)).toEqual([])
  })

  it.each([
    ['https://10.1.2.3/', 'may not be an IP address'],
    ['http://127.0.0.1/', 'may not be an IP address'],
    ['http://127.1/', 'may not be an IP address'],
    ['http://0x7f000001/', 'may not be an IP address'],
    ['https://[::1]/', 'may not be an IP address'],
    ['https://169.254.169.254/', 'may not be an IP address'],
    ['http://user:pw@example.com/', 'may not contain user information'],
    ['https://example.com:8443/', 'port must be 80 or 443'],
    ['ftp://example.com/', 'must use http or https'],
    ['https://api.adobe.io/', 'may not be an Adobe host (.adobe.*)'],
    ['https://adobe.io/', 'may not be an Adobe host (.adobe.*)'],
    ['https://x.adobe.com./', 'may not be an Adobe host (.adobe.*)'],
    ['https://example.com/?.q=1', 'query key ".q" may not start with "." or "$"'],
    ['https://example.com/?%24q=1', 'query key "$q" may not start with "." or "$"'],
    ['not a url', 'must be an absolute http(s) URL'],
  ])('refuses %s', (url, message) => {
    expect(checkActionRequest({ url }, strict)).toEqual([{ path: 'to', message }])
  })

  it('allows adobe as the last label or inside a label', () => {
    expect(checkActionRequest({ url: 'https://notadobe.com/' }, strict)).toEqual([])
    expect(checkActionRequest({ url: 'https://example.adobe/' }, strict)).toEqual([])
  })

  it('lets allowPrivate lift the port and IP-literal rules only', () => {
    expect(checkActionRequest({ url: 'http://127.0.0.1:8080/' }, open)).toEqual([])
    expect(checkActionRequest({ url: 'https://[::1]:8443/' }, open)).toEqual([])
    expect(paths(checkActionRequest({ url: 'http://u:p@127.0.0.1:8080/' }, open))).toEqual(['to'])
    expect(paths(checkActionRequest({ url: 'https://api.adobe.io/' }, open))).toEqual(['to'])
    expect(paths(checkActionRequest({ url: 'http://127.0.0.1:8080/?$x=1' }, open))).toEqual(['to'])
  })

  it('refuses methods other than POST, PUT, GET', () => {
    expect(checkActionRequest({ url: 'https://example.com/', method: 'DELETE' }, strict)).toEqual([
      { path: 'action.method', message: 'must be one of POST, PUT, GET' },
    ])
    for (const method of ['POST', 'PUT', 'GET']) {
      expect(checkActionRequest({ url: 'https://example.com/', method }, strict)).toEqual([])
    }
  })

  it('refuses header names starting with . or $, invalid names and framing headers', () => {
    const headers = { $x: '1', '.y': '2', 'bad name': '3', 'Content-Length': '4', ok: 'a\r\nb' }
    expect(paths(checkActionRequest({ url: 'https://example.com/', headers }, strict))).toEqual([
      'action.headers.$x',
      'action.headers..y',
      'action.headers.bad name',
      'action.headers.Content-Length',
      'action.headers.ok',
    ])
  })

  it('refuses body keys with a dot or a leading $, at any depth', () => {
    const body = { 'a.b': 1, $a: 2, nested: { deep: { $c: 3 } }, list: [{ 'd.e': 4 }, 5, [{ $f: 6 }]] }
    expect(paths(checkActionRequest({ url: 'https://example.com/', body }, strict))).toEqual([
      'action.body.a.b',
      'action.body.$a',
      'action.body.nested.deep.$c',
      'action.body.list.0.d.e',
      'action.body.list.2.0.$f',
    ])
  })

  it('reports every problem at once', () => {
    const errors = checkActionRequest(
      { url: 'http://u@10.0.0.1:22/', method: 'PATCH', headers: { $h: 'v' }, body: { $b: 1 } },
      strict,
    )
    expect(paths(errors)).toEqual(['to', 'to', 'to', 'action.method', 'action.headers.$h', 'action.body.$b'])
  })
})

describe('checkCallbackUrl', () => {
  it('applies the URL rules under the callbackUrl path', () => {
    expect(checkCallbackUrl('https://client.example.com/sendgate-events', strict)).toEqual([])
    expect(checkCallbackUrl('http://192.168.1.1/', strict)).toEqual([
      { path: 'callbackUrl', message: 'may not be an IP address' },
    ])
    expect(checkCallbackUrl('http://192.168.1.1:3000/', open)).toEqual([])
  })
})

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '::1',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    'fe80::1',
    'fe80::1%eth0',
    '100.64.0.1',
    '100.127.255.255',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:8.8.8.8',
    '::ffff:0:0',
    '0.0.0.0',
    '0.1.2.3',
    '::',
    '224.0.0.1',
    '239.255.255.250',
    'ff02::1',
    '255.255.255.255',
    '240.0.0.1',
    '192.0.0.8',
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    '198.18.0.1',
    '198.19.255.255',
    '64:ff9b::808:808',
    '2001::1',
    '2001:1ff::1',
    '2001:db8::1',
    '2002:7f00:1::1',
    '100::1',
    'not-an-ip',
    '',
  ])('forbids %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true)
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '192.169.0.1',
    '198.20.0.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '2a00:1450:4001::200e',
  ])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false)
  })
})
