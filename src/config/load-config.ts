import { type Credential, configSchema, crossFieldProblems, type RawConfig } from './config-schema.ts'

const DEV_AUTH_SECRET = 'sendgate-development-secret-do-not-use'

export interface Config extends Omit<RawConfig, 'API_KEYS' | 'OAUTH_CLIENTS' | 'AUTH_SECRET' | 'PUBLIC_URL'> {
  API_KEYS: Credential[]
  OAUTH_CLIENTS: { clientId: string; secret: string; sandbox: string; scopes: Credential['scopes'] }[]
  AUTH_SECRET: string
  /** True when AUTH_SECRET was not set and the development default is used (logged at start). */
  authSecretIsDefault: boolean
  PUBLIC_URL: string
  /** Domains a message's own `from` may use. */
  fromDomains: string[]
  /** SMS sender identity that owns opt-outs: messaging service SID, else the from number. */
  smsSender: string
  isTest: boolean
}

/** Raised at start with every configuration problem in one message. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

function domainOf(address: string): string | undefined {
  const m = /@([^>\s]+)>?\s*$/.exec(address)
  return m?.[1]?.toLowerCase()
}

/** Parses the environment once; nothing else reads `process.env` (STYLE habit 7). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = configSchema.safeParse(cleaned)
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`)),
    ...crossFieldProblems(cleaned),
  ]
  if (!parsed.success || problems.length) throw new ConfigError(problems)
  const c = parsed.data
  const port = c.PORT
  const fromDomains = (c.EMAIL_FROM_DOMAINS ?? domainOf(c.EMAIL_FROM) ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean)
  return {
    ...c,
    API_KEYS: c.API_KEYS.map((k) => ({ token: k.id, sandbox: k.sandbox, scopes: k.scopes })),
    OAUTH_CLIENTS: c.OAUTH_CLIENTS.map((k) => ({
      clientId: k.id,
      secret: k.secret,
      sandbox: k.sandbox,
      scopes: k.scopes,
    })),
    AUTH_SECRET: c.AUTH_SECRET ?? DEV_AUTH_SECRET,
    authSecretIsDefault: !c.AUTH_SECRET,
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://${c.HOST}:${port}`).replace(/\/$/, ''),
    fromDomains,
    smsSender: c.TWILIO_MESSAGING_SERVICE_SID ?? c.TWILIO_FROM ?? 'sandbox',
    isTest: c.NODE_ENV === 'test',
  }
}
