import type { Principal } from '../auth/credentials.ts'

/** Per-request variables set by middleware. */
export interface AppEnv {
  Variables: {
    requestId: string
    principal: Principal
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    requestId: string
    principal: Principal
  }
}
