import { mkdir } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { type Browser, chromium, type Page } from 'playwright-core'
import { ADMIN, startTestGateway } from '../support/test-gateway.ts'

export const SCREENSHOTS = 'test-output/console'

/** Route groups the console calls, each with a path that shows whether app.ts already mounts it. */

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * A test gateway listening on a real port, Debian's Chromium driving the console at 1280×800, and a few
 * page helpers. Stop it in afterAll.
 */
export async function startConsole(env: Record<string, string> = {}) {
  const gw = await startTestGateway(env)
  const server = serve({ fetch: gw.gateway.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let browser: Browser | undefined
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs })
  } catch (e) {
    server.close()
    await gw.stop()
    throw e
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await mkdir(SCREENSHOTS, { recursive: true })

  /** Opens a console route (`#/limits`) and waits for its heading. */
  const open = async (hash: string, title: string) => {
    await page.goto(`${base}/console/${hash}`)
    await heading(page, title)
  }

  return {
    gw,
    base,
    page,
    pageErrors,
    open,
    async signIn(key = ADMIN) {
      await page.goto(`${base}/console/`)
      await page.getByLabel('API key').fill(key)
      await page.getByRole('button', { name: 'Sign in' }).click()
    },
    screenshot: (name: string) => page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true }),
    async stop() {
      await browser?.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await gw.stop()
    },
  }
}

/** Waits for the page's h1 to read `title`. */
export async function heading(page: Page, title: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor()
}
