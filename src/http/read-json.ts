import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { GatewayError, ValidationError } from '../domain/errors.ts'

export const MB = 1024 * 1024

/**
 * The body straight from Node's IncomingMessage (on @hono/node-server): touching `c.req.raw.body` makes
 * the adapter build a whole Web Request and stream per request, which profiling showed as the largest
 * single cost of a small JSON request.
 */
function readIncoming(incoming: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        incoming.resume()
        reject(tooLarge(limit))
      } else chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const onError = (e: Error) => {
      cleanup()
      reject(new ValidationError(`Could not read the body: ${e.message}`))
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
  })
}

/** Reads the raw body up to `limit` bytes; a larger one is 413 before it is buffered whole. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (declared > limit) throw tooLarge(limit)
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (incoming && typeof incoming.on === 'function' && !incoming.readableEnded) return readIncoming(incoming, limit)
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
