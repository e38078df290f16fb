/* lua_policy.h: migration policies in Lua, sandboxed, as extractor hooks. */
#ifndef CCM_POLICY_H
#define CCM_POLICY_H

#include <lua.h>
#include "base/error.h"
#include "iff/extract.h"
#include "flow/import.h"

/* Limits of a policy: memory of its Lua state, instructions per hook
 * call; CCMIG_POLICY_MEMORY_MB and CCMIG_POLICY_INSTRUCTIONS in the
 * environment change them. */
#define CCM_POLICY_MEMORY (64u << 20)
#define CCM_POLICY_INSTRUCTIONS 10000000L

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
 * environment changes it; see lua_policy_watchdog.h for a call stuck in
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

/* The --policy FILE and --policy-arg NAME=VALUE options of a command. */
struct policy_args {
	const char *files[32];
	const char *args[64];
	size_t n_files, n_args;
};

/*
 * Takes argv[*i] (and its value) when it is --policy or --policy-arg:
 * returns 1 and advances *i, 0 when it is another option, -1 (message
 * printed) when the value is missing or there are too many.
 */
int policy_args_take(struct policy_args *pa, int argc, char **argv, int *i);
void ccm_policies_free(struct ccm_policies *p);

#endif
