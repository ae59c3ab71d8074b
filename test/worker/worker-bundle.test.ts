import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWorkerBundle } from './worker-harness.ts'

/** Node-only delivery code that must never reach the Worker (SPEC section 13, STYLE dependency rule). */
const nodeOnlyPackages = ['nodemailer', '@parse/node-apn', 'twilio']
const BUDGET_BYTES = 1024 * 1024

describe('Worker bundle (wrangler deploy --dry-run)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'sendgate-worker-bundle-'))
  let bundle = ''
  let sources: string[] = []

  beforeAll(async () => {
    await buildWorkerBundle(outdir)
    bundle = readFileSync(join(outdir, 'worker.js'), 'utf8')
    sources = (JSON.parse(readFileSync(join(outdir, 'worker.js.map'), 'utf8')) as { sources: string[] }).sources
  }, 180_000)
  afterAll(() => rmSync(outdir, { recursive: true, force: true }))

  it('contains none of the Node-only delivery packages, and no adapter', () => {
    expect(sources.length).toBeGreaterThan(100)
    for (const name of nodeOnlyPackages) expect(sources.filter((s) => s.includes(`node_modules/${name}/`))).toEqual([])
    expect(sources.filter((s) => /(^|\/)adapters\//.test(s))).toEqual([])
    expect(sources.some((s) => s.endsWith('src/worker/worker.ts'))).toBe(true)
  })

  it('renders with the Handlebars runtime only: no compiler in the bundle', () => {
    const handlebars = sources.filter((s) => s.includes('node_modules/handlebars/'))
    expect(handlebars.some((s) => s.endsWith('handlebars.runtime.js'))).toBe(true)
    expect(handlebars.filter((s) => s.includes('/compiler/'))).toEqual([])
    expect(bundle).toContain('"order-confirmation"')
  })

  it(`fits the budget of ${BUDGET_BYTES / 1024} KB gzipped`, () => {
    const gzipped = gzipSync(bundle).length
    console.warn(
      `Worker bundle: ${(bundle.length / 1024).toFixed(0)} KB, ${(gzipped / 1024).toFixed(0)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`,
    )
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES)
  })
})
