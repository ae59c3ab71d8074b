import type { GatewayError } from '../../domain/errors.ts'

/** Which execution an error is about, echoed back as AJO does. */
export interface AjoErrorContext {
  requestId?: string
  campaignId?: string
}

/**
 * The body every `/ajo` error answers with (SPEC section 3), Adobe's shape instead of problem+json:
 * `{type, title, status, code, report:{additionalContext:{requestId, campaignId}}}`, plus `detail` and
 * the field problems for people reading it.
 */
export function ajoErrorBody(error: GatewayError, context: AjoErrorContext): Record<string, unknown> {
  return {
    type: `https://sendgate.dev/problems/ajo-${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: titleOf(error.status),
    status: error.status,
    code: error.code,
    detail: error.message,
    report: {
      additionalContext: { requestId: context.requestId ?? null, campaignId: context.campaignId ?? null },
      ...(error.errors?.length ? { errors: error.errors } : {}),
    },
  }
}

function titleOf(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request'
    case 401:
      return 'Unauthorized'
    case 403:
      return 'Forbidden'
    case 409:
      return 'Conflict'
    case 413:
      return 'Payload Too Large'
    case 415:
      return 'Unsupported Media Type'
    case 503:
      return 'Service Unavailable'
    default:
      return status >= 500 ? 'Internal Server Error' : 'Request Error'
  }
}
