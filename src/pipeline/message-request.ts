import { z } from '@hono/zod-openapi'
import { channels } from '../domain/message.ts'

const stringMap = z.record(z.string(), z.string())
const isoDate = z.iso.datetime({ offset: true })

export const pushTargetSchema = z.object({
  token: z.string().min(1).max(4096),
  platform: z.enum(['fcm', 'apns']),
  registeredAt: isoDate.optional(),
})
export const campaignTargetSchema = z.object({
  email: z.string().max(320).optional(),
  mobilePhone: z.string().max(64).optional(),
  wishedChannel: z.union([z.number().int(), z.string().regex(/^\d+$/)]).optional(),
})

export const attachmentSchema = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  contentBase64: z.string().regex(/^[A-Za-z0-9+/=\s]*$/, 'must be base64'),
})

export const contentSchema = z
  .object({
    subject: z.string().max(998).optional(),
    html: z.string().optional(),
    text: z.string().optional(),
    body: z.string().optional(),
    title: z.string().optional(),
    mediaUrls: z.array(z.url()).optional(),
    attachments: z.array(attachmentSchema).max(100).optional(),
    image: z.url().optional(),
    data: stringMap.optional(),
    badge: z.number().int().min(0).optional(),
    sound: z.string().optional(),
    contentAvailable: z.boolean().optional(),
    mutableContent: z.boolean().optional(),
    collapseKey: z.string().max(64).optional(),
    ttlSeconds: z.number().int().min(0).max(2_419_200).optional(),
    priority: z.enum(['high', 'normal']).optional(),
    pushType: z.string().optional(),
    fcm: z.record(z.string(), z.unknown()).optional(),
    apns: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

export const actionSchema = z
  .object({
    method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
    headers: stringMap.default({}),
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(1).max(30_000).default(30_000),
    dropNulls: z.boolean().default(false),
  })
  .strict()

/** `POST /v1/messages` body (SPEC section 4); channel-specific rules are checked after parsing. */
export const messageRequestSchema = z
  .object({
    channel: z.enum(channels),
    to: z.union([z.string().min(1).max(2048), pushTargetSchema, campaignTargetSchema]),
    template: z.string().min(1).max(64).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    content: contentSchema.optional(),
    category: z.enum(['transactional', 'marketing']).optional(),
    priority: z.enum(['high', 'normal', 'low']).default('normal'),
    from: z.string().max(320).optional(),
    replyTo: z.string().max(320).optional(),
    action: actionSchema.optional(),
    callbackUrl: z.url().max(2048).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    sendAt: isoDate.optional(),
    expiresAt: isoDate.optional(),
    idempotencyKey: z.string().min(1).max(255).optional(),
  })
  .strict()
  .openapi('MessageRequest')

export type MessageRequest = z.output<typeof messageRequestSchema>

export const batchRequestSchema = z
  .object({ messages: z.array(z.unknown()).min(1).max(1000) })
  .strict()
  .openapi('BatchRequest')

export const messageResponseSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    reason: z.string().optional(),
    segments: z.number().optional(),
    encoding: z.string().optional(),
  })
  .openapi('MessageAccepted')
