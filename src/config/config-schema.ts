import { z } from 'zod'

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
/** `count/periodMs`, e.g. `300000/60000`. */
const windowLimit = z
  .string()
  .regex(/^\d+\/\d+$/, 'expected count/periodMs, e.g. 300000/60000')
  .transform((v) => {
    const [limit, windowMs] = v.split('/').map(Number)
    return { limit: limit ?? 0, windowMs: windowMs ?? 0 }
  })
  .refine((w) => w.limit >= 1 && w.windowMs >= 1, 'count and period must be at least 1')
/** `7d`, `12h`, `30m`, `45s` or milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'expected a duration like 7d, 12h, 30m or 45s')
  .transform((v) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h|d)?$/.exec(v) ?? []
    const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit ?? 'ms'] ?? 1
    return Number(n) * scale
  })
const scopes = ['send', 'admin', 'test'] as const
export type Scope = (typeof scopes)[number]

export interface Credential {
  token: string
  sandbox: string
  scopes: Scope[]
}

const credentialList = (fields: number, what: string) =>
  z.string().transform((v, ctx) => {
    const out: { id: string; secret: string; sandbox: string; scopes: Scope[] }[] = []
    for (const raw of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const parts = raw.split(':')
      const [id, secret, sandbox, scopeText] = fields === 4 ? parts : [parts[0], '', parts[1], parts[2]]
      const list = (scopeText ?? '').split('+').filter(Boolean)
      if (parts.length !== fields || !id || !sandbox || (fields === 4 && !secret)) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} entry "${id ?? ''}:…" must be ${fields === 4 ? 'clientId:secret:sandbox:scopes' : 'token:sandbox:scopes'}`,
        })
        continue
      }
      const bad = list.filter((s) => !(scopes as readonly string[]).includes(s))
      if (bad.length || !list.length) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} entry for sandbox ${sandbox}: scopes must be send, admin or test joined by +`,
        })
        continue
      }
      out.push({ id, secret: secret ?? '', sandbox, scopes: list as Scope[] })
    }
    return out
  })

/** Every environment variable of SPEC section 1; parsed once at start (STYLE habit 7). */
export const configSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  NODE_ENV: z.string().default('development'),
  STORE: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: z.string().optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  REDIS_TIMEOUT_MS: int(1, 60_000).default(1000),
  API_KEYS: credentialList(3, 'API_KEYS').default([
    { id: 'dev-key', secret: '', sandbox: 'dev', scopes: ['send', 'admin'] },
  ]),
  OAUTH_CLIENTS: credentialList(4, 'OAUTH_CLIENTS').default([]),
  AUTH_SECRET: z.string().min(16, 'AUTH_SECRET must be at least 16 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  TEMPLATES_DIR: z.string().default('templates'),
  EMAIL_TRANSPORT: z.enum(['smtp', 'sandbox']).default('sandbox'),
  SMTP_URL: z.string().optional(),
  EMAIL_FROM: z.string().default('sendgate <no-reply@sendgate.local>'),
  EMAIL_FROM_DOMAINS: z.string().optional(),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  SMS_PROVIDER: z.enum(['twilio', 'sandbox']).default('sandbox'),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().optional(),
  TWILIO_API_BASE: z.url().optional(),
  SMS_DEFAULT_REGION: z.string().length(2).default('US'),
  SMS_HELP_TEXT: z.string().default('Reply STOP to unsubscribe.'),
  PUSH_FCM: z.enum(['fcm', 'sandbox']).default('sandbox'),
  FCM_SERVICE_ACCOUNT: z.string().optional(),
  FCM_API_BASE: z.url().default('https://fcm.googleapis.com'),
  FCM_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  PUSH_APNS: z.enum(['apns', 'sandbox']).default('sandbox'),
  APNS_KEY: z.string().optional(),
  APNS_KEY_ID: z.string().optional(),
  APNS_TEAM_ID: z.string().optional(),
  APNS_TOPIC: z.string().optional(),
  APNS_PRODUCTION: bool.default(false),
  APNS_HOST: z.string().optional(),
  APNS_PORT: int(1, 65535).optional(),
  APNS_CA: z.string().optional(),
  CAMPAIGN_URL: z.url().optional(),
  CAMPAIGN_USER: z.string().optional(),
  CAMPAIGN_PASSWORD: z.string().optional(),
  CAMPAIGN_BEARER: z.string().optional(),
  ACTIONS_ALLOW_PRIVATE: bool.default(false),
  DEFAULT_CAP: windowLimit.default({ limit: 300_000, windowMs: 60_000 }),
  SLOW_CAP: windowLimit.default({ limit: 150_000, windowMs: 30_000 }),
  SLOW_ENDPOINT_MS: int(1, 600_000).default(750),
  TRANSACTIONAL_RATE: int(0, 1_000_000).default(500),
  SOFT_BOUNCE_THRESHOLD: int(1, 20).default(5),
  RETRY_BASE_MS: int(1, 60_000).default(200),
  DISPATCH_LEASE_MS: int(1000, 3_600_000).default(60_000),
  MAX_INFLIGHT: int(1, 1_000_000).default(10_000),
  MAX_SYNC_WAITERS: int(0, 1_000_000).default(5000),
  MESSAGE_RETENTION: duration.default(7 * 86_400_000),
  WEBHOOK_SECRET: z.string().optional(),
  ROLE: z.enum(['all', 'api', 'dispatcher']).default('all'),
  BENCH: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

/**
 * Rules across variables, judged on the raw environment so that they are reported together with the
 * per-variable problems (zod skips refinements of an object that failed).
 */
export function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = []
  const problem = (name: string, message: string) => problems.push(`${name}: ${message}`)
  const store = env.STORE ?? 'memory'
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES)
    problem('REDIS_CLUSTER_NODES', 'set either REDIS_URL or REDIS_CLUSTER_NODES, not both')
  if ((env.ROLE ?? 'all') !== 'all' && store !== 'redis') problem('ROLE', `ROLE=${env.ROLE} needs STORE=redis`)
  if (env.NODE_ENV === 'production') {
    if (!env.AUTH_SECRET) problem('AUTH_SECRET', 'AUTH_SECRET is required when NODE_ENV=production')
    if (!env.API_KEYS || /(^|,)\s*dev-key:/.test(env.API_KEYS))
      problem('API_KEYS', 'set API_KEYS: the development key dev-key is refused when NODE_ENV=production')
  }
  if (env.EMAIL_TRANSPORT === 'smtp' && !env.SMTP_URL)
    problem('SMTP_URL', 'SMTP_URL is required with EMAIL_TRANSPORT=smtp')
  if (env.SMS_PROVIDER === 'twilio') {
    if (!env.TWILIO_ACCOUNT_SID || !env.TWILIO_AUTH_TOKEN)
      problem('TWILIO_ACCOUNT_SID', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required with SMS_PROVIDER=twilio')
    if (!env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID)
      problem('TWILIO_FROM', 'TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required with SMS_PROVIDER=twilio')
  }
  if (env.PUSH_FCM === 'fcm' && !env.FCM_SERVICE_ACCOUNT)
    problem('FCM_SERVICE_ACCOUNT', 'FCM_SERVICE_ACCOUNT is required with PUSH_FCM=fcm')
  if (env.PUSH_APNS === 'apns')
    for (const k of ['APNS_KEY', 'APNS_KEY_ID', 'APNS_TEAM_ID', 'APNS_TOPIC'])
      if (!env[k]) problem(k, `${k} is required with PUSH_APNS=apns`)
  const dkim = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY].filter(Boolean).length
  if (dkim > 0 && dkim < 3) problem('DKIM_DOMAIN', 'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together')
  return problems
}

export type RawConfig = z.output<typeof configSchema>
