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
	const char *usage;
};

static const struct command commands[] = {
	{ "inspect", ccm_cmd_inspect, "inspect PO_DIR [--json]" },
	{ "extract", ccm_cmd_extract, "extract PO_DIR -o SET_DIR [--code-page N] [--no-mail] [--since DATE] [--until DATE]" },
	{ "check", ccm_cmd_check, "check SET_DIR/PO.pkl [--json]" },
	{ "import", ccm_cmd_import, "import SET_DIR/PO.pkl --store S.db [--create-mailboxes] [--time-zone Z]" },
	{ "migrate", ccm_cmd_migrate, "migrate PO_DIR --store S.db [--keep-files DIR] [--no-mail] ..." },
	{ "dirsync", ccm_cmd_dirsync, "dirsync PO_DIR --store S.db" },
	{ "verify", ccm_cmd_verify, "verify PO_DIR --store S.db" },
	{ "export", ccm_cmd_export, "export --store S.db --maildir DIR [--time-zone Z]" },
	{ "stat", ccm_cmd_stat, "stat --store S.db [--json | --csv]" },
	{ "report", ccm_cmd_report, "report --store S.db [--html FILE] [--csv FILE] [--json]" },
	{ "repl", ccm_cmd_repl, "repl [PO_DIR | S.db]" },
	{ "run", ccm_cmd_run, "run SCRIPT.lua [ARGS...]" },
	{ "gen", ccm_cmd_gen, "gen PO_DIR [--users N] [--messages N] [--seed N] ..." },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: ccmig <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  ccmig %s\n", commands[i].usage);
	fprintf(out, "\n  ccmig version\n\nExit status: 0 everything done; 1 done, but something was\n"
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
	printf("ccmig 0.1.0 (%s)\n", lua_tostring(L, -1));
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
