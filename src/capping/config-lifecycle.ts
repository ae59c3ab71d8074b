/**
 * AJO's config state machine, shared by endpoint and throttling configs (SPEC section 6): `created`,
 * `updated` (edited since its deployment: the deployed snapshot still rules) and `deployed`. Only the
 * `deployedConfig` snapshot is ever enforced; undeploying removes it and leaves the config `created`.
 */
import type { ConfigDocument } from '../store/types.ts'

export type ConfigState = 'created' | 'updated' | 'deployed'

export interface ConfigMeta {
  sandbox: string
  /** Key id of the caller. */
  by: string
  at: string
}

/** Fields every stored config carries besides its own settings `T`. */
export type LifecycleDocument<T extends object> = ConfigDocument &
  T & {
    sandboxName: string
    createdAt: string
    createdBy: string
    lastModifiedAt: string
    lastModifiedBy: string
    state: ConfigState
    hasBeenDeployed: boolean
    deployedConfig?: T
    deployedAt?: string
  }

export function createdConfig<T extends object>(uid: string, fields: T, meta: ConfigMeta): LifecycleDocument<T> {
  return {
    ...fields,
    uid,
    sandboxName: meta.sandbox,
    createdAt: meta.at,
    createdBy: meta.by,
    lastModifiedAt: meta.at,
    lastModifiedBy: meta.by,
    state: 'created',
    hasBeenDeployed: false,
  } as LifecycleDocument<T>
}

/** The settings part of a document (what a deployment snapshots). */
export function settingsOf<T extends object>(doc: LifecycleDocument<T>, keys: ReadonlyArray<keyof T>): T {
  const out: Partial<T> = {}
  for (const k of keys) if (doc[k] !== undefined) out[k] = doc[k]
  return out as T
}

/**
 * A PUT: new settings; a deployed config becomes `updated` and keeps enforcing its snapshot, unless
 * `live` (throttling configs), where the new settings are deployed at once.
 */
export function editedConfig<T extends object>(
  doc: LifecycleDocument<T>,
  fields: T,
  keys: ReadonlyArray<keyof T>,
  meta: ConfigMeta,
  { live = false, snapshot = (t: T) => t }: { live?: boolean; snapshot?: (t: T) => T } = {},
): LifecycleDocument<T> {
  const kept = Object.fromEntries(Object.entries(doc).filter(([k]) => !keys.includes(k as keyof T)))
  const next = { ...kept, ...fields, lastModifiedAt: meta.at, lastModifiedBy: meta.by } as LifecycleDocument<T>
  if (doc.deployedConfig) {
    if (live) return { ...next, state: 'deployed', deployedConfig: snapshot(fields), deployedAt: meta.at }
    return { ...next, state: 'updated' }
  }
  return next
}

export function deployedConfig<T extends object>(
  doc: LifecycleDocument<T>,
  keys: ReadonlyArray<keyof T>,
  meta: ConfigMeta,
  snapshot: (t: T) => T = (t) => t,
): LifecycleDocument<T> {
  return {
    ...doc,
    state: 'deployed',
    hasBeenDeployed: true,
    deployedConfig: snapshot(settingsOf(doc, keys)),
    deployedAt: meta.at,
  }
}

export function undeployedConfig<T extends object>(doc: LifecycleDocument<T>, meta: ConfigMeta): LifecycleDocument<T> {
  const { deployedConfig: _d, deployedAt: _a, ...rest } = doc
  return { ...rest, state: 'created', lastModifiedAt: meta.at, lastModifiedBy: meta.by } as LifecycleDocument<T>
}
