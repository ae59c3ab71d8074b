import { SegmentedMessage } from 'sms-segments-calculator'
import { ContentLimitError } from '../domain/errors.ts'
import type { Channel, RenderedContent } from '../domain/message.ts'

/** Channel limits of SPEC section 4. */
export const contentLimits = {
  emailBytes: 2 * 1024 * 1024,
  pushBytes: 4096,
  smsCodeUnits: 1600,
  mmsMediaUrls: 10,
} as const

/**
 * Refuses rendered or inline content over its channel's limit (422 `CONTENT_LIMIT`) before anything is
 * stored; the message says the limit and the actual size so the caller can fix the content.
 */
export function checkContentLimits(channel: Channel, content: RenderedContent): void {
  if (channel === 'email') checkEmail(content)
  else if (channel === 'push') checkPush(content)
  else if (channel === 'sms') checkSmsBody(content.body ?? '', 'SMS')
  else if (channel === 'mms') {
    checkMediaUrls(content.mediaUrls ?? [])
    checkSmsBody(content.body ?? '', 'MMS')
  }
}

/** How an SMS body will be billed and split, reported on the message (`segments`, `encoding`). */
export function smsSegments(body: string): { segments: number; encoding: 'GSM-7' | 'UCS-2' } {
  const message = new SegmentedMessage(body)
  return { segments: message.segmentsCount, encoding: message.encodingName }
}

function checkEmail({ subject = '', html = '', text = '', attachments = [] }: RenderedContent): void {
  const bytes =
    utf8Bytes(subject) +
    utf8Bytes(html) +
    utf8Bytes(text) +
    attachments.reduce((sum, a) => sum + base64DecodedBytes(a.contentBase64), 0)
  const limit = contentLimits.emailBytes
  if (bytes > limit) {
    throw new ContentLimitError(
      `Email is ${bytes} bytes (subject, html, text and attachments), over the ${limit}-byte limit`,
    )
  }
}

function checkPush({ push = {} }: RenderedContent): void {
  const bytes = utf8Bytes(JSON.stringify(push))
  const limit = contentLimits.pushBytes
  if (bytes > limit) throw new ContentLimitError(`Push payload is ${bytes} bytes of JSON, over the ${limit}-byte limit`)
}

function checkSmsBody(body: string, kind: 'SMS' | 'MMS'): void {
  const limit = contentLimits.smsCodeUnits
  if (body.length > limit) {
    throw new ContentLimitError(`${kind} body is ${body.length} UTF-16 code units, over the ${limit} limit`)
  }
}

function checkMediaUrls(mediaUrls: string[]): void {
  const limit = contentLimits.mmsMediaUrls
  if (mediaUrls.length < 1 || mediaUrls.length > limit) {
    throw new ContentLimitError(`MMS needs 1 to ${limit} media URLs, got ${mediaUrls.length}`)
  }
}

const encoder = new TextEncoder()

function utf8Bytes(text: string): number {
  return text.length === 0 ? 0 : encoder.encode(text).byteLength
}

/** Size of the decoded attachment, computed from the base64 text without decoding it. */
function base64DecodedBytes(base64: string): number {
  const clean = base64.replace(/[^A-Za-z0-9+/=_-]/g, '')
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0
  return Math.floor((clean.length * 3) / 4) - padding
}
