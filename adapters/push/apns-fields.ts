/**
 * APNs rules shared by the APNs adapter and the APNs block FCM relays to iOS devices, so both send a
 * push the same way.
 */
import type { PushContent } from '../../src/domain/message.ts'

/** `apns-expiration` from `ttlSeconds`: 0 means "deliver now or never", otherwise UNIX seconds. */
export function apnsExpiration(ttlSeconds: number, nowMs: number): number {
  return ttlSeconds === 0 ? 0 : Math.floor(nowMs / 1000) + ttlSeconds
}

/** A silent content update: Apple wants `apns-push-type: background` and priority 5 for it. */
export function isBackgroundPush(push: PushContent): boolean {
  return (
    push.contentAvailable === true && !push.title && !push.body && push.sound === undefined && push.badge === undefined
  )
}
