-- Records one attempt duration in a limit key's exponentially weighted mean (alpha = 0.2).
-- KEYS[1] latency hash {mean, slow}
-- ARGV[1] duration ms
-- Returns the new mean as a string (a Lua number would come back truncated to an integer).
local d = tonumber(ARGV[1])
local previous = redis.call('HGET', KEYS[1], 'mean')
local mean = d
if previous then mean = tonumber(previous) + 0.2 * (d - tonumber(previous)) end
local text = string.format('%.17g', mean)
redis.call('HSET', KEYS[1], 'mean', text)
redis.call('PEXPIRE', KEYS[1], 7 * 86400000)
return text
