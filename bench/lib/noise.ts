import fs from 'node:fs'

const TICK_MS = 10 // USER_HZ = 100 on Linux

function totalBusyTicks(): number {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? []
  // Interrupt time is left out: loopback networking of the benchmark itself lands in softirq.
  const [user = 0, nice = 0, system = 0, , , , , steal = 0] = cpu
  return user + nice + system + steal
}

function processTicks(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    // utime, stime, cutime, cstime are fields 14-17 (index 11-14 after the command name).
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0)
  } catch {
    return 0
  }
}

/** Redis servers work for the benchmark: their CPU is ours, not noise. */
function redisPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'redis-server'
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Measures how much CPU processes other than ours (and Redis) used during a round: the noise guard. */
export function noiseProbe(pids: () => number[]) {
  const ourPids = () => [...pids(), ...redisPids()]
  const startTotal = totalBusyTicks()
  const startOurs = ourPids().reduce((s, p) => s + processTicks(p), 0)
  const startAt = Date.now()
  return {
    /** Other processes' CPU in cores (1.0 = one core busy the whole round). */
    otherCores(): number {
      const busy = totalBusyTicks() - startTotal
      const ours = ourPids().reduce((s, p) => s + processTicks(p), 0) - startOurs
      const elapsed = Date.now() - startAt
      return elapsed > 0 ? (Math.max(0, busy - ours) * TICK_MS) / elapsed : 0
    },
  }
}
