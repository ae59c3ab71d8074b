import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConsoleAssets } from '../../src/http/routes/console.ts'
import { startTestGateway } from '../support/test-gateway.ts'

describe('console static assets', () => {
  let gw: Awaited<ReturnType<typeof startTestGateway>>
  const get = (path: string, headers: Record<string, string> = {}) => gw.gateway.app.request(path, { headers })

  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(async () => {
    await gw.stop()
  })

  it('serves the page without credentials, with a strict content security policy', async () => {
    const redirect = await get('/console')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/console/')

    const res = await get('/console/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(await res.text()).toContain('<script type="module" src="/console/app.js"></script>')
    expect((await get('/console/index.html')).status).toBe(200)
  })

  it('answers each asset with its content type and revalidates with an ETag', async () => {
    const js = await get('/console/pages/messages.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const etag = js.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]{22}"$/)
    const css = await get('/console/app.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')

    const again = await get('/console/pages/messages.js', { 'if-none-match': `W/${etag}` })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect((await get('/console/pages/messages.js', { 'if-none-match': '"other"' })).status).toBe(200)
    const head = await gw.gateway.app.request('/console/app.js', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('etag')).toBeTruthy()
  })

  it('serves nothing outside the console folder', async () => {
    for (const path of [
      '/console/missing.js',
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/pages/',
    ]) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
  })

  it('has every module the pages import, and no remote URL', async () => {
    const assets = loadConsoleAssets()
    const files = (await readdir('console', { recursive: true })).filter(
      (f) => f.endsWith('.js') || f.endsWith('.html'),
    )
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) {
      const text = await readFile(join('console', file), 'utf8')
      expect(text, file).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg|[\w.-]*example\.com)/)
      for (const [, spec] of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = new URL(spec!, `http://x/${file}`).pathname.slice(1)
        expect(assets.has(target), `${file} imports ${spec}`).toBe(true)
      }
    }
  })
})
