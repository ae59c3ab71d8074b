import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { GatewayDeps } from '../gateway-deps.ts'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
}

/**
 * Email previews render in `<iframe sandbox="" srcdoc>`, which inherits this policy: no script runs
 * anywhere, and the console reaches nothing but its own origin (no tracking pixels, no CDN).
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

interface Asset {
  body: Uint8Array<ArrayBuffer>
  type: string
  etag: string
}

const defaultDir = fileURLToPath(new URL('../../../console/', import.meta.url))

/** Every servable file of the console folder, read once: lookups are map hits, so no path can escape it. */
export function loadConsoleAssets({ dir = defaultDir }: { dir?: string } = {}): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const type = contentTypes[extname(entry.name)]
    if (!type) continue
    const path = join(entry.parentPath, entry.name)
    const body = new Uint8Array(readFileSync(path))
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
    assets.set(relative(dir, path).split(sep).join('/'), { body, type, etag })
  }
  return assets
}

function serveAsset(c: Context, asset: Asset): Response {
  const headers: Record<string, string> = {
    'content-type': asset.type,
    etag: asset.etag,
    // No hashed file names: the browser keeps a copy but asks each time, so an upgrade never mixes modules.
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  }
  if (asset.type.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy
  const match = c.req.header('if-none-match')
  if (match?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === asset.etag))
    return new Response(null, { status: 304, headers })
  return new Response(asset.body, { status: 200, headers })
}

/**
 * `/console`: the operators' web console (static HTML, ES modules and CSS from `console/`). Open like
 * `/healthz` (SPEC section 2): the page holds no data; it calls the JSON API with the key the operator
 * signs in with, kept in sessionStorage only.
 */
export function registerConsoleRoutes(app: OpenAPIHono, _deps: GatewayDeps, options: { dir?: string } = {}): void {
  const assets = loadConsoleAssets(options)
  const index = assets.get('index.html')
  app.get('/console', (c) => c.redirect('/console/', 301))
  app.get('/console/*', async (c, next) => {
    const path = c.req.path.slice('/console/'.length)
    const asset = path === '' ? index : assets.get(path)
    if (!asset) return next()
    return serveAsset(c, asset)
  })
}
