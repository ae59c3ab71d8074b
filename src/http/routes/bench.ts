import type { OpenAPIHono } from '@hono/zod-openapi'
import { MB, readJson } from '../read-json.ts'

/** `POST /__bench/echo` (BENCH=1 only): reads JSON and answers `{ok:true}` — the benchmarks' baseline. */
export function registerBenchRoutes(app: OpenAPIHono): void {
  app.post('/__bench/echo', async (c) => {
    await readJson(c, MB)
    return c.json({ ok: true })
  })
}
