import type { Context } from 'hono'
import { type ErrorCode, errorCodes, type FieldError, GatewayError } from '../domain/errors.ts'

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  requestId: string
  errors?: FieldError[]
  [extra: string]: unknown
}

/** RFC 9457 body for an error (SPEC section 3). */
export function problemOf(error: GatewayError, requestId: string): Problem {
  const known = errorCodes[error.code as ErrorCode]
  return {
    type: `https://sendgate.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: known?.title ?? 'Invalid configuration request',
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId,
    ...(error.errors?.length ? { errors: error.errors } : {}),
    ...error.extra,
  }
}

export function problemResponse(c: Context, error: GatewayError): Response {
  const requestId = c.get('requestId') ?? ''
  return new Response(JSON.stringify(problemOf(error, requestId)), {
    status: error.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...error.headers,
    },
  })
}

export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  return new GatewayError('INTERNAL', 'Internal error', { cause: error })
}
