import type { Channel } from '../../domain/message.ts'
import type { Store } from '../../store/types.ts'
import { type CampaignEventStatus, eventStatusOf } from './event-status.ts'

/** What the gateway keeps about one Message Center event, by sandbox and PKey. */
export interface CampaignEventDocument {
  pkey: string
  /** The event type (`cartAbandonment`); the REST eventId is `EVT` + type. */
  type: string
  createdAt: string
  /** The message the event became, when it became one. */
  messageId?: string
  channel?: Channel
  template?: string
  externalId?: string
  /** Set when the event was refused before becoming a message (routingFailed, deliveryFailed, ...). */
  status?: CampaignEventStatus
  reason?: string
}

export interface CampaignEventView extends CampaignEventDocument {
  status: CampaignEventStatus
}

const keyOf = (pkey: string) => `campaign-event:${pkey}`

/**
 * Events kept as sandbox-scoped documents with a TTL in the idempotency store (the one key/value with
 * expiry that both stores share); an event's live status is read from its message.
 */
export function campaignEventStore({ store, ttlMs }: { store: Store; ttlMs: number }) {
  return {
    /** Writes a new event; false when the PKey is taken (then draw another). */
    async create(sandbox: string, doc: CampaignEventDocument): Promise<boolean> {
      const prior = await store.idempotency.claim(
        sandbox,
        keyOf(doc.pkey),
        { bodyHash: '', response: { status: 201, body: { ...doc } } },
        ttlMs,
      )
      return prior === null
    },
    async get(sandbox: string, pkey: string): Promise<CampaignEventView | null> {
      const record = await store.idempotency.get(sandbox, keyOf(pkey))
      if (!record) return null
      const doc = record.response.body as unknown as CampaignEventDocument
      if (doc.status) return { ...doc, status: doc.status }
      const message = doc.messageId ? await store.messages.get(sandbox, doc.messageId) : null
      if (!message) return { ...doc, status: 'pending' }
      return { ...doc, status: eventStatusOf(message) }
    },
  }
}

export type CampaignEventStore = ReturnType<typeof campaignEventStore>
