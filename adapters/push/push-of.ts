import type { MessageRecord, PushContent, PushTarget } from '../../src/domain/message.ts'

/** The token and push fields of a dispatched push; anything else reaching a push adapter is a bug upstream. */
export function pushOf(message: MessageRecord): { token: string; push: PushContent } {
  const to = message.to as Partial<PushTarget>
  if (message.channel !== 'push' || typeof to !== 'object' || typeof to.token !== 'string')
    throw new TypeError(`message ${message.id} is not a push message with a token`)
  return { token: to.token, push: message.content.push ?? {} }
}
