-- policy-true.lua: the cost of having a policy at all (bench/run's
-- migrate_policy stage): user and message hooks that take everything,
-- so that every user and message is handed to Lua and nothing changes.
return {
	user = function(u) return true end,
	message = function(m, user, u) return true end,
}
