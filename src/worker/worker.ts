import { luaScripts } from 'sendgate:lua-scripts'
import { precompiledTemplates } from 'sendgate:precompiled-templates'
import { ConfigError } from '../config/load-config.ts'
import { GatewayError } from '../domain/errors.ts'
import { problemOf } from '../http/problem.ts'
import { createFrontDoor } from './front-door.ts'
import { precompiledTemplateRegistry } from './precompiled-template-registry.ts'
import { workerConfig } from './worker-config.ts'

/** The part of the Workers `ExecutionContext` the entry uses. */
interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void
}

type FrontDoor = ReturnType<typeof createFrontDoor>

const templates = precompiledTemplateRegistry({ templates: precompiledTemplates })
const frontDoors = new WeakMap<object, FrontDoor | ConfigError>()

/** One front door per `env` object (one per isolate in practice); a bad configuration is kept, not retried. */
function frontDoorFor(env: Record<string, unknown>): FrontDoor | ConfigError {
  let door = frontDoors.get(env)
  if (!door) {
    try {
      door = createFrontDoor({ config: workerConfig(env), templates, scripts: luaScripts })
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      console.error(error.message)
      door = error
    }
    frontDoors.set(env, door)
  }
  return door
}

/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the intake front door of SPEC section 13. It
 * authenticates, validates, renders and accepts on the shared Redis; Node processes with ROLE=dispatcher
 * deliver. An invalid configuration answers 500 on every request and is logged once, with every problem.
 */
export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: WorkerContext): Promise<Response> {
    const door = frontDoorFor(env)
    if (door instanceof ConfigError)
      return new Response(
        JSON.stringify(
          problemOf(
            new GatewayError('INTERNAL', 'The Worker configuration is invalid; its log lists every problem'),
            crypto.randomUUID(),
          ),
        ),
        { status: 500, headers: { 'content-type': 'application/problem+json' } },
      )
    return door.handle(request, (promise) => ctx.waitUntil(promise))
  },
}
