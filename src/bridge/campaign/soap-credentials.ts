import type { Keyring, Principal } from '../../auth/credentials.ts'

/**
 * Who is calling the SOAP router (SPEC section 10): a `sessiontoken` of `clientId/secret` (an OAuth
 * client) or `apiKey/` (an API key) when one is given, else the `Authorization` header (API key or
 * OAuth access token) with an empty sessiontoken. Null when neither proves anything.
 */
export async function soapPrincipal(
  keyring: Keyring,
  { authorization, sessiontoken }: { authorization?: string; sessiontoken: string },
): Promise<Principal | null> {
  if (sessiontoken) {
    const slash = sessiontoken.indexOf('/')
    if (slash < 0) return keyring.resolve(sessiontoken)
    const user = sessiontoken.slice(0, slash)
    const secret = sessiontoken.slice(slash + 1)
    if (!user) return null
    if (!secret) return keyring.apiKey(user)
    const client = keyring.client(user, secret)
    if (!client) return null
    const isTestKey = client.scopes.includes('test')
    return {
      sandbox: isTestKey ? `${client.sandbox}/test` : client.sandbox,
      baseSandbox: client.sandbox,
      scopes: client.scopes,
      isTestKey,
      keyId: `client:${client.clientId}`,
    }
  }
  return keyring.fromHeader(authorization)
}
