/* main.c: the ccmig program: dispatches to the subcommands. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;      /* the arguments and main options */
	const char *what;       /* what it does, in a few words */
};

/* Every command and its main options: what a user needs to find the
 * command they want. Each command's --help lists all of its options
 * (tests/cli/help.py checks both against one list). */
static const struct command commands[] = {
	{ "inspect", ccm_cmd_inspect, "PO_DIR [--json]",
	  "a post office at a glance" },
	{ "extract", ccm_cmd_extract, "PO_DIR -o SET_DIR [--policy P]... [--since DATE]\n"
	  "        [--until DATE] [--no-mail] [--code-page N]",
	  "write migration files" },
	{ "check", ccm_cmd_check, "SET_DIR/PO.pkl [--json]",
	  "read a set of migration files through" },
	{ "import", ccm_cmd_import, "SET_DIR/PO.pkl --store S.db [--policy P]...\n"
	  "        [--create-mailboxes] [--time-zone Z]",
	  "migration files into the store" },
	{ "migrate", ccm_cmd_migrate, "PO_DIR --store S.db [--policy P]... [--since DATE]\n"
	  "        [--until DATE] [--no-mail] [--keep-files DIR]\n"
	  "        [--mailboxes FILE | --shard I/N]",
	  "extract and import in one step" },
	{ "dirsync", ccm_cmd_dirsync, "PO_DIR --store S.db [--display-rule R] [--alias-rule R]",
	  "the cc:Mail directory into the store" },
	{ "verify", ccm_cmd_verify, "PO_DIR --store S.db [--list] [--json]\n"
	  "        [--mailboxes FILE | --shard I/N]",
	  "is every message accounted for?" },
	{ "export", ccm_cmd_export, "--store S.db (--maildir DIR | --mbox DIR | --pst DIR |\n"
	  "        --imap URL --imap-credentials F) [--time-zone Z]",
	  "mail people can use" },
	{ "stat", ccm_cmd_stat, "--store S.db [--json | --csv]",
	  "what a store holds" },
	{ "report", ccm_cmd_report, "--store S.db [--html FILE] [--csv FILE] [--json]",
	  "the account of a migration, to sign off" },
	{ "plan", ccm_cmd_plan, "BUNDLES_DIR --jobs N -o PLAN_DIR [--by post-office|mailbox]\n"
	  "        [--stores DIR] [--force] [-- EXPORT...]",
	  "many post offices as jobs for a cluster" },
	{ "job", ccm_cmd_job, "PLAN_DIR [INDEX]",
	  "run one job of a plan" },
	{ "merge", ccm_cmd_merge, "--store ALL.db PART.db...",
	  "job stores into one" },
	{ "repl", ccm_cmd_repl, "[PO_DIR | S.db]",
	  "explore at a Lua prompt" },
	{ "run", ccm_cmd_run, "SCRIPT.lua [ARGS...]",
	  "run a Lua script (bulk runs)" },
	{ "gen", ccm_cmd_gen, "PO_DIR [--users N] [--messages N] [--seed N] [--defects LIST]",
	  "write a synthetic post office" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ccmig <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  ccmig %s %s\n      %s\n", commands[i].name,
			commands[i].usage, commands[i].what);
	fprintf(out, "\n  ccmig --version\n\n"
		"'ccmig <command> --help' lists every option of a command. A policy P\n"
		"is a Lua file or the name of a stock policy, such as skip-mail\n"
		"(docs/policies.md). The manual: man ccmig.\n\n"
		"Exit status: 0 everything done; 1 done, but something was\n"
		"skipped or repaired (the report lists it); 2 failed or bad usage.\n");
}

static int version(void)
{
	/* Lua is part of the program from the start: policies and the REPL
	 * run in it. Report the interpreter it was built with. */
	lua_State *L = luaL_newstate();

	if (!L) {
		fprintf(stderr, "ccmig: cannot start Lua: out of memory\n");
		return 2;
	}
	luaL_openlibs(L);
	lua_getglobal(L, "_VERSION");
	printf("ccmig %s (%s)\n", CCMIG_VERSION, lua_tostring(L, -1));
	lua_close(L);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version"))
		return version();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ccmig: unknown command '%s'; 'ccmig --help' lists them\n", argv[1]);
	return 2;
}
