/**
 * A test gateway for capping tests: the whole app on a memory store whose clock the test holds (manual or
 * system), with the deployed-config limits that server.ts builds exposed for direct checks.
 */
import { manualClock, systemClock } from '../../src/domain/clock.ts'
import { memoryStore } from '../../src/store/memory/memory-store.ts'
import { startTestGateway, testConfig } from '../support/test-gateway.ts'

export async function startCappingGateway(
  env: Record<string, string> = {},
  { manual = false }: { manual?: boolean } = {},
) {
  const config = testConfig(env)
  const clock = manual ? manualClock(Date.now()) : systemClock()
  const store = memoryStore({ clock, retentionMs: config.MESSAGE_RETENTION })
  const gw = await startTestGateway(env, { clock, store })
  return { ...gw, clock, store, actionLimits: gw.gateway.deps.actionLimits }
}

export type CappingGateway = Awaited<ReturnType<typeof startCappingGateway>>
