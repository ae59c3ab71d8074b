import { TemplateError } from '../domain/errors.ts'
import type { PushContent } from '../domain/message.ts'

type Check = (value: unknown) => string | undefined

const string: Check = (value) => (typeof value === 'string' ? undefined : 'must be a string')
const number: Check = (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number')
const boolean: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false')
const object: Check = (value) => (isObject(value) ? undefined : 'must be an object')

const checks: Record<keyof PushContent, Check> = {
  title: string,
  body: string,
  image: string,
  data: (value) =>
    isObject(value) && Object.values(value).every((v) => typeof v === 'string')
      ? undefined
      : 'must be an object of string values (FCM and APNs data are strings)',
  badge: number,
  sound: string,
  contentAvailable: boolean,
  mutableContent: boolean,
  collapseKey: string,
  ttlSeconds: number,
  priority: (value) => (value === 'high' || value === 'normal' ? undefined : 'must be "high" or "normal"'),
  pushType: string,
  fcm: object,
  apns: object,
}

/** Checks a rendered `push.json.hbs` against the push fields of SPEC section 8, so adapters get typed fields. */
export function toPushContent(value: unknown, where: string): PushContent {
  if (!isObject(value)) throw new TemplateError(`${where} must render a JSON object`)
  for (const [key, field] of Object.entries(value)) {
    const check = Object.hasOwn(checks, key) ? checks[key as keyof PushContent] : undefined
    const problem = check ? check(field) : `is not a push field (allowed: ${Object.keys(checks).join(', ')})`
    if (problem) throw new TemplateError(`${where}: "${key}" ${problem}`)
  }
  return value as PushContent
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
