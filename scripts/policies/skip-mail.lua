-- skip-mail.lua: migrate every user and their address book, but no mail.
-- Every user still gets a mailbox: extract writes their MAILMESSAGE
-- section all the same (the fix of Q194218).
--   ccmig migrate PO --store S.db --policy scripts/policies/skip-mail.lua
return {
	message = function(m, user) return false end,
}
