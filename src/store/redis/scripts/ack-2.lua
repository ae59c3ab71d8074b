-- Removes a queue item for good.
-- KEYS[1] lane sorted set   KEYS[2] item index hash
-- ARGV[1] item `sandbox\nid`
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return 0 end
redis.call('ZREM', KEYS[1], member)
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
