-- boards-only.lua: migrate the bulletin boards (public folders) and no
-- user: every user is left out, and the report lists each one.
return {
	user = function(u) return false end,
}
