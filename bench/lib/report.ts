import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2
}

export const percentile = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

export function machine() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  }
}

/** Prints the RESULT line and writes bench/results/<name>.json. */
export function report({
  name,
  figure,
  value,
  target,
  pass,
  details,
}: {
  name: string
  figure: string
  value: number
  target: string
  pass: boolean
  details: Record<string, unknown>
}) {
  const dir = path.join(import.meta.dirname, '..', 'results')
  fs.mkdirSync(dir, { recursive: true })
  const doc = { name, figure, value, target, pass, date: new Date().toISOString(), machine: machine(), ...details }
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(doc, null, 2)}\n`)
  process.stdout.write(
    `RESULT ${name} ${figure}=${Number(value.toFixed(3))} target=${target} ${pass ? 'PASS' : 'FAIL'}\n`,
  )
}

export const log = (line: string) => process.stdout.write(`${line}\n`)
