/**
 * Modules the Worker build generates (src/worker/build/generate-worker-modules.ts, run by wrangler's
 * `[build]` command into dist/worker-modules/) and wrangler.toml's `[alias]` maps to these names.
 */
declare module 'sendgate:precompiled-templates' {
  export const precompiledTemplates: import('./precompiled-template-registry.ts').PrecompiledTemplate[]
}

declare module 'sendgate:lua-scripts' {
  export const luaScripts: Record<string, import('../store/redis/redis-scripts.ts').LuaScript>
}
