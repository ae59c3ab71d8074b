-- Adds (or replaces) suppression entries with their indexes.
-- KEYS[1] entries hash   KEYS[2] expiries hash   KEYS[3] index meta hash   KEYS[4] createdAt index
-- ARGV[1] sandbox key base (`<prefix>:{<sandbox>}:`, for the reason and domain indexes)
-- ARGV[2..] per entry 6 values: field `type:value`, entry JSON, index member, reason, domain or '',
--   expiry ms or ''
--- @include "suppression-index"

local base = ARGV[1]
for i = 2, #ARGV, 6 do
  local field, json, member, reason, domain, expires = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  suppressionUnindex(base, KEYS[3], KEYS[4], field)
  redis.call('HSET', KEYS[1], field, json)
  if expires ~= '' then
    redis.call('HSET', KEYS[2], field, expires)
  else
    redis.call('HDEL', KEYS[2], field)
  end
  suppressionIndex(base, KEYS[3], KEYS[4], field, member, reason, domain)
end
return 1
