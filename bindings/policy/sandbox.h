/* sandbox.h: migration policies in Lua, sandboxed, as extractor and importer hooks. */
#ifndef CCM_POLICY_SANDBOX_H
#define CCM_POLICY_SANDBOX_H

#include <lua.h>
#include "base/error.h"
#include "iff/extract.h"
#include "flow/import.h"

/* Limits of a policy: memory of its Lua state, instructions per hook
 * call; CCMIG_POLICY_MEMORY_MB and CCMIG_POLICY_INSTRUCTIONS in the
 * environment change them. */
#define CCM_POLICY_MEMORY (64u << 20)
#define CCM_POLICY_INSTRUCTIONS 10000000L

/* The longest string a hook may return: a folder path, and anything
 * else (a name, an alias, an address, a subject). Longer is the hook's
 * failure, named with the script, the hook and the user. */
#define CCM_POLICY_FOLDER_MAX 16384
#define CCM_POLICY_VALUE_MAX 4096

struct ccm_policies;

/*
 * Loads policy scripts, in order, into one sandbox: each file is a text
 * chunk that returns a table of hooks (user, message, folder, all
 * optional) and is called with one argument, a table of the name=value
 * pairs in `args` (n of them). The sandbox's globals are an allow-list:
 * no io, no os but os.time/date/clock/difftime, no package, require,
 * debug, load, dofile or collectgarbage; readcsv(path) reads a CSV file
 * whose path is one of the args' values; setmetatable refuses __gc;
 * pcall and xpcall do not catch the error of a limit. Each
 * hook call may run at most CCM_POLICY_INSTRUCTIONS instructions and
 * CCM_WATCHDOG_SECONDS of CPU time (CCMIG_POLICY_SECONDS in the
 * environment changes it; see policy/watchdog.h for a call stuck in
 * C), and the state may hold at most CCM_POLICY_MEMORY bytes. What a hook
 * returns is read raw, running none of its metamethods. Fails with err
 * naming the script and line, or the environment variable holding a limit
 * that is not a number.
 * *out's ccm_policy is ready for ccm_extract_opts.policy.
 */
int ccm_policies_load(struct ccm_policies **out, const char *const *files,
		      size_t n_files, const char *const *args, size_t n,
		      struct ccm_error *err);
/*
 * A policy given as a table of hook functions at index idx of trusted
 * state L (opts.policy from a `ccmig run` script or the REPL): the hooks
 * run in L itself, without the sandbox's limits, since the code that made
 * them is trusted. The table stays referenced until ccm_policies_free.
 */
int ccm_policies_from_table(struct ccm_policies **out, lua_State *L, int idx,
			    struct ccm_error *err);
const struct ccm_policy *ccm_policies_hooks(const struct ccm_policies *p);
/* The import's hook (custom_recipient) of the same policies. */
const struct ccm_import_policy *ccm_policies_import_hooks(const struct ccm_policies *p);

/*
 * opts.policy (a policy file or a stock policy's name such as
 * "date-range", found as --policy finds it (policy/stock.h), an array of
 * them, or a table of hook functions: ccm_policies_from_table) and
 * opts.policy_args ({name = value}) of the options table at index t of L,
 * loaded: the contract of struct ccm_lua_host's policies_load
 * (lua/lua_ccmig.h). *out is NULL when no policy is given; an unknown
 * stock name is CCM_ENOTFOUND with err listing the names there are.
 */
int ccm_policies_from_opts(struct ccm_policies **out, lua_State *L, int t,
			   struct ccm_error *err);
void ccm_policies_free(struct ccm_policies *p);

#endif
