import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEndpoint } from '../support/http-endpoint.ts'
import { heading, startConsole } from './console-harness.ts'

type Console = Awaited<ReturnType<typeof startConsole>>

const pages: Array<[string, string]> = [
  ['#/messages', 'Messages'],
  ['#/suppression', 'Suppression'],
  ['#/limits', 'Limits'],
  ['#/traffic', 'Traffic'],
  ['#/outbox', 'Outbox'],
]

describe('web console in Chromium', () => {
  let ui: Console

  beforeAll(async () => {
    ui = await startConsole()
  })
  afterAll(async () => {
    await ui?.stop()
  })

  it('refuses a wrong API key with a clear error and signs in with a right one', async () => {
    const { page } = ui
    await ui.signIn('not-a-key')
    const alert = page.getByRole('alert')
    await alert.getByText('did not accept this API key').waitFor()
    expect(await page.evaluate('sessionStorage.length')).toBe(0)
    await ui.screenshot('sign-in-error')

    await ui.signIn()
    await heading(page, 'Messages')
    expect(await page.evaluate("sessionStorage.getItem('sendgate.apiKey')")).toBe('test-admin')
    expect(await page.evaluate('localStorage.length')).toBe(0)
  })

  it('renders every page on an empty store', async () => {
    for (const [hash, title] of pages) {
      await ui.open(hash, title)
      await ui.page.locator('.muted', { hasText: 'Loading…' }).waitFor({ state: 'detached' })
      const errors = await ui.page.locator('main .error').allTextContents()
      expect(errors, `${title}: ${errors.join('; ')}`).toEqual([])
    }
    await ui.open('#/messages', 'Messages')
    await ui.page.getByText('No messages match.').waitFor()
    expect(ui.pageErrors).toEqual([])
  })

  it('finds a bounced message and shows the failure and the suppression in its trace', async () => {
    const { page, gw } = ui
    const sent = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'bounce@simulator.test',
      content: { subject: 'Welcome', html: '<p>Hello</p>' },
    })
    expect(sent.status).toBe(202)
    await gw.waitFor(sent.json.id, ['failed'])

    await ui.open('#/messages', 'Messages')
    await page.getByLabel('Recipient').fill('bounce@simulator.test')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('link', { name: sent.json.id }).click()
    await heading(page, `Message ${sent.json.id}`)

    const facts = page.locator('dl.facts')
    await facts.getByText('failed', { exact: true }).waitFor()
    expect(await facts.textContent()).toContain('HARD_BOUNCE')
    const dispatch = page.locator('.timeline li[data-step="dispatch"]')
    expect(await dispatch.textContent()).toContain('Attempt 1: HARD_BOUNCE: permanent')
    const suppression = page.locator('.timeline li[data-step="suppression"]')
    expect(await suppression.locator('.reason').textContent()).toBe(
      'Added suppression entry email bounce@simulator.test (reason hard_bounce)',
    )
    expect(await page.locator('table', { hasText: 'Delivery attempts' }).textContent()).toContain('HARD_BOUNCE')
    await ui.screenshot('message')

    // Cancel only applies while queued; retry re-queues a failed message (SPEC section 12).
    expect(await page.getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true)
    await page.getByRole('button', { name: 'Retry' }).click()
    await page
      .getByRole('status')
      .getByText(/^Retry: the message is now \w+\.$/)
      .waitFor()
  })

  it('adds and removes a suppression entry', async () => {
    const { page } = ui
    await ui.open('#/suppression', 'Suppression')
    const add = page.getByRole('form', { name: 'Add an entry' })
    await add.getByLabel('Value').fill('Ana@Example.com')
    await add.getByLabel('Comment').fill('asked by phone')
    await add.getByRole('button', { name: 'Add' }).click()
    await page.getByRole('status').getByText('Added email ana@example.com.').waitFor()
    const row = page.locator('tr', { hasText: 'ana@example.com' })
    await row.waitFor()
    expect(await row.textContent()).toContain('asked by phone')

    const find = page.getByRole('form', { name: 'Find an entry' })
    await find.getByLabel('Value').fill('ana@example.com')
    await find.getByRole('button', { name: 'Find' }).click()
    await page.getByText('email ana@example.com is suppressed: manual (asked by phone)').waitFor()
    await ui.screenshot('suppression')

    await page.getByRole('button', { name: 'Delete email ana@example.com' }).click()
    await page.getByRole('status').getByText('Deleted email ana@example.com.').waitFor()
    await row.waitFor({ state: 'detached' })
    expect(await ui.gw.call('GET', '/v1/suppressions/email/ana@example.com').then((r) => r.status)).toBe(404)
  })

  it('imports a CSV and reports its bad line; previews and runs a bulk delete', async () => {
    const { page } = ui
    await ui.open('#/suppression', 'Suppression')
    const csv =
      'type,value,reason\nemail,one@example.com,manual\nemail,examplemail.com,hard_bounce\ndomain,spam.example,complaint\n'
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByRole('button', { name: 'Import' }).click()
    const report = page.locator('.import-report')
    await report.getByText('Imported 2 entries; 1 line failed.').waitFor()
    const failed = report.locator('tbody tr')
    expect(await failed.count()).toBe(1)
    const cells = await failed.locator('td').allTextContents()
    expect(cells[0]).toBe('3')
    expect(cells[1]).toBe('examplemail.com')
    expect(cells[2]).toContain('Invalid format for value: examplemail.com')
    await page.locator('tr', { hasText: 'spam.example' }).waitFor()
    await ui.screenshot('suppression-import')

    const bulk = page.getByRole('form', { name: 'Bulk delete' })
    await bulk.getByLabel('Reason').selectOption('complaint')
    await bulk.getByRole('button', { name: 'Preview count' }).click()
    await page.getByText('1 entry matches.').waitFor()
    expect(await ui.gw.call('GET', '/v1/suppressions/domain/spam.example').then((r) => r.status)).toBe(200)
    await page.getByRole('button', { name: 'Delete 1 entry' }).click()
    await page.getByText('Deleted 1 entry.').waitFor()
    expect(await ui.gw.call('GET', '/v1/suppressions/domain/spam.example').then((r) => r.status)).toBe(404)
  })

  it('deploys a small cap, and its live bar fills when the cap is exceeded', async () => {
    const { page, gw } = ui
    const endpoint = await startEndpoint()
    try {
      await ui.open('#/limits', 'Limits')
      const section = page.locator('section', {
        has: page.getByRole('heading', { name: 'Endpoint configs (capping)' }),
      })
      await section.locator('summary', { hasText: 'Create' }).click()
      const form = section.getByRole('form')
      await form.getByLabel('URL').fill(`${endpoint.url}/*`)
      await form.getByLabel('Max calls').fill('2')
      await form.getByLabel('Period (ms)').fill('60000')
      await form.getByRole('button', { name: 'Create' }).click()
      const row = section.locator('tbody tr', { hasText: endpoint.url })
      await row.getByText('created', { exact: true }).waitFor()
      await row.getByRole('button', { name: /^Deploy / }).click()
      await row.getByText('deployed', { exact: true }).waitFor()

      const uid = (await gw.call('GET', '/v1/endpoint-configs')).json.items[0].uid as string
      const statuses: number[] = []
      for (let i = 0; i < 3; i++) {
        const r = await gw.call('POST', '/v1/messages', {
          channel: 'action',
          to: `${endpoint.url}/hook`,
          action: { method: 'POST', body: { n: i } },
        })
        statuses.push(r.status)
      }
      expect(statuses).toEqual([202, 202, 429])

      const meter = page.locator(`[data-key="config:${uid}"] [role="meter"]`)
      await meter.and(page.locator('[data-full="true"]')).waitFor({ timeout: 8000 })
      expect(await meter.getAttribute('aria-valuetext')).toBe('2 of 2 per 1 min')
      await ui.screenshot('limits')

      await row.getByRole('button', { name: /^Undeploy / }).click()
      await row.getByText('created', { exact: true }).waitFor()
    } finally {
      await endpoint.close()
    }
  })

  it('draws the traffic chart with points', async () => {
    const { page, gw } = ui
    const sent = await gw.call('POST', '/v1/messages', {
      channel: 'sms',
      to: '+15555550100',
      content: { body: 'Your code is 1234' },
    })
    await gw.waitFor(sent.json.id, ['delivered'])
    // Dispatch-side traffic counts reach the store once a second.
    for (let i = 0; i < 50; i++) {
      const stats = await gw.call('GET', '/v1/stats?step=60000')
      if (JSON.stringify(stats.json).includes('"delivered"')) break
      await new Promise((r) => setTimeout(r, 100))
    }
    await ui.open('#/traffic', 'Traffic')
    const points = page.locator('svg.chart circle[r="3"]')
    await points.first().waitFor()
    expect(await points.count()).toBeGreaterThan(0)
    expect(await page.locator('svg.chart .series[data-series="delivered"] polyline').count()).toBe(1)
    expect(await page.locator('.legend').textContent()).toContain('delivered')
    await ui.screenshot('traffic')
  })

  it('shows a rendered HTML email in a sandboxed iframe in the Outbox', async () => {
    const { page, gw } = ui
    const sent = await gw.call('POST', '/v1/messages', {
      channel: 'email',
      to: 'ana@example.com',
      content: {
        subject: 'Your receipt',
        html: '<h1>Receipt</h1><p class="thanks">Thanks, Ana</p><script>parent.document.title = "owned"</script>',
        text: 'Thanks, Ana',
      },
    })
    await gw.waitFor(sent.json.id, ['delivered'])
    await ui.open('#/outbox', 'Outbox')
    const frame = page.locator('iframe.email-preview').first()
    await frame.waitFor()
    expect(await frame.getAttribute('sandbox')).toBe('')
    expect(await frame.getAttribute('title')).toBe('Email to ana@example.com: Your receipt')
    await page.frameLocator('iframe.email-preview').first().locator('p.thanks').getByText('Thanks, Ana').waitFor()
    expect(await page.title()).toBe('sendgate console')
    await ui.screenshot('outbox')
  })

  it('works from the keyboard and at phone width', async () => {
    const { page } = ui
    await ui.open('#/messages', 'Messages')
    let reached = false
    // Focus starts on the page heading; the navigation is above it.
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Shift+Tab')
      reached = await page.evaluate("document.activeElement?.textContent === 'Suppression'")
    }
    expect(reached).toBe(true)
    await page.keyboard.press('Enter')
    await heading(page, 'Suppression')
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H1')

    await page.setViewportSize({ width: 390, height: 844 })
    for (const [hash, title] of pages) {
      await ui.open(hash, title)
      await page.locator('.muted', { hasText: 'Loading…' }).waitFor({ state: 'detached' })
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
      expect(overflow, `${title} is wider than the phone`).toBeLessThanOrEqual(1)
    }
    await ui.open('#/messages', 'Messages')
    await page.locator('tbody tr').first().waitFor()
    await ui.screenshot('messages-phone')
    await page.setViewportSize({ width: 1280, height: 800 })
    await ui.open('#/messages', 'Messages')
    await page.locator('tbody tr').first().waitFor()
    await ui.screenshot('messages')
    expect(ui.pageErrors).toEqual([])
  })

  it('returns to sign-in when the key stops working', async () => {
    const { page } = ui
    await page.evaluate("sessionStorage.setItem('sendgate.apiKey', 'revoked-key')")
    await page.goto(`${ui.base}/console/#/outbox`)
    await page.getByRole('alert').getByText('no longer accepts this API key').waitFor()
    await heading(page, 'Sign in')
  })
})
