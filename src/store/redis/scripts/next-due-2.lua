-- Milliseconds until the earliest item of either lane is ready (0 when one is due), or false when empty.
-- KEYS[1] fast lane sorted set   KEYS[2] slow lane sorted set
-- ARGV[1] test clock offset ms
--- @include "now"

local earliest
for _, key in ipairs(KEYS) do
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if first[2] then
    local at = tonumber(first[2])
    if not earliest or at < earliest then earliest = at end
  end
end
if not earliest then return false end
return math.max(0, earliest - nowMs(ARGV[1]))
