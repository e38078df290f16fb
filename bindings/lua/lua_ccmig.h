/* lua_ccmig.h: the ccmig Lua module: its entry point, its files, and what a host lends it. */
#ifndef CCM_LUA_CCMIG_H
#define CCM_LUA_CCMIG_H

#include <stddef.h>
#include <lua.h>

#include "base/error.h"
#include "lua/lua_aux.h"

/*
 * The `ccmig` module: pushes the module table. What a stock lua5.4 loads
 * with require "ccmig" from ccmig.so, and what the ccmig program opens in
 * its trusted states.
 */
int luaopen_ccmig(lua_State *L);

/* Metatable names, one per type. */
#define CCM_LUA_PO       "ccmig.po"
#define CCM_LUA_MSGITER  "ccmig.message_cursor"
#define CCM_LUA_MESSAGE  "ccmig.message"
#define CCM_LUA_ITEM     "ccmig.item"
#define CCM_LUA_STORE    "ccmig.store"
#define CCM_LUA_SCURSOR  "ccmig.store_cursor"
#define CCM_LUA_ATTACH   "ccmig.attachment"
#define CCM_LUA_IFF      "ccmig.iff"
#define CCM_LUA_SECCUR   "ccmig.section_cursor"
#define CCM_LUA_SECTION  "ccmig.section"
#define CCM_LUA_ADDRESS  "ccmig.address"

/* Module registration, each from its own file: sets functions in the
 * module table on top of the stack and creates the metatables. */
void ccm_lua_po_register(lua_State *L);
void ccm_lua_store_register(lua_State *L);
void ccm_lua_iff_register(lua_State *L);
void ccm_lua_run_register(lua_State *L);
void ccm_lua_time_register(lua_State *L);

/* The C data of the objects, for the other files. */
struct ccm_bundle;
struct ccm_store;
struct ccm_lua_collect;
struct ccm_bundle *ccm_lua_check_po(lua_State *L, int idx);
struct ccm_tz;
/* Pushes the local time of UTC instant `utc` in zone tz (NULL: UTC) as
 * os.date("*t") gives it (year, month, day, hour, min, sec, wday, yday,
 * isdst), with `offset` (seconds east of UTC) and `zone` (its name). */
void ccm_lua_push_localtime(lua_State *L, long long utc, const struct ccm_tz *tz);
/* Methods of the store from files of their own: st:query(sql, ...)
 * (lua_query.c), st:mailboxes() and st:report() (lua_tally.c). */
int ccm_lua_store_query(lua_State *L);
int ccm_lua_store_mailboxes(lua_State *L);
int ccm_lua_store_report(lua_State *L);
/*
 * The share opts table `t` names for bundle b (lua_share.c): opts.shard
 * ("I/N") or opts.mailboxes (a file of names, or a list of names) into
 * *out (NULL: neither; ccm_share_free it). Returns 0, or a negative code
 * with err saying which name is no mailbox or which file cannot be read;
 * raises an error on misuse (both given, a bad "I/N").
 */
struct ccm_share;
int ccm_lua_share_opts(struct ccm_share **out, lua_State *L, int t,
		       const struct ccm_bundle *b, struct ccm_error *err);
/* st:verify(po) and st:export{...} (lua_outputs.c). */
int ccm_lua_store_verify(lua_State *L);
int ccm_lua_store_export(lua_State *L);
struct ccm_store *ccm_lua_check_store(lua_State *L, int idx);

/*
 * A message's parts as po:messages() gives them, for the policy sandbox
 * to give its hooks the same shapes. An address is a table of name,
 * post_office, kind, type, foreign, raw, resolved and text, whose
 * metatable (CCM_LUA_ADDRESS, made by ccm_lua_address_class in L's
 * registry; without it the table has none) makes tostring() give text.
 * Headers are the message's extra ones, a list of {key, value}.
 */
struct ccm_addr;
struct ccm_addrlist;
struct ccm_message;
void ccm_lua_address_class(lua_State *L);
/* Sets from (with from_text, as written) when m has a sender, to, cc,
 * bcc and headers of m in the table on top. */
void ccm_lua_set_people(lua_State *L, const struct ccm_message *m);
/* Redirects a post office's report into c (NULL: back to its own list). */
void ccm_lua_po_collect(lua_State *L, int idx, struct ccm_lua_collect *c);

/*
 * What the program that hosts the module lends the migration runs
 * (ccmig.extract, ccmig.migrate): the policy sandbox and a progress line.
 * The ccmig program sets them in its trusted states (`ccmig run`, the
 * REPL). A stock lua5.4 has none: its runs show no progress, and a run
 * given a policy returns nil and says to run the script with `ccmig run`:
 * the sandbox's watchdog may end the process when a policy hangs in C,
 * which a library must not do to a process that is not its own.
 */
struct ccm_policies;
struct ccm_policy;
struct ccm_import_policy;
struct ccm_lua_host {
	/*
	 * Loads opts.policy (a file or a stock policy's name, an array of
	 * them, or a table of hook functions) and opts.policy_args of the options table at `t` into
	 * *out: NULL when no policy is given. 0, or a negative code with err
	 * saying which policy failed to load.
	 */
	int (*policies_load)(struct ccm_policies **out, lua_State *L, int t,
			     struct ccm_error *err);
	const struct ccm_policy *(*extract_hooks)(const struct ccm_policies *p);
	const struct ccm_import_policy *(*import_hooks)(const struct ccm_policies *p);
	void (*policies_free)(struct ccm_policies *p);
	/* A progress line for `what` ("users"): start gives its context,
	 * update is called with what is done, end clears it. */
	void *(*progress_start)(const char *what);
	void (*progress_update)(void *ctx, size_t done, size_t total,
				unsigned long long bytes);
	void (*progress_end)(void *ctx);
};

/*
 * What ccmig.extract does (lua_run.c), for ccmig.preflight: extracts the
 * post office at index 1 into out_dir with the options table at index t,
 * and pushes what ccmig.extract returns (a report, or nil, message,
 * report); returns how many. `wrap`, when not NULL, is given the
 * policy's hooks (NULL when there is none) and returns the hooks the
 * extraction runs, called while the run lasts; it may return its
 * argument.
 */
struct ccm_policy;
typedef const struct ccm_policy *(*ccm_lua_policy_wrap_fn)(void *ctx,
							  const struct ccm_policy *p);
int ccm_lua_extract_run(lua_State *L, const char *out_dir, int t,
			ccm_lua_policy_wrap_fn wrap, void *wrap_ctx);
/* ccmig.preflight (lua_preflight.c). */
void ccm_lua_preflight_register(lua_State *L);

/* Lends `host` (static storage: it is not copied) to the module in L. */
void ccm_lua_set_host(lua_State *L, const struct ccm_lua_host *host);
/* What the host of L lends, or NULL (a stock lua5.4). */
const struct ccm_lua_host *ccm_lua_host(lua_State *L);

#endif
