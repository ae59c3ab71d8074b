/**
 * URL patterns of endpoint and throttling configs (SPEC section 6): scheme, host and effective port equal;
 * a trailing `/*` matches the rest of the path (also nothing: `/api/*` matches `/api`), an inner `*`
 * matches within one path segment; query strings are ignored on both sides. Config URLs are not subject
 * to the custom-action URL rules (IP literals and any port are fine).
 */

export interface UrlPattern {
  source: string
  /** `scheme://host:port`, the port always written out (80/443 when the URL has none). */
  origin: string
  /** One matcher per path segment before the trailing wildcard: a literal, or a regex for a `*` segment. */
  segments: Array<string | RegExp>
  /** Whether the pattern ends with `/*`. */
  rest: boolean
  /** Characters of the path before its first `*`: the longest literal prefix wins among matches. */
  literalPrefix: number
  /** Count of `*`, fewer wins a tie. */
  wildcards: number
}

export type UrlPatternProblem = 'missing' | 'malformed' | 'wildcard-host'

const SCHEME_AUTHORITY = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)/

/** Effective origin of a URL: `scheme://host:port` with the default port filled in. */
export function originOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '')
  return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`
}

function segmentMatcher(segment: string): string | RegExp {
  if (!segment.includes('*')) return segment
  const body = segment
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*')
  return new RegExp(`^${body}$`)
}

/** Parses a config URL; problems are values (the routes map them to their ERR_* codes). */
export function parseUrlPattern(
  raw: unknown,
): { ok: true; pattern: UrlPattern } | { ok: false; problem: UrlPatternProblem } {
  if (raw === undefined || raw === null || raw === '') return { ok: false, problem: 'missing' }
  if (typeof raw !== 'string') return { ok: false, problem: 'malformed' }
  const head = SCHEME_AUTHORITY.exec(raw.trim())
  if (!head) return { ok: false, problem: 'malformed' }
  const scheme = head[1]?.toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return { ok: false, problem: 'malformed' }
  if (head[2]?.includes('*')) return { ok: false, problem: 'wildcard-host' }
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return { ok: false, problem: 'malformed' }
  }
  if (!url.hostname || url.username || url.password) return { ok: false, problem: 'malformed' }
  const parts = url.pathname.split('/').slice(1)
  const rest = parts.length > 0 && parts[parts.length - 1] === '*'
  if (rest) parts.pop()
  const star = url.pathname.indexOf('*')
  return {
    ok: true,
    pattern: {
      source: raw,
      origin: originOf(url),
      segments: parts.map(segmentMatcher),
      rest,
      literalPrefix: star === -1 ? url.pathname.length : star,
      wildcards: (url.pathname.match(/\*/g) ?? []).length,
    },
  }
}

/** Whether `url` (already parsed) falls under the pattern. */
export function matchesUrl(pattern: UrlPattern, url: URL): boolean {
  if (originOf(url) !== pattern.origin) return false
  const parts = url.pathname.split('/').slice(1)
  const { segments } = pattern
  if (pattern.rest ? parts.length < segments.length : parts.length !== segments.length) return false
  for (let i = 0; i < segments.length; i++) {
    const want = segments[i]
    const got = parts[i] ?? ''
    if (typeof want === 'string' ? want !== got : !want?.test(got)) return false
  }
  return true
}

/** Orders matching patterns best first: longest literal prefix, then exact over wildcard, then fewer `*`. */
export function comparePatterns(a: UrlPattern, b: UrlPattern): number {
  return (
    b.literalPrefix - a.literalPrefix ||
    Number(!b.rest && b.wildcards === 0) - Number(!a.rest && a.wildcards === 0) ||
    a.wildcards - b.wildcards
  )
}
