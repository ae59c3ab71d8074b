import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import type { Cluster, Redis } from 'ioredis'

export type RedisClient = Redis | Cluster

export interface LuaScript {
  name: string
  numberOfKeys: number
  source: string
  sha: string
}

/** Read lazily: on workerd `import.meta.url` is undefined, and the Worker brings its scripts bundled. */
const scriptsDir = () => new URL('./scripts/', import.meta.url)
const includePattern = /^--- @include "([\w-]+)"\s*$/gm

/** Inlines `--- @include "piece"` lines with `scripts/includes/piece.lua`, each piece once (bullmq style). */
function compose(source: string, seen: Set<string>): string {
  return source.replace(includePattern, (_line, piece: string) => {
    if (seen.has(piece)) return ''
    seen.add(piece)
    return compose(readFileSync(new URL(`includes/${piece}.lua`, scriptsDir()), 'utf8'), seen)
  })
}

/**
 * Reads every `<op>-<numKeys>.lua` in scripts/ once at start and composes it from the shared pieces,
 * so the intake script and the limiter script run the very same sliding-window code (STYLE habit 5).
 */
export function loadScripts(): Record<string, LuaScript> {
  const out: Record<string, LuaScript> = {}
  for (const file of readdirSync(scriptsDir())) {
    const m = /^([a-z-]+)-(\d+)\.lua$/.exec(file)
    if (!m?.[1] || !m[2]) continue
    const source = compose(readFileSync(new URL(file, scriptsDir()), 'utf8'), new Set())
    out[m[1]] = { name: m[1], numberOfKeys: Number(m[2]), source, sha: createHash('sha1').update(source).digest('hex') }
  }
  return out
}

/** A script runner: EVALSHA, falling back to EVAL (which also caches the script) after a NOSCRIPT. */
export function scriptRunner(client: RedisClient, scripts: Record<string, LuaScript>) {
  return async function run(name: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const script = scripts[name]
    if (!script) throw new Error(`No Lua script ${name}`)
    if (keys.length !== script.numberOfKeys)
      throw new Error(`${name} takes ${script.numberOfKeys} keys, got ${keys.length}`)
    try {
      return await client.evalsha(script.sha, keys.length, ...keys, ...args)
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e
      return client.eval(script.source, keys.length, ...keys, ...args)
    }
  }
}

export type ScriptRunner = ReturnType<typeof scriptRunner>
