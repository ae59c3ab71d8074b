/**
 * One conformance suite for every Store (STYLE habit 3): the memory store is the reference and the Redis
 * store runs the same cases. Time moves only through the harness clock; a backend whose clock runs on
 * its own (Redis TIME plus the test offset) declares how far it may drift with `toleranceMs`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Clock } from '../../src/domain/clock.ts'
import type { MessageRecord } from '../../src/domain/message.ts'
import type { AcceptInput, CapRequest, Store, SuppressionEntry } from '../../src/store/types.ts'

export interface StoreHarness {
  store: Store
  clock: Clock & { advance(ms: number): void }
  cleanup(): Promise<void>
  /** How far the backend's time may run ahead of the harness clock (ms); 0 for the memory store. */
  toleranceMs?: number
}

export function storeConformance(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`store conformance: ${name}`, () => {
    let h: StoreHarness
    let store: Store
    let seq = 0
    /** More than the backend's drift: advancing by it past a boundary always crosses the boundary. */
    let MARGIN = 200
    beforeEach(async () => {
      h = await makeStore()
      store = h.store
      MARGIN = 200 + (h.toleranceMs ?? 0)
    })
    afterEach(async () => {
      await h.cleanup()
    })

    const iso = (ms = h.clock.now()) => new Date(ms).toISOString()

    function message(over: Partial<MessageRecord> = {}): MessageRecord {
      const at = iso()
      return {
        id: `msg-${Date.now().toString(36)}-${++seq}`,
        sandbox: 'sb',
        channel: 'email',
        to: 'ann@example.com',
        category: 'transactional',
        priority: 'normal',
        status: 'queued',
        createdAt: at,
        updatedAt: at,
        template: 'welcome',
        content: { subject: 'Hello', text: 'Hi Ann', html: '<p>Hi</p>', mediaUrls: [], attachments: [] },
        metadata: { order: 12345678901, tags: [], nested: {} },
        attempts: [],
        trace: [{ at, step: 'render', decision: 'rendered', detail: { template: 'welcome' } }],
        seriesAttempts: 0,
        sandboxed: true,
        ...over,
      }
    }

    function emailInput(m: MessageRecord, over: Partial<AcceptInput> = {}): AcceptInput {
      const address = m.to as string
      const domain = address.slice(address.indexOf('@') + 1)
      return {
        message: m,
        acceptedBody: { id: m.id, status: m.status },
        checks: {
          suppression: [
            { type: 'email', value: address },
            { type: 'domain', value: domain },
          ],
          allowlist: { address, domain },
          ...(m.category === 'marketing' ? { consent: { channel: 'email' as const, address } } : {}),
        },
        enqueue: { lane: m.category === 'transactional' ? 'fast' : 'slow', atMs: h.clock.now() },
        ...over,
      }
    }

    function smsInput(m: MessageRecord): AcceptInput {
      return {
        message: m,
        acceptedBody: { id: m.id, status: m.status, segments: 1 },
        checks: {
          suppression: [{ type: 'phone', value: m.to as string }],
          smsOptOut: { sender: 'MG123', phone: m.to as string },
          ...(m.category === 'marketing' ? { consent: { channel: 'sms' as const, address: m.to as string } } : {}),
        },
        enqueue: { lane: 'fast', atMs: h.clock.now() },
      }
    }

    const entry = (over: Partial<SuppressionEntry> & Pick<SuppressionEntry, 'type' | 'value'>): SuppressionEntry => ({
      reason: 'hard_bounce',
      source: 'test',
      createdAt: iso(),
      ...over,
    })

    const cap = (limit: number, windowMs = 1000, over: Partial<CapRequest> = {}): CapRequest => ({
      sandbox: 'sb',
      key: `host:api-${++seq}.example.com`,
      windows: [{ limit, windowMs }],
      ...over,
    })

    // ------------------------------------------------------------ accept

    describe('accept', () => {
      it('accepts: writes the record with its trace and enqueues a claimable item', async () => {
        const m = message()
        const r = await store.accept(emailInput(m))
        expect(r.outcome).toBe('accepted')
        if (r.outcome !== 'accepted') return
        expect(r.message.status).toBe('queued')
        expect(r.message.trace.map((t) => t.step)).toEqual(['render', 'queue'])
        expect(r.message.trace.at(-1)).toMatchObject({ decision: 'enqueued', detail: { lane: 'fast' } })
        expect(await store.messages.get('sb', m.id)).toEqual(r.message)
        expect(await store.messages.get('other', m.id)).toBeNull()
        expect(await store.queue.claim('fast', 10, 30_000)).toEqual([{ sandbox: 'sb', id: m.id, lane: 'fast' }])
      })

      it('keeps empty arrays, empty objects and large numbers of the record intact', async () => {
        const m = message({ content: { json: { list: [], map: {}, big: 9007199254740991, f: 0.1 } } })
        await store.accept(emailInput(m))
        const stored = await store.messages.get('sb', m.id)
        expect(stored?.content).toEqual(m.content)
        expect(stored?.metadata).toEqual(m.metadata)
        expect(stored?.attempts).toEqual([])
      })

      it('suppresses by address, with the entry in the trace, and stores the 200 answer', async () => {
        await store.suppression.add('sb', [entry({ type: 'email', value: 'ann@example.com' })])
        const m = message()
        const r = await store.accept(emailInput(m, { idempotency: { key: 'k1', bodyHash: 'h1', ttlMs: 60_000 } }))
        expect(r).toMatchObject({
          outcome: 'suppressed',
          reason: 'hard_bounce',
          match: { check: 'suppression', type: 'email', value: 'ann@example.com' },
        })
        if (r.outcome !== 'suppressed') return
        expect(r.message.status).toBe('suppressed')
        expect(r.message.trace.at(-1)).toMatchObject({
          step: 'suppression',
          decision: 'suppressed',
          detail: { reason: 'hard_bounce', check: 'suppression', type: 'email', value: 'ann@example.com' },
        })
        expect(await store.messages.get('sb', m.id)).toEqual(r.message)
        expect(await store.idempotency.get('sb', 'k1')).toEqual({
          bodyHash: 'h1',
          response: { status: 200, body: { id: m.id, status: 'suppressed', reason: 'hard_bounce' } },
        })
        expect(await store.queue.claim('fast', 10, 30_000)).toEqual([])
        expect(await store.queue.depth()).toEqual({ fast: 0, slow: 0 })
      })

      it('suppresses by domain; the address entry wins when both match', async () => {
        await store.suppression.add('sb', [entry({ type: 'domain', value: 'example.com', reason: 'manual' })])
        const byDomain = await store.accept(emailInput(message()))
        expect(byDomain).toMatchObject({
          outcome: 'suppressed',
          reason: 'manual',
          match: { type: 'domain', value: 'example.com' },
        })
        await store.suppression.add('sb', [entry({ type: 'email', value: 'ann@example.com', reason: 'complaint' })])
        const both = await store.accept(emailInput(message()))
        expect(both).toMatchObject({ outcome: 'suppressed', reason: 'complaint', match: { type: 'email' } })
      })

      it('ignores expired suppression entries and other sandboxes', async () => {
        await store.suppression.add('sb', [
          entry({ type: 'email', value: 'ann@example.com', expiresAt: iso(h.clock.now() + 10_000) }),
        ])
        await store.suppression.add('other', [entry({ type: 'domain', value: 'example.com' })])
        expect((await store.accept(emailInput(message()))).outcome).toBe('suppressed')
        h.clock.advance(10_000 + MARGIN)
        expect((await store.accept(emailInput(message()))).outcome).toBe('accepted')
      })

      it('suppresses SMS opted out from the sender in every sandbox, after the suppression list', async () => {
        await store.smsOptOuts.add('MG123', '+15555550100')
        const r = await store.accept(smsInput(message({ channel: 'sms', to: '+15555550100' })))
        expect(r).toMatchObject({
          outcome: 'suppressed',
          reason: 'opted_out',
          match: { check: 'sms_opt_out', type: 'phone', value: '+15555550100' },
        })
        const other = await store.accept(smsInput(message({ sandbox: 'other', channel: 'sms', to: '+15555550100' })))
        expect(other.outcome).toBe('suppressed')
        await store.suppression.add('sb', [entry({ type: 'phone', value: '+15555550100', reason: 'manual' })])
        const listed = await store.accept(smsInput(message({ channel: 'sms', to: '+15555550100' })))
        expect(listed).toMatchObject({ outcome: 'suppressed', reason: 'manual', match: { check: 'suppression' } })
        const otherPhone = await store.accept(smsInput(message({ channel: 'sms', to: '+15555550199' })))
        expect(otherPhone.outcome).toBe('accepted')
      })

      it('applies the allowlist: enabled and empty sends nothing; entries admit addresses and domains', async () => {
        expect((await store.accept(emailInput(message()))).outcome).toBe('accepted')
        await store.allowlist.set('sb', { enabled: true, entries: [] })
        const r = await store.accept(emailInput(message()))
        expect(r).toMatchObject({
          outcome: 'suppressed',
          reason: 'not_allowed',
          match: { check: 'allowlist', value: 'ann@example.com' },
        })
        await store.allowlist.set('sb', { enabled: true, entries: ['example.com'] })
        expect((await store.accept(emailInput(message()))).outcome).toBe('accepted')
        await store.allowlist.set('sb', { enabled: true, entries: ['bob@example.org'] })
        expect((await store.accept(emailInput(message({ to: 'bob@example.org' })))).outcome).toBe('accepted')
        expect((await store.accept(emailInput(message()))).outcome).toBe('suppressed')
        await store.allowlist.set('sb', { enabled: false, entries: ['bob@example.org'] })
        expect((await store.accept(emailInput(message()))).outcome).toBe('accepted')
      })

      it('checks consent for marketing only, after the allowlist', async () => {
        await store.consents.set('sb', 'email', 'ann@example.com', false)
        const marketing = await store.accept(emailInput(message({ category: 'marketing' })))
        expect(marketing).toMatchObject({
          outcome: 'suppressed',
          reason: 'no_consent',
          match: { check: 'consent', type: 'email' },
        })
        expect((await store.accept(emailInput(message()))).outcome).toBe('accepted')
        await store.allowlist.set('sb', { enabled: true, entries: [] })
        const both = await store.accept(emailInput(message({ category: 'marketing' })))
        expect(both).toMatchObject({ reason: 'not_allowed' })
        await store.allowlist.set('sb', { enabled: false, entries: [] })
        await store.consents.set('sb', 'email', 'ann@example.com', true)
        const again = await store.accept(emailInput(message({ category: 'marketing' })))
        expect(again.outcome).toBe('accepted')
        if (again.outcome === 'accepted')
          expect(await store.queue.claim('slow', 10, 30_000)).toEqual([
            { sandbox: 'sb', id: again.message.id, lane: 'slow' },
          ])
      })

      it('takes the cap slot; when the cap is full the record is written capped and nothing is queued', async () => {
        const c = cap(1, 60_000)
        const first = await store.accept({ ...emailInput(message()), cap: c })
        expect(first.outcome).toBe('accepted')
        if (first.outcome !== 'accepted') return
        expect(first.cap).toMatchObject({ allowed: true, count: 1, limit: 1, windowMs: 60_000, slow: false })
        expect(first.message.slotTaken).toBe(true)
        expect(first.message.trace.map((t) => t.step)).toEqual(['render', 'capping', 'queue'])
        expect(first.message.trace[1]).toMatchObject({
          decision: 'admitted',
          detail: { key: c.key, count: 1, limit: 1, headroom: 0 },
        })
        await store.queue.claim('fast', 10, 30_000)

        const m = message()
        const second = await store.accept({
          ...emailInput(m, { idempotency: { key: 'cap-k', bodyHash: 'h', ttlMs: 60_000 } }),
          cap: c,
        })
        expect(second.outcome).toBe('capped')
        if (second.outcome !== 'capped') return
        expect(second.cap).toMatchObject({ allowed: false, count: 1, limit: 1 })
        expect(second.cap.retryAfterMs).toBeGreaterThan(0)
        expect(second.cap.retryAfterMs).toBeLessThanOrEqual(60_000 + 1000)
        expect(second.message).toMatchObject({ status: 'capped', error: { code: 'CAPPED' } })
        expect(second.message.trace.at(-1)).toMatchObject({ step: 'capping', decision: 'capped' })
        expect(await store.messages.get('sb', m.id)).toEqual(second.message)
        expect(await store.idempotency.get('sb', 'cap-k')).toBeNull()
        expect(await store.queue.claim('fast', 10, 30_000)).toEqual([])
      })

      it('takes no slot for a suppressed message', async () => {
        const c = cap(1, 60_000)
        await store.suppression.add('sb', [entry({ type: 'email', value: 'ann@example.com' })])
        expect((await store.accept({ ...emailInput(message()), cap: c })).outcome).toBe('suppressed')
        expect((await store.accept({ ...emailInput(message({ to: 'bob@example.com' })), cap: c })).outcome).toBe(
          'accepted',
        )
      })

      it('replays a used idempotency key, refuses a different body, and keeps the pending flag', async () => {
        const m = message()
        const idem = { key: 'idem-1', bodyHash: 'hash-a', ttlMs: 60_000, pending: true }
        const r = await store.accept(
          emailInput(m, { idempotency: idem, acceptedBody: { id: m.id, status: 'queued', segments: 2 } }),
        )
        expect(r.outcome).toBe('accepted')
        const replay = await store.accept(emailInput(message(), { idempotency: idem }))
        expect(replay).toMatchObject({
          outcome: 'replay',
          record: {
            bodyHash: 'hash-a',
            response: { status: 202, body: { id: m.id, status: 'queued', segments: 2 }, pending: true },
          },
        })
        expect(await store.accept(emailInput(message(), { idempotency: { ...idem, bodyHash: 'hash-b' } }))).toEqual({
          outcome: 'mismatch',
        })
        expect(await store.queue.depth()).toEqual({ fast: 1, slow: 0 })
        const other = await store.accept(emailInput(message({ sandbox: 'other' }), { idempotency: idem }))
        expect(other.outcome).toBe('accepted')
      })

      it('forgets an idempotency key after its ttl', async () => {
        const idem = { key: 'idem-ttl', bodyHash: 'h', ttlMs: 20_000 }
        await store.accept(emailInput(message(), { idempotency: idem }))
        h.clock.advance(10_000)
        expect((await store.accept(emailInput(message(), { idempotency: idem }))).outcome).toBe('replay')
        h.clock.advance(10_000 + MARGIN)
        expect((await store.accept(emailInput(message(), { idempotency: idem }))).outcome).toBe('accepted')
      })

      it('enqueues at the given time: a delayed message is claimable only when due', async () => {
        const m = message()
        await store.accept(emailInput(m, { enqueue: { lane: 'fast', atMs: h.clock.now() + 10_000 } }))
        expect(await store.queue.claim('fast', 10, 30_000)).toEqual([])
        h.clock.advance(10_000 + MARGIN)
        expect(await store.queue.claim('fast', 10, 30_000)).toEqual([{ sandbox: 'sb', id: m.id, lane: 'fast' }])
      })
    })

    // ------------------------------------------------------------ messages

    describe('messages', () => {
      async function seed(n: number): Promise<MessageRecord[]> {
        const out: MessageRecord[] = []
        for (let i = 0; i < n; i++) {
          const m = message({
            channel: i % 2 ? 'sms' : 'email',
            to: i % 2 ? '+15555550100' : `u${i}@example.com`,
            status: i === 3 ? 'failed' : 'queued',
            ...(i === 3 ? { error: { code: 'HTTP_500', detail: 'x' } } : {}),
          })
          await store.messages.insert(m)
          out.push(m)
          h.clock.advance(1000)
        }
        return out
      }

      it('inserts and reads records as written', async () => {
        const m = message({ status: 'failed', error: { code: 'NETWORK', detail: 'down' } })
        await store.messages.insert(m)
        expect(await store.messages.get('sb', m.id)).toEqual(m)
        expect(await store.messages.get('sb', 'nope')).toBeNull()
        expect(await store.messages.get('other', m.id)).toBeNull()
      })

      it('lists newest first and pages with a cursor', async () => {
        const all = await seed(5)
        const ids = all.map((m) => m.id).reverse()
        const p1 = await store.messages.list('sb', {}, { limit: 2 })
        expect(p1.items.map((m) => m.id)).toEqual(ids.slice(0, 2))
        expect(p1.nextCursor).not.toBeNull()
        const p2 = await store.messages.list('sb', {}, { limit: 2, cursor: p1.nextCursor ?? '' })
        expect(p2.items.map((m) => m.id)).toEqual(ids.slice(2, 4))
        const p3 = await store.messages.list('sb', {}, { limit: 2, cursor: p2.nextCursor ?? '' })
        expect(p3.items.map((m) => m.id)).toEqual(ids.slice(4))
        expect(p3.nextCursor).toBeNull()
        const exact = await store.messages.list('sb', {}, { limit: 5 })
        expect(exact.nextCursor).toBeNull()
        expect((await store.messages.list('other', {}, { limit: 10 })).items).toEqual([])
      })

      it('filters by status, channel, to, since, until and code', async () => {
        const all = await seed(5)
        const ids = (f: Parameters<Store['messages']['list']>[1]) =>
          store.messages.list('sb', f, { limit: 100 }).then((p) => p.items.map((m) => m.id))
        const byId = (...i: number[]) => i.map((n) => all[n]?.id)
        expect(await ids({ status: 'failed' })).toEqual(byId(3))
        expect(await ids({ channel: 'sms' })).toEqual(byId(3, 1))
        expect(await ids({ to: 'u2@example.com' })).toEqual(byId(2))
        expect(await ids({ since: all[2]?.createdAt })).toEqual(byId(4, 3, 2))
        expect(await ids({ until: all[2]?.createdAt })).toEqual(byId(1, 0))
        expect(await ids({ since: all[1]?.createdAt, until: all[3]?.createdAt, channel: 'email' })).toEqual(byId(2))
        expect(await ids({ code: 'HTTP_500' })).toEqual(byId(3))
        const page = await store.messages.list('sb', { channel: 'email' }, { limit: 2 })
        expect(page.items.map((m) => m.id)).toEqual(byId(4, 2))
        const rest = await store.messages.list('sb', { channel: 'email' }, { limit: 2, cursor: page.nextCursor ?? '' })
        expect(rest).toEqual({ items: [all[0]], nextCursor: null })
      })

      it('updates with compare-and-set on status, appending trace and attempts, unsetting fields', async () => {
        const m = message({ error: { code: 'X', detail: 'y' } })
        await store.messages.insert(m)
        h.clock.advance(5000)
        const at = iso()
        const r = await store.messages.update('sb', m.id, {
          expectStatus: ['queued', 'retrying'],
          set: { status: 'sending', provider: 'smtp' },
          unset: ['error'],
          trace: [
            { at, step: 'dispatch', decision: 'started' },
            { at, step: 'capping', decision: 'admitted', detail: { count: 1 } },
          ],
          attempt: { n: 1, at, durationMs: 12, outcome: 'success' },
        })
        expect(r.ok).toBe(true)
        expect(r.message).toMatchObject({ status: 'sending', provider: 'smtp', attempts: [{ n: 1, durationMs: 12 }] })
        expect(r.message?.error).toBeUndefined()
        expect(r.message?.trace.map((t) => t.step)).toEqual(['render', 'dispatch', 'capping'])
        const updated = Date.parse(r.message?.updatedAt ?? '')
        expect(updated).toBeGreaterThanOrEqual(h.clock.now())
        expect(updated).toBeLessThanOrEqual(h.clock.now() + MARGIN)
        expect(await store.messages.get('sb', m.id)).toEqual(r.message)

        const refused = await store.messages.update('sb', m.id, {
          expectStatus: ['queued'],
          set: { status: 'canceled' },
        })
        expect(refused).toEqual({ ok: false, message: r.message })
        const second = await store.messages.update('sb', m.id, {
          attempt: { n: 2, at, durationMs: 3, outcome: 'failure', code: 'NETWORK' },
        })
        expect(second.message?.attempts.map((a) => a.n)).toEqual([1, 2])
        expect(await store.messages.update('sb', 'missing', { set: { status: 'sent' } })).toEqual({
          ok: false,
          message: null,
        })
        expect(await store.messages.update('other', m.id, { set: { status: 'sent' } })).toEqual({
          ok: false,
          message: null,
        })
      })
    })

    // ------------------------------------------------------------ idempotency

    describe('idempotency', () => {
      const record = { bodyHash: 'h', response: { status: 202, body: { id: 'x', status: 'queued' }, pending: true } }

      it('claims a key once, completes it, and forgets it after the ttl', async () => {
        expect(await store.idempotency.get('sb', 'k')).toBeNull()
        expect(await store.idempotency.claim('sb', 'k', record, 10_000)).toBeNull()
        expect(await store.idempotency.claim('sb', 'k', { ...record, bodyHash: 'other' }, 10_000)).toEqual(record)
        expect(await store.idempotency.get('sb', 'k')).toEqual(record)
        expect(await store.idempotency.get('other', 'k')).toBeNull()
        await store.idempotency.complete('sb', 'k', { status: 200, body: { id: 'x', status: 'sent' } })
        expect(await store.idempotency.get('sb', 'k')).toEqual({
          bodyHash: 'h',
          response: { status: 200, body: { id: 'x', status: 'sent' } },
        })
        h.clock.advance(10_000 + MARGIN)
        expect(await store.idempotency.get('sb', 'k')).toBeNull()
        await store.idempotency.complete('sb', 'k', { status: 200, body: {} })
        expect(await store.idempotency.get('sb', 'k')).toBeNull()
        expect(await store.idempotency.claim('sb', 'k', { ...record, bodyHash: 'new' }, 10_000)).toBeNull()
        expect((await store.idempotency.get('sb', 'k'))?.bodyHash).toBe('new')
      })
    })

    // ------------------------------------------------------------ queue

    describe('queue', () => {
      const item = (id: string, lane: 'fast' | 'slow' = 'fast', sandbox = 'sb') => ({ sandbox, id, lane })

      it('claims by lane in due order, FIFO at equal due times, up to max', async () => {
        const now = h.clock.now()
        await store.queue.enqueue(item('c'), now)
        await store.queue.enqueue(item('a'), now - 5000)
        await store.queue.enqueue(item('d'), now)
        await store.queue.enqueue(item('b', 'fast', 'other'), now)
        await store.queue.enqueue(item('s', 'slow'), now)
        expect(await store.queue.depth()).toEqual({ fast: 4, slow: 1 })
        const first = await store.queue.claim('fast', 2, 30_000)
        const rest = await store.queue.claim('fast', 10, 30_000)
        const ids = [...first, ...rest].map((i) => i.id)
        expect(first).toHaveLength(2)
        // Due order within a sandbox (a cluster serves sandboxes in turn).
        expect(ids.indexOf('a')).toBeLessThan(ids.indexOf('c'))
        // FIFO at equal due times (within a sandbox on every backend).
        expect(ids.filter((id) => id === 'c' || id === 'd')).toEqual(['c', 'd'])
        expect([...ids].sort()).toEqual(['a', 'b', 'c', 'd'])
        expect(await store.queue.claim('slow', 10, 30_000)).toEqual([item('s', 'slow')])
        expect(await store.queue.claim('fast', 10, 30_000)).toEqual([])
      })

      it('leases: a claimed item comes back when its lease expires; ack removes it', async () => {
        await store.queue.enqueue(item('x'), h.clock.now())
        expect(await store.queue.claim('fast', 10, 5000)).toEqual([item('x')])
        expect(await store.queue.claim('fast', 10, 5000)).toEqual([])
        expect(await store.queue.depth()).toEqual({ fast: 1, slow: 0 })
        h.clock.advance(5000 + MARGIN)
        expect(await store.queue.claim('fast', 10, 5000)).toEqual([item('x')])
        await store.queue.ack(item('x'))
        expect(await store.queue.depth()).toEqual({ fast: 0, slow: 0 })
        h.clock.advance(5000 + MARGIN)
        expect(await store.queue.claim('fast', 10, 5000)).toEqual([])
        await store.queue.ack(item('x'))
      })

      it('defers a claimed item to a later time and reports when the next item is due', async () => {
        expect(await store.queue.nextDueInMs()).toBeNull()
        await store.queue.enqueue(item('x'), h.clock.now())
        await store.queue.claim('fast', 10, 60_000)
        await store.queue.defer(item('x'), h.clock.now() + 20_000)
        const due = await store.queue.nextDueInMs()
        expect(due).toBeGreaterThan(20_000 - MARGIN)
        expect(due).toBeLessThanOrEqual(20_000)
        await store.queue.enqueue(item('y', 'slow'), h.clock.now() + 3000)
        const next = await store.queue.nextDueInMs()
        expect(next).toBeGreaterThan(3000 - MARGIN)
        expect(next).toBeLessThanOrEqual(3000)
        expect(await store.queue.claim('fast', 10, 60_000)).toEqual([])
        h.clock.advance(20_000 + MARGIN)
        expect(await store.queue.nextDueInMs()).toBe(0)
        expect(await store.queue.claim('fast', 10, 60_000)).toEqual([item('x')])
        expect(await store.queue.depth()).toEqual({ fast: 1, slow: 1 })
      })
    })

    // ------------------------------------------------------------ suppression

    describe('suppression', () => {
      it('adds, gets, matches in order, expires and removes entries', async () => {
        const e1 = entry({ type: 'email', value: 'a@example.com', comment: 'bounced' })
        const e2 = entry({
          type: 'domain',
          value: 'example.com',
          reason: 'manual',
          expiresAt: iso(h.clock.now() + 10_000),
        })
        expect(await store.suppression.add('sb', [e1, e2])).toEqual([e1, e2])
        expect(await store.suppression.get('sb', { type: 'email', value: 'a@example.com' })).toEqual(e1)
        expect(await store.suppression.get('other', { type: 'email', value: 'a@example.com' })).toBeNull()
        const keys = [
          { type: 'email' as const, value: 'a@example.com' },
          { type: 'domain' as const, value: 'example.com' },
        ]
        expect(await store.suppression.match('sb', keys)).toEqual(e1)
        expect(await store.suppression.match('sb', [...keys].reverse())).toEqual(e2)
        expect(await store.suppression.match('sb', [])).toBeNull()
        h.clock.advance(10_000 + MARGIN)
        expect(await store.suppression.get('sb', keys[1] ?? keys[0]!)).toBeNull()
        expect(await store.suppression.match('sb', [...keys].reverse())).toEqual(e1)
        expect(await store.suppression.remove('sb', keys[0]!)).toBe(true)
        expect(await store.suppression.remove('sb', keys[0]!)).toBe(false)
        expect(await store.suppression.get('sb', keys[0]!)).toBeNull()
        const replaced = entry({ type: 'email', value: 'a@example.com', reason: 'complaint' })
        await store.suppression.add('sb', [replaced])
        await store.suppression.add('sb', [{ ...replaced, reason: 'manual' }])
        expect((await store.suppression.get('sb', keys[0]!))?.reason).toBe('manual')
        expect((await store.suppression.list('sb', { reason: 'complaint' }, { limit: 10 })).items).toEqual([])
      })

      async function seedList() {
        const rows: SuppressionEntry[] = [
          entry({ type: 'email', value: 'a@isp.com', reason: 'soft_bounce' }),
          entry({ type: 'email', value: 'b@isp.com', reason: 'hard_bounce' }),
          entry({ type: 'phone', value: '+15555550100', reason: 'manual' }),
          entry({ type: 'domain', value: 'isp.com', reason: 'manual' }),
          entry({ type: 'email', value: 'c@other.org', reason: 'hard_bounce' }),
          entry({ type: 'email', value: 'd@isp.com', reason: 'hard_bounce' }),
        ]
        for (const [i, row] of rows.entries()) rows[i] = { ...row, createdAt: iso(h.clock.now() + i * 1000) }
        await store.suppression.add('sb', rows)
        return rows
      }

      it('lists newest first with filters and a cursor', async () => {
        const rows = await seedList()
        const values = async (f: Parameters<Store['suppression']['list']>[1], limit = 100) =>
          (await store.suppression.list('sb', f, { limit })).items.map((e) => e.value)
        expect(await values({})).toEqual(rows.map((r) => r.value).reverse())
        expect(await values({ type: 'email' })).toEqual(['d@isp.com', 'c@other.org', 'b@isp.com', 'a@isp.com'])
        expect(await values({ reason: 'hard_bounce' })).toEqual(['d@isp.com', 'c@other.org', 'b@isp.com'])
        expect(await values({ domain: 'ISP.com' })).toEqual(['d@isp.com', 'isp.com', 'b@isp.com', 'a@isp.com'])
        expect(await values({ reason: 'hard_bounce', domain: 'isp.com' })).toEqual(['d@isp.com', 'b@isp.com'])
        expect(await values({ since: rows[2]?.createdAt, until: rows[4]?.createdAt })).toEqual([
          'isp.com',
          '+15555550100',
        ])
        const p1 = await store.suppression.list('sb', { type: 'email' }, { limit: 3 })
        expect(p1.items.map((e) => e.value)).toEqual(['d@isp.com', 'c@other.org', 'b@isp.com'])
        const p2 = await store.suppression.list('sb', { type: 'email' }, { limit: 3, cursor: p1.nextCursor ?? '' })
        expect(p2).toEqual({ items: [rows[0]], nextCursor: null })
        expect((await store.suppression.list('other', {}, { limit: 10 })).items).toEqual([])
      })

      it('bulk-deletes by filter, counting only on a dry run', async () => {
        await seedList()
        expect(await store.suppression.bulkDelete('sb', { domain: 'isp.com', reason: 'hard_bounce' }, true)).toBe(2)
        expect((await store.suppression.list('sb', {}, { limit: 100 })).items).toHaveLength(6)
        expect(await store.suppression.bulkDelete('sb', { domain: 'isp.com', reason: 'hard_bounce' }, false)).toBe(2)
        expect((await store.suppression.list('sb', {}, { limit: 100 })).items.map((e) => e.value)).toEqual([
          'c@other.org',
          'isp.com',
          '+15555550100',
          'a@isp.com',
        ])
        expect(await store.suppression.get('sb', { type: 'email', value: 'b@isp.com' })).toBeNull()
        expect(await store.suppression.bulkDelete('sb', { type: 'email' }, false)).toBe(2)
        expect(
          (await store.suppression.list('sb', { domain: 'isp.com' }, { limit: 100 })).items.map((e) => e.value),
        ).toEqual(['isp.com'])
      })

      it('counts consecutive soft bounces per key and resets them', async () => {
        const k = { type: 'email' as const, value: 'a@example.com' }
        expect(await store.suppression.countSoftBounce('sb', k)).toBe(1)
        expect(await store.suppression.countSoftBounce('sb', k)).toBe(2)
        expect(await store.suppression.countSoftBounce('other', k)).toBe(1)
        await store.suppression.resetSoftBounce('sb', k)
        expect(await store.suppression.countSoftBounce('sb', k)).toBe(1)
        await store.suppression.add('sb', [entry({ ...k, reason: 'soft_bounce' })])
        await store.suppression.remove('sb', k)
        expect(await store.suppression.countSoftBounce('sb', k)).toBe(1)
      })
    })

    // ------------------------------------------------------------ consent, allowlist, opt-outs

    describe('consents, allowlist and SMS opt-outs', () => {
      it('consent defaults to yes and is kept per sandbox, channel and address', async () => {
        expect(await store.consents.get('sb', 'email', 'a@example.com')).toEqual({ marketing: true })
        await store.consents.set('sb', 'email', 'a@example.com', false)
        expect(await store.consents.get('sb', 'email', 'a@example.com')).toEqual({ marketing: false, updatedAt: iso() })
        expect((await store.consents.get('sb', 'sms', 'a@example.com')).marketing).toBe(true)
        expect((await store.consents.get('other', 'email', 'a@example.com')).marketing).toBe(true)
      })

      it('allowlist defaults to disabled and stores what it is given', async () => {
        expect(await store.allowlist.get('sb')).toEqual({ enabled: false, entries: [] })
        const list = { enabled: true, entries: ['a@example.com', 'example.org'] }
        expect(await store.allowlist.set('sb', list)).toEqual(list)
        expect(await store.allowlist.get('sb')).toEqual(list)
        expect(await store.allowlist.get('other')).toEqual({ enabled: false, entries: [] })
      })

      it('SMS opt-outs are per sender and phone, listed per phone, removed by START', async () => {
        expect(await store.smsOptOuts.get('MG1', '+15555550100')).toBeNull()
        await store.smsOptOuts.add('MG1', '+15555550100')
        await store.smsOptOuts.add('MG2', '+15555550100')
        expect(await store.smsOptOuts.get('MG1', '+15555550100')).toEqual({
          sender: 'MG1',
          phone: '+15555550100',
          at: iso(),
        })
        const listed = await store.smsOptOuts.listForPhone('+15555550100')
        expect(listed.map((o) => o.sender).sort()).toEqual(['MG1', 'MG2'])
        await store.smsOptOuts.remove('MG1', '+15555550100')
        expect(await store.smsOptOuts.get('MG1', '+15555550100')).toBeNull()
        expect((await store.smsOptOuts.listForPhone('+15555550100')).map((o) => o.sender)).toEqual(['MG2'])
        expect(await store.smsOptOuts.listForPhone('+15555550199')).toEqual([])
      })
    })

    // ------------------------------------------------------------ limiter

    describe('limiter', () => {
      it('admits exactly L of a burst inside one window, then says when it admits again', async () => {
        const c = cap(5, 60_000)
        const decisions = []
        for (let i = 0; i < 10; i++) decisions.push(await store.limiter.take(c))
        expect(decisions.filter((d) => d.allowed)).toHaveLength(5)
        expect(decisions.slice(0, 5).map((d) => d.count)).toEqual([1, 2, 3, 4, 5])
        const refused = decisions[9]!
        expect(refused).toMatchObject({ allowed: false, count: 5, limit: 5, windowMs: 60_000, slow: false })
        expect(refused.retryAfterMs).toBeGreaterThan(0)
        expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000 + 600)
        h.clock.advance(refused.retryAfterMs + MARGIN)
        expect((await store.limiter.take(c)).allowed).toBe(true)
      })

      it('peeks without taking, and a refused take costs nothing', async () => {
        const c = cap(3, 60_000)
        await store.limiter.take(c)
        await store.limiter.take(c)
        expect(await store.limiter.peek(c)).toMatchObject({ allowed: true, count: 2, limit: 3, retryAfterMs: 0 })
        expect(await store.limiter.peek(c)).toMatchObject({ count: 2 })
        await store.limiter.take(c)
        expect((await store.limiter.take(c)).allowed).toBe(false)
        expect(await store.limiter.peek(c)).toMatchObject({ allowed: false, count: 3 })
        expect((await store.limiter.peek({ ...c, sandbox: 'other' })).count).toBe(0)
      })

      it('never admits more than L in any window', async () => {
        const L = 4
        const W = 10_000
        const c = cap(L, W)
        const tol = h.toleranceMs ?? 0
        let state = 7
        const random = () => {
          state = (state * 1103515245 + 12345) % 2147483648
          return state / 2147483648
        }
        const admitted: number[] = []
        for (let i = 0; i < 150; i++) {
          h.clock.advance(Math.floor(random() * 600))
          if ((await store.limiter.take(c)).allowed) admitted.push(h.clock.now())
        }
        for (const t of admitted)
          expect(admitted.filter((a) => a > t - W + tol && a <= t).length).toBeLessThanOrEqual(L)
        // Loses at most ~1% of L per window on smooth traffic: more than half the possible admissions made.
        expect(admitted.length).toBeGreaterThan(((150 * 300) / W) * L * 0.5)
      })

      it('tracks the latency mean and switches to the slow caps with hysteresis', async () => {
        const c = cap(10, 60_000, { slow: { windows: [{ limit: 2, windowMs: 60_000 }], thresholdMs: 100 } })
        expect(await store.limiter.peek(c)).toMatchObject({ slow: false, limit: 10 })
        expect(await store.limiter.observeLatency('sb', c.key, 90)).toBeCloseTo(90)
        expect(await store.limiter.peek(c)).toMatchObject({ slow: false, limit: 10 })
        expect(await store.limiter.observeLatency('sb', c.key, 300)).toBeCloseTo(90 + 0.2 * 210)
        expect(await store.limiter.observeLatency('sb', c.key, 300)).toBeGreaterThan(100)
        const slow = await store.limiter.take(c)
        expect(slow).toMatchObject({ allowed: true, slow: true, limit: 2, count: 1 })
        await store.limiter.take(c)
        expect(await store.limiter.take(c)).toMatchObject({ allowed: false, slow: true, limit: 2 })
        // Between 0.8x and 1x of the threshold it stays slow.
        let mean = 0
        while (mean === 0 || mean >= 95) mean = await store.limiter.observeLatency('sb', c.key, 80)
        expect(mean).toBeGreaterThan(80)
        expect((await store.limiter.peek(c)).slow).toBe(true)
        while (mean >= 80) mean = await store.limiter.observeLatency('sb', c.key, 0)
        expect(await store.limiter.peek(c)).toMatchObject({ slow: false, limit: 10, allowed: true, count: 2 })
        expect((await store.limiter.peek({ ...c, sandbox: 'other' })).slow).toBe(false)
      })
    })

    // ------------------------------------------------------------ configs, outbox, stats

    describe('configs, outbox and stats', () => {
      it('puts, gets, lists and removes configs, bumping the version on each change', async () => {
        expect(await store.configs.version('sb')).toBe(0)
        await store.configs.put('sb', 'endpoint', {
          uid: 'a',
          url: 'https://a.example/*',
          rating: { max: 1 },
          list: [],
        })
        await store.configs.put('sb', 'endpoint', { uid: 'b', url: 'https://b.example/*' })
        await store.configs.put('sb', 'throttling', { uid: 't', maxThroughput: 200 })
        expect(await store.configs.version('sb')).toBe(3)
        expect(await store.configs.get('sb', 'endpoint', 'a')).toEqual({
          uid: 'a',
          url: 'https://a.example/*',
          rating: { max: 1 },
          list: [],
        })
        expect(await store.configs.get('sb', 'throttling', 'a')).toBeNull()
        expect((await store.configs.list('sb', 'endpoint')).map((d) => d.uid).sort()).toEqual(['a', 'b'])
        expect(await store.configs.list('other', 'endpoint')).toEqual([])
        expect(await store.configs.remove('sb', 'endpoint', 'a')).toBe(true)
        expect(await store.configs.remove('sb', 'endpoint', 'a')).toBe(false)
        expect(await store.configs.version('sb')).toBe(5)
        expect(await store.configs.version('other')).toBe(0)
      })

      it('keeps the last 1,000 outbox entries per sandbox, newest first, filterable by recipient', async () => {
        for (let i = 0; i < 1003; i++)
          await store.outbox.record({
            sandbox: 'sb',
            messageId: `m${i}`,
            channel: 'email',
            to: i % 2 ? 'odd@x.com' : 'even@x.com',
            at: iso(),
            rendered: { i },
          })
        const all = await store.outbox.list('sb', { limit: 5000 })
        expect(all).toHaveLength(1000)
        expect(all[0]?.messageId).toBe('m1002')
        expect(all.at(-1)?.messageId).toBe('m3')
        const odd = await store.outbox.list('sb', { to: 'odd@x.com', limit: 2 })
        expect(odd.map((e) => e.messageId)).toEqual(['m1001', 'm999'])
        expect(await store.outbox.list('other', { limit: 10 })).toEqual([])
      })

      it('counts status changes in time buckets', async () => {
        const t0 = Math.floor(h.clock.now() / 60_000) * 60_000
        await store.stats.bump('sb', 'queued', t0 + 100)
        await store.stats.bump('sb', 'queued', t0 + 900)
        await store.stats.bump('sb', 'sent', t0 + 1500)
        await store.stats.bump('sb', 'failed', t0 + 61_000)
        await store.stats.bump('other', 'sent', t0 + 100)
        expect(await store.stats.series('sb', t0, t0 + 3000, 1000)).toEqual([
          { at: iso(t0), byStatus: { queued: 2 } },
          { at: iso(t0 + 1000), byStatus: { sent: 1 } },
          { at: iso(t0 + 2000), byStatus: {} },
        ])
        expect(await store.stats.series('sb', t0, t0 + 120_000, 60_000)).toEqual([
          { at: iso(t0), byStatus: { queued: 2, sent: 1 } },
          { at: iso(t0 + 60_000), byStatus: { failed: 1 } },
        ])
      })
    })

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}
