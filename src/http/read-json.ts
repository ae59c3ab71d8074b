import type { Context } from 'hono'
import { GatewayError, ValidationError } from '../domain/errors.ts'

export const MB = 1024 * 1024

/** Reads the raw body up to `limit` bytes; a larger one is 413 before it is buffered whole. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (declared > limit) throw tooLarge(limit)
  const stream = c.req.raw.body
  if (!stream) return ''
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const tooLarge = (limit: number) =>
  new GatewayError('PAYLOAD_TOO_LARGE', `Body is larger than ${Math.round(limit / MB)} MB`)

export function requireJsonContentType(c: Context): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json' && !type?.endsWith('+json'))
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'Only application/json bodies are accepted')
}

/** Parses JSON text; malformed JSON is a 400, never a 500 (SPEC section 3). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ValidationError(`Malformed JSON: ${(e as Error).message}`)
  }
}

/** Content type check, size limit and parse for JSON routes. */
export async function readJson(c: Context, limit = MB): Promise<{ value: unknown; text: string }> {
  requireJsonContentType(c)
  const text = await readBodyText(c, limit)
  return { value: parseJson(text), text }
}
