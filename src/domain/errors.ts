/** The one table of API error codes: every route answers a problem with the status listed here. */
export const errorCodes = {
  VALIDATION: { status: 400, title: 'Invalid request' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  IDEMPOTENCY_MISMATCH: { status: 422, title: 'Idempotency key reused with a different body' },
  TEMPLATE_ERROR: { status: 422, title: 'Template error' },
  CONTENT_LIMIT: { status: 422, title: 'Content over the channel limit' },
  CAPPED: { status: 429, title: 'Capped' },
  INTERNAL: { status: 500, title: 'Internal error' },
  OVERLOADED: { status: 503, title: 'Overloaded' },
  STORE_UNAVAILABLE: { status: 503, title: 'Store unavailable' },
} as const

export type ErrorCode = keyof typeof errorCodes

/** One field problem, `path` a dotted field path. */
export interface FieldError {
  path: string
  message: string
}

/** Base of every expected API error; routes throw these and the error handler writes problem+json. */
export class GatewayError extends Error {
  override name = 'GatewayError'
  readonly status: number
  readonly extra: Record<string, unknown>
  readonly headers: Record<string, string>
  constructor(
    readonly code: ErrorCode | ConfigErrorCode,
    message: string,
    options: {
      errors?: FieldError[]
      cause?: unknown
      status?: number
      extra?: Record<string, unknown>
      headers?: Record<string, string>
    } = {},
  ) {
    super(message, { cause: options.cause })
    this.status = options.status ?? (code in errorCodes ? errorCodes[code as ErrorCode].status : 400)
    this.errors = options.errors
    this.extra = options.extra ?? {}
    this.headers = options.headers ?? {}
  }
  readonly errors: FieldError[] | undefined
}

/** AJO-style configuration API codes (`ERR_ENDPOINTCONFIG_1xx`, ...): always HTTP 400. */
export type ConfigErrorCode = `ERR_${string}`

export class ValidationError extends GatewayError {
  override name = 'ValidationError'
  constructor(message: string, errors?: FieldError[]) {
    super('VALIDATION', message, { errors })
  }
}

export class NotFoundError extends GatewayError {
  override name = 'NotFoundError'
  constructor(what = 'Resource') {
    super('NOT_FOUND', `${what} not found`)
  }
}

export class ConflictError extends GatewayError {
  override name = 'ConflictError'
  constructor(message: string, headers?: Record<string, string>) {
    super('CONFLICT', message, { headers })
  }
}

export class TemplateError extends GatewayError {
  override name = 'TemplateError'
  constructor(message: string, cause?: unknown) {
    super('TEMPLATE_ERROR', message, { cause })
  }
}

export class ContentLimitError extends GatewayError {
  override name = 'ContentLimitError'
  constructor(message: string) {
    super('CONTENT_LIMIT', message)
  }
}

export class StoreUnavailableError extends GatewayError {
  override name = 'StoreUnavailableError'
  constructor(cause?: unknown) {
    super('STORE_UNAVAILABLE', 'The store did not answer in time', { cause, headers: { 'retry-after': '1' } })
  }
}
