/**
 * The Google service account FCM HTTP v1 authenticates with (the JSON file downloaded from the
 * Firebase console). `FCM_SERVICE_ACCOUNT` may be that file's path or its JSON text (SPEC section 1).
 */
import { readFileSync } from 'node:fs'

export interface ServiceAccount {
  project_id: string
  client_email: string
  /** PKCS#8 PEM, as Google issues it. */
  private_key: string
  private_key_id?: string
  token_uri?: string
}

/** What is wrong with a parsed service account, one line each; empty when it is usable. */
export function serviceAccountProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be a JSON object']
  const account = value as Record<string, unknown>
  const problems: string[] = []
  for (const field of ['project_id', 'client_email', 'private_key'] as const) {
    if (typeof account[field] !== 'string' || account[field] === '') problems.push(`"${field}" is missing`)
  }
  if (
    typeof account.private_key === 'string' &&
    account.private_key &&
    !account.private_key.includes('PRIVATE KEY-----')
  )
    problems.push('"private_key" is not a PEM private key')
  if (account.token_uri !== undefined && typeof account.token_uri !== 'string')
    problems.push('"token_uri" must be a string')
  return problems
}

/**
 * Reads `FCM_SERVICE_ACCOUNT`: JSON text when it starts with `{`, else a file path. Throws one message
 * naming every problem, because a wrong service account is a start-up error.
 */
export function readServiceAccount(pathOrJson: string): ServiceAccount {
  const text = pathOrJson.trimStart().startsWith('{') ? pathOrJson : readFileSync(pathOrJson, 'utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new Error(`FCM_SERVICE_ACCOUNT is not valid JSON: ${(e as Error).message}`)
  }
  const problems = serviceAccountProblems(parsed)
  if (problems.length) throw new Error(`FCM_SERVICE_ACCOUNT: ${problems.join('; ')}`)
  return parsed as ServiceAccount
}
