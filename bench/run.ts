/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name>` one. Each prints its rounds and one
 * `RESULT <name> <figure>=<value> target=<target> PASS|FAIL` line, and writes bench/results/<name>.json.
 */

import { benchAction } from './action.ts'
import { benchCapping } from './capping.ts'
import { benchE2e } from './e2e.ts'
import { benchEmail } from './email.ts'
import { benchLatency } from './latency.ts'
import { pinSelf } from './lib/gateway-process.ts'
import { log, machine } from './lib/report.ts'
import { benchOverload } from './overload.ts'
import { benchPush } from './push.ts'
import { benchRoundtrips } from './roundtrips.ts'
import { benchSend } from './send.ts'
import { benchSms } from './sms.ts'

const benchmarks: Record<string, () => Promise<void>> = {
  send: benchSend,
  latency: benchLatency,
  roundtrips: benchRoundtrips,
  action: benchAction,
  capping: benchCapping,
  overload: benchOverload,
  e2e: benchE2e,
  email: benchEmail,
  sms: benchSms,
  push: benchPush,
}

const wanted = process.argv.slice(2)
const names = wanted.length ? wanted : Object.keys(benchmarks)
pinSelf(0)
log(`sendgate benchmarks on ${JSON.stringify(machine())}; load generator on cpu 0, gateway on cpu 1`)
for (const name of names) {
  const run = benchmarks[name]
  if (!run) {
    log(`unknown benchmark ${name}; known: ${Object.keys(benchmarks).join(', ')}`)
    process.exitCode = 2
    continue
  }
  log(`\n== ${name}`)
  await run()
}
