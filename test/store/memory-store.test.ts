import { manualClock } from '../../src/domain/clock.ts'
import { memoryStore } from '../../src/store/memory/memory-store.ts'
import { storeConformance } from '../conformance/store.suite.ts'

storeConformance('memory', async () => {
  const clock = manualClock()
  const store = memoryStore({ clock })
  return { store, clock, cleanup: () => store.close(), toleranceMs: 0 }
})
