-- Removes suppression entries, their indexes and their soft-bounce counts.
-- KEYS[1] entries hash   KEYS[2] expiries hash   KEYS[3] index meta hash   KEYS[4] createdAt index
-- KEYS[5] soft-bounce count hash
-- ARGV[1] sandbox key base   ARGV[2..] fields `type:value`
-- Returns how many entries existed.
--- @include "suppression-index"

local removed = 0
for i = 2, #ARGV do
  local field = ARGV[i]
  suppressionUnindex(ARGV[1], KEYS[3], KEYS[4], field)
  removed = removed + redis.call('HDEL', KEYS[1], field)
  redis.call('HDEL', KEYS[2], field)
  redis.call('HDEL', KEYS[5], field)
end
return removed
