const KEY = 'sendgate.apiKey'

/** The signed-in API key, held for this browser tab's session only (never localStorage or cookies). */
export const session = {
  get key() {
    return sessionStorage.getItem(KEY)
  },
  signIn(key) {
    sessionStorage.setItem(KEY, key)
  },
  signOut() {
    sessionStorage.removeItem(KEY)
  },
}

/** A non-2xx answer, with the RFC 9457 problem body when the gateway sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The gateway answered ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
  }
}

/**
 * Calls the gateway's JSON API with the session key. Objects are sent as JSON, strings as they are
 * (give `type`). Answers parsed JSON, text for other content types, or null for 204. A 401 on a
 * signed-in call also fires `sendgate:unauthorized` so the console can return to sign-in.
 */
export async function api(path, { method = 'GET', body, type, key = session.key } = {}) {
  const headers = { accept: 'application/json' }
  if (key) headers.authorization = `Bearer ${key}`
  let payload
  if (typeof body === 'string') {
    payload = body
    headers['content-type'] = type ?? 'text/plain'
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['content-type'] = 'application/json'
  }
  const res = await fetch(path, { method, headers, body: payload })
  const contentType = res.headers.get('content-type') ?? ''
  const data =
    res.status === 204 ? null : contentType.includes('json') ? await res.json().catch(() => null) : await res.text()
  if (!res.ok) {
    if (res.status === 401 && key === session.key) window.dispatchEvent(new CustomEvent('sendgate:unauthorized'))
    throw new ApiError(res.status, typeof data === 'object' ? data : null)
  }
  return data
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
