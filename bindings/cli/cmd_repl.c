/*
 * cmd_repl.c: `ccmig repl [PO_DIR | S.db]`: a Lua prompt with the post
 * office bound to `po` or the store to `store` (docs/repl.md).
 */
#include "commands.h"
#include "luahost.h"
#include "repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>

static const char usage_text[] =
	"usage: ccmig repl [PO_DIR | S.db]\n"
	"  PO_DIR  a post office bundle (a folder with po.txt): bound to `po`\n"
	"  S.db    a mailbox store: bound to `store`\n"
	"  .help at the prompt lists the commands; see docs/repl.md\n";

/*
 * Binds the object: `po = ccmig.open(path)` or `store = ccmig.store(path)`,
 * both of which return the object or nil and a message.
 */
static const char bind_lua[] =
	"local name, fn, path = ...\n"
	"if type(ccmig) ~= 'table' or type(ccmig[fn]) ~= 'function' then\n"
	"  return nil, 'this build of the ccmig module has no ccmig.' .. fn .. '()'\n"
	"end\n"
	"local obj, err = ccmig[fn](path)\n"
	"if obj == nil then return nil, tostring(err or 'failed') end\n"
	"_G[name] = obj\n"
	"return obj\n";

static int bind(lua_State *L, const char *path, int is_po)
{
	const char *what = is_po ? "post office" : "store";
	int rc = luaL_loadbufferx(L, bind_lua, sizeof(bind_lua) - 1, "=repl", "t");

	if (rc == LUA_OK) {
		lua_pushstring(L, is_po ? "po" : "store");
		lua_pushstring(L, is_po ? "open" : "store");
		lua_pushstring(L, path);
		rc = ccm_lua_pcall(L, 3, 2);
	}
	if (rc != LUA_OK) {
		fprintf(stderr, "ccmig: repl: cannot open %s %s: %s\n", what, path,
			lua_tostring(L, -1));
		return -1;
	}
	if (lua_isnil(L, -2)) {
		fprintf(stderr, "ccmig: repl: cannot open %s %s: %s\n", what, path,
			lua_tostring(L, -1));
		return -1;
	}
	lua_pop(L, 2);
	return 0;
}

int ccm_cmd_repl(int argc, char **argv)
{
	const char *path = NULL;
	char banner[512];
	lua_State *L;
	int is_po = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "ccmig: repl: unknown option '%s'\n%s", argv[i], usage_text);
			return 2;
		}
		if (path) {
			fprintf(stderr, "ccmig: repl: one PO_DIR or store at a time\n%s", usage_text);
			return 2;
		}
		path = argv[i];
	}

	if (path) {
		struct stat st;

		if (stat(path, &st) != 0) {
			fprintf(stderr, "ccmig: repl: %s: no such post office or store\n", path);
			return 2;
		}
		if (S_ISDIR(st.st_mode)) {
			size_t n = strlen(path) + sizeof("/po.txt");
			char *po = malloc(n);
			int ok = po && snprintf(po, n, "%s/po.txt", path) > 0 &&
				 access(po, F_OK) == 0;

			free(po);
			if (!ok) {
				fprintf(stderr, "ccmig: repl: %s: not a post office bundle "
					"(no po.txt in it)\n", path);
				return 2;
			}
			is_po = 1;
		}
	}

	L = ccm_lua_trusted();
	if (!L) {
		fprintf(stderr, "ccmig: repl: not enough memory\n");
		return 2;
	}
	if (path && bind(L, path, is_po) != 0) {
		lua_close(L);
		return 2;
	}

	snprintf(banner, sizeof(banner),
		 "ccmig repl (%s). .help for help, .quit or Ctrl-D to leave.", LUA_RELEASE);
	if (path) {
		size_t len = strlen(banner);

		lua_getglobal(L, is_po ? "po" : "store");
		snprintf(banner + len, sizeof(banner) - len, "\n%s = %s",
			 is_po ? "po" : "store", luaL_tolstring(L, -1, NULL));
		lua_pop(L, 2);
	}
	rc = ccm_repl_run(L, stdin, isatty(STDIN_FILENO), banner);
	lua_close(L);
	return rc;
}
