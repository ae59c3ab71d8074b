-- Writes a record as it is (no intake checks), replacing any record with its id.
-- KEYS[1] message hash   KEYS[2] createdAt index
-- ARGV[1] retention ms   ARGV[2] index member `createdAt|id`   ARGV[3..] field, JSON value pairs
--- @include "write-message"

local fields = {}
for i = 3, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end
writeMessage(KEYS[1], KEYS[2], fields, ARGV[2], tonumber(ARGV[1]))
return 1
