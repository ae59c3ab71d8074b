/**
 * AJO's "Allow NULL values" off (`action.dropNulls: true`, SPEC section 5): null items are removed
 * from arrays at any depth. A null field cannot be told apart from a null array without a schema, so
 * null object fields are kept as they are.
 */

/** A copy of `value` without null array items; everything else unchanged. */
export function dropNullItems(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(dropNullItems)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, dropNullItems(item)]))
}
