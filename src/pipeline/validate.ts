import type { z } from 'zod'
import { type FieldError, ValidationError } from '../domain/errors.ts'

/** Parses with a zod schema; failures become one 400 listing each field problem with a dotted path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }))
  throw new ValidationError(`Invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors)
}

export function fieldError(path: string, message: string): ValidationError {
  return new ValidationError(`${path}: ${message}`, [{ path, message }])
}
