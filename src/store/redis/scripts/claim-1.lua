-- Claims up to ARGV[2] due items of one lane, leasing them until now + ARGV[3]: a leased item stays in
-- the set scored by its lease end, so it becomes claimable again when the lease expires (a dead process).
-- KEYS[1] lane sorted set
-- ARGV[1] test clock offset ms   ARGV[2] max items   ARGV[3] lease ms
-- Returns the claimed members (`seq|sandbox\nid`), in due order, FIFO at equal due times.
--- @include "now"

local now = nowMs(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local leaseEnd = now + tonumber(ARGV[3])
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], leaseEnd, member)
end
return due
