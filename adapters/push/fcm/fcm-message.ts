/**
 * The FCM HTTP v1 `messages:send` body for one push (SPEC section 8): the common notification and
 * data, the Android block (priority, ttl, collapse key, sound) and the APNs block FCM relays to iOS
 * devices (aps fields and apns-* headers), then the caller's raw `fcm` override merged over it all.
 */
import type { PushContent } from '../../../src/domain/message.ts'
import { apnsExpiration, isBackgroundPush } from '../apns-fields.ts'
import { compact, deepMerge } from '../deep-merge.ts'

/** `{message: {...}}` for `POST /v1/projects/{id}/messages:send`. */
export function fcmMessageBody(token: string, push: PushContent, nowMs: number): { message: Record<string, unknown> } {
  const notification = compact({ title: push.title, body: push.body, image: push.image })
  const android = compact({
    priority: push.priority === undefined ? undefined : push.priority === 'high' ? 'HIGH' : 'NORMAL',
    ttl: push.ttlSeconds === undefined ? undefined : `${push.ttlSeconds}s`,
    collapse_key: push.collapseKey,
    notification: push.sound === undefined ? undefined : { sound: push.sound },
  })
  const message: Record<string, unknown> = compact({
    token,
    notification: isEmpty(notification) ? undefined : notification,
    data: push.data && !isEmpty(push.data) ? push.data : undefined,
    android: isEmpty(android) ? undefined : android,
    apns: apnsBlock(push, nowMs),
  })
  return { message: deepMerge(message, push.fcm) }
}

/** What FCM forwards to APNs for iOS tokens: the aps dictionary and the apns-* headers. */
function apnsBlock(push: PushContent, nowMs: number): Record<string, unknown> | undefined {
  const aps = compact({
    badge: push.badge,
    sound: push.sound,
    'content-available': push.contentAvailable ? 1 : undefined,
    'mutable-content': push.mutableContent ? 1 : undefined,
  })
  const background = isBackgroundPush(push)
  const headers = compact({
    'apns-priority':
      push.priority === undefined && !background ? undefined : push.priority === 'high' && !background ? '10' : '5',
    'apns-expiration': push.ttlSeconds === undefined ? undefined : String(apnsExpiration(push.ttlSeconds, nowMs)),
    'apns-collapse-id': push.collapseKey,
    'apns-push-type': push.pushType ?? (background ? 'background' : undefined),
  })
  const block = compact({
    headers: isEmpty(headers) ? undefined : headers,
    payload: isEmpty(aps) ? undefined : { aps },
    fcm_options: push.image ? { image: push.image } : undefined,
  })
  return isEmpty(block) ? undefined : block
}

function isEmpty(value: object): boolean {
  return Object.keys(value).length === 0
}
