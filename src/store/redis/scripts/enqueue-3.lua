-- Enqueues (or re-schedules) one dispatch queue item.
-- KEYS[1] lane sorted set   KEYS[2] item index hash   KEYS[3] sequence counter
-- ARGV[1] item `sandbox\nid`   ARGV[2] due time ms
--- @include "enqueue"

enqueueItem(KEYS[1], KEYS[2], KEYS[3], ARGV[1], tonumber(ARGV[2]))
return 1
