import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { heading, startConsole } from './console-harness.ts'

const TOTAL = 10_000
const BATCH = 1000

describe('web console with 10,000 messages', () => {
  let ui: Awaited<ReturnType<typeof startConsole>>

  beforeAll(async () => {
    ui = await startConsole()
    // Scheduled for tomorrow, so they stay queued and the dispatcher leaves them alone.
    const sendAt = new Date(Date.now() + 86_400_000).toISOString()
    for (let b = 0; b < TOTAL / BATCH; b++) {
      const messages = Array.from({ length: BATCH }, (_, i) => ({
        channel: 'sms',
        to: `+1555${String(b * BATCH + i).padStart(7, '0')}`,
        content: { body: 'Scheduled' },
        sendAt,
      }))
      const r = await ui.gw.call('POST', '/v1/messages/batch', { messages })
      expect(r.status).toBe(200)
    }
  }, 120_000)
  afterAll(async () => {
    await ui?.stop()
  })

  it('pages through the list 50 at a time with the cursor', async () => {
    const { page } = ui
    await ui.signIn()
    await heading(page, 'Messages')
    const rows = page.locator('tbody tr')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(50)
    const firstIds = await page.locator('tbody tr td:nth-child(2)').allTextContents()

    await page.getByRole('link', { name: 'Next page' }).click()
    await page.getByRole('link', { name: 'First page' }).waitFor()
    await rows.first().waitFor()
    expect(await rows.count()).toBe(50)
    const secondIds = await page.locator('tbody tr td:nth-child(2)').allTextContents()
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([])
    await ui.screenshot('messages-10k')

    await page.getByLabel('Status').selectOption('queued')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('link', { name: 'First page' }).waitFor({ state: 'detached' })
    await rows.first().waitFor()
    expect(await rows.count()).toBe(50)
  })

  it('keeps the other pages working', async () => {
    for (const [hash, title] of [
      ['#/limits', 'Limits'],
      ['#/traffic', 'Traffic'],
      ['#/outbox', 'Outbox'],
      ['#/suppression', 'Suppression'],
    ] as const) {
      await ui.open(hash, title)
      await ui.page.locator('.muted', { hasText: 'Loading…' }).waitFor({ state: 'detached' })
      expect(await ui.page.locator('main .error').allTextContents(), title).toEqual([])
    }
    expect(ui.pageErrors).toEqual([])
  })
})
