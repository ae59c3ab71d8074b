/**
 * The CRUD + deploy/undeploy behaviour shared by endpoint and throttling configs (SPEC section 6), apart
 * from HTTP: each operation returns the AJO-shaped answer or throws a GatewayError. `onChange` is told of
 * every write so that this process's cached deployed configs are dropped at once.
 */
import { ConflictError, GatewayError, NotFoundError, ValidationError } from '../domain/errors.ts'
import { newUid } from '../domain/ids.ts'
import type { ConfigKind, ConfigStore } from '../store/types.ts'
import {
  type ConfigMeta,
  createdConfig,
  deployedConfig,
  editedConfig,
  type LifecycleDocument,
  settingsOf,
  undeployedConfig,
} from './config-lifecycle.ts'
import type { ConfigWarning } from './endpoint-config.ts'

export interface ConfigResourceSpec<T extends object> {
  kind: ConfigKind
  /** Route base, e.g. `/v1/endpoint-configs`. */
  basePath: string
  /** Human name, e.g. `endpoint config`. */
  label: string
  keys: ReadonlyArray<keyof T>
  /** Validates a body (throws GatewayError with the kind's ERR_* code). */
  parse(raw: unknown): { settings: T; warnings: ConfigWarning[] }
  /** What a deployment stores (endpoint configs write -1 for an unset maxHttpConnections). */
  snapshot?: (settings: T) => T
  /** A PUT on a deployed config is deployed at once (throttling) instead of waiting for a redeploy. */
  liveEdits?: boolean
  /** At most one config of this kind per sandbox (throttling: a second POST is 409). */
  onePerSandbox?: boolean
}

export interface CanDeploy {
  validationStatus: 'ok' | 'error'
  errors: ConfigWarning[]
  warnings: ConfigWarning[]
}

const decodeCursor = (cursor: string): string => {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!text.includes('\u0000'))
    throw new ValidationError('cursor is not valid', [{ path: 'cursor', message: 'is not valid' }])
  return text
}

export function configResource<T extends object>(
  spec: ConfigResourceSpec<T>,
  {
    configs,
    onChange = () => {},
    uid = newUid,
  }: { configs: ConfigStore; onChange?: (sandbox: string) => void; uid?: () => string },
) {
  type Doc = LifecycleDocument<T>
  const { kind, basePath, label } = spec
  const uriOf = (id: string) => `${basePath}/${id}`
  const sortKey = (d: Doc) => `${d.createdAt}\u0000${d.uid}`

  function canDeployOf(doc: Doc): CanDeploy {
    try {
      return { validationStatus: 'ok', errors: [], warnings: spec.parse(settingsOf(doc, spec.keys)).warnings }
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e
      return { validationStatus: 'error', errors: [{ code: e.code, message: e.message }], warnings: [] }
    }
  }

  async function load(sandbox: string, id: string): Promise<Doc> {
    const doc = (await configs.get(sandbox, kind, id)) as Doc | null
    if (!doc) throw new NotFoundError(label.charAt(0).toUpperCase() + label.slice(1))
    return doc
  }

  async function save(meta: ConfigMeta, doc: Doc): Promise<void> {
    await configs.put(meta.sandbox, kind, doc)
    onChange(meta.sandbox)
  }

  return {
    spec,
    async create(meta: ConfigMeta, raw: unknown) {
      const { settings } = spec.parse(raw)
      if (spec.onePerSandbox && (await configs.list(meta.sandbox, kind)).length > 0)
        throw new ConflictError(`This sandbox already has a ${label}: update or delete it`)
      const doc = createdConfig(uid(), settings, meta)
      await save(meta, doc)
      return {
        resStatus: 'created',
        uid: doc.uid,
        uri: uriOf(doc.uid),
        createdElement: doc,
        canDeploy: canDeployOf(doc),
      }
    },
    async list(sandbox: string, { cursor, limit }: { cursor?: string; limit: number }) {
      const all = ((await configs.list(sandbox, kind)) as Doc[]).sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))
      const after = cursor ? decodeCursor(cursor) : null
      const rest = after === null ? all : all.filter((d) => sortKey(d) > after)
      const items = rest.slice(0, limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor: rest.length > limit && last ? Buffer.from(sortKey(last)).toString('base64url') : null,
      }
    },
    get: load,
    async canDeploy(sandbox: string, id: string): Promise<CanDeploy> {
      return canDeployOf(await load(sandbox, id))
    },
    async update(meta: ConfigMeta, id: string, raw: unknown) {
      const { settings } = spec.parse(raw)
      const doc = editedConfig(await load(meta.sandbox, id), settings, spec.keys, meta, {
        live: spec.liveEdits ?? false,
        ...(spec.snapshot ? { snapshot: spec.snapshot } : {}),
      })
      await save(meta, doc)
      return {
        resStatus: 'updated',
        uid: doc.uid,
        uri: uriOf(doc.uid),
        updatedElement: doc,
        canDeploy: canDeployOf(doc),
      }
    },
    async remove(meta: ConfigMeta, id: string, { force }: { force: boolean }) {
      const doc = await load(meta.sandbox, id)
      if (doc.deployedConfig && !force)
        throw new ConflictError(`Can't delete a deployed ${label}. Undeploy it before deleting it`)
      await configs.remove(meta.sandbox, kind, id)
      onChange(meta.sandbox)
      return { resStatus: 'deleted', uid: id, uri: uriOf(id) }
    },
    async deploy(meta: ConfigMeta, id: string): Promise<void> {
      const doc = await load(meta.sandbox, id)
      const check = canDeployOf(doc)
      if (check.validationStatus !== 'ok')
        throw new ConflictError(`This ${label} cannot be deployed: ${check.errors[0]?.message}`)
      await save(meta, deployedConfig(doc, spec.keys, meta, spec.snapshot))
    },
    async undeploy(meta: ConfigMeta, id: string): Promise<void> {
      const doc = await load(meta.sandbox, id)
      if (!doc.deployedConfig) return
      await save(meta, undeployedConfig(doc, meta))
    },
  }
}

export type ConfigResource<T extends object> = ReturnType<typeof configResource<T>>
