-- Takes (or with ARGV[3] = '0' only peeks at) one capping slot of a limit key.
-- KEYS[1] limiter state string   KEYS[2] latency hash {mean, slow}
-- ARGV[1] test clock offset ms    ARGV[2] cap JSON {w: [[limit, windowMs]...], s?: [[...]], t?: thresholdMs}
-- ARGV[3] '1' take, '0' peek
-- Returns {allowed, count, limit, windowMs, retryAfterMs, slow}.
--- @include "now"
--- @include "sliding-window"

local cap = cjson.decode(ARGV[2])
return capReply(capDecide(KEYS[1], KEYS[2], cap, nowMs(ARGV[1]), ARGV[3] == '1'))
