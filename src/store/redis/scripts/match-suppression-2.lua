-- First unexpired suppression entry among the given keys, in order.
-- KEYS[1] entries hash (`type:value` -> JSON)   KEYS[2] expiries hash (`type:value` -> ms)
-- ARGV[1] test clock offset ms   ARGV[2..] `type:value` fields
-- Returns the entry JSON or false.
--- @include "now"
--- @include "suppression-match"

local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
return matchSuppression(KEYS[1], KEYS[2], fields, nowMs(ARGV[1])) or false
