import { describe, it } from 'vitest'
import { manualClock } from '../../src/domain/clock.ts'
import { memoryLimiter } from '../../src/store/memory/memory-limiter.ts'
import { windowProperties } from './window-properties.ts'

describe('memory limiter: sliding-window properties against an exact log', () => {
  const clock = manualClock()
  const props = windowProperties({ store: memoryLimiter({ clock }), clock })

  it(
    'never admits more than L in any window (random, on/off and boundary-burst arrivals)',
    () => props.noOvershoot(),
    60_000,
  )
  it('admits at least 99 % of what an exact log admits on smooth traffic', () => props.smoothTraffic(), 60_000)
  it('answers retryAfterMs exactly when the counter next admits', () => props.retryAfter(), 60_000)
  it('counts the normal and slow caps over one admission record', () => props.slowSwitch(), 60_000)
})
