/**
 * The first of `paths` (dotted, like `order.total`) that `data` lacks, or undefined when all are there.
 * `null` counts as present; only own properties count, so `constructor` is never found on the prototype.
 */
export function firstMissingPath(data: unknown, paths: readonly string[]): string | undefined {
  return paths.find((path) => !hasPath(data, path))
}

function hasPath(data: unknown, path: string): boolean {
  let current = data
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return false
    current = (current as Record<string, unknown>)[part]
    if (current === undefined) return false
  }
  return true
}
