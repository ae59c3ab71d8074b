/**
 * One APNs request for a push (SPEC section 8): the `aps` dictionary (alert title/body, badge, sound,
 * content-available, mutable-content), the custom `data` keys beside it, the caller's raw `apns`
 * override merged over the payload, and the apns-* headers (push type, priority, expiration, collapse id).
 */
import type { PushContent } from '../../../src/domain/message.ts'
import { apnsExpiration, isBackgroundPush } from '../apns-fields.ts'
import { compact, deepMerge } from '../deep-merge.ts'

/** What the provider sends to `/3/device/<token>`. */
export interface ApnsPush {
  token: string
  topic: string
  /** `apns-push-type`. */
  pushType: string
  /** `apns-priority`: 10 now, 5 when convenient for the device (required for background pushes). */
  priority: 5 | 10
  /** `apns-expiration`, UNIX seconds; absent lets APNs pick. */
  expiration?: number
  /** `apns-collapse-id`. */
  collapseId?: string
  payload: Record<string, unknown>
}

/** Builds the request; `nowMs` turns `ttlSeconds` into an expiration time. */
export function apnsPush({
  token,
  topic,
  push,
  nowMs,
}: {
  token: string
  topic: string
  push: PushContent
  nowMs: number
}): ApnsPush {
  const alert = compact({ title: push.title, body: push.body })
  const aps = compact({
    alert: Object.keys(alert).length ? alert : undefined,
    badge: push.badge,
    sound: push.sound,
    'content-available': push.contentAvailable ? 1 : undefined,
    'mutable-content': push.mutableContent ? 1 : undefined,
  })
  const background = isBackgroundPush(push)
  const pushType = push.pushType ?? (background ? 'background' : 'alert')
  const priority = pushType === 'background' || push.priority === 'normal' ? 5 : 10
  return {
    token,
    topic,
    pushType,
    priority,
    ...(push.ttlSeconds === undefined ? {} : { expiration: apnsExpiration(push.ttlSeconds, nowMs) }),
    ...(push.collapseKey ? { collapseId: push.collapseKey } : {}),
    payload: deepMerge({ ...push.data, aps }, push.apns),
  }
}
