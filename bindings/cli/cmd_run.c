/* cmd_run.c: `ccmig run SCRIPT.lua [ARGS...]`: a trusted script with the
 * ccmig module, `arg` set as lua.c sets it. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "commands.h"
#include "usage.h"
#include "luahost.h"

#include <errno.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			char *q = realloc(p, cap + 65536 + 1);

			if (!q) {
				free(p);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			p = q;
			cap += 65536;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(p);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

int ccm_cmd_run(int argc, char **argv)
{
	lua_State *L;
	char *code, *chunk;
	const char *body;
	size_t len;
	int rc;

	if (argc < 2)
		return ccm_usage_error("run", "which script? give SCRIPT.lua");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		printf("usage: ccmig run SCRIPT.lua [ARGS...]\n\n"
		       "Runs a trusted Lua script with the ccmig module (docs/lua.md).\n"
		       "arg[0] is the script, arg[1..] the arguments. Exit status: what the\n"
		       "script gives os.exit(), 0 when it ends, 2 when it raises an error.\n");
		return 0;
	}
	code = slurp(argv[1], &len);
	if (!code) {
		fprintf(stderr, "ccmig run: cannot read %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	L = ccm_lua_trusted();
	if (!L) {
		free(code);
		fprintf(stderr, "ccmig run: out of memory\n");
		return 2;
	}
	lua_createtable(L, argc - 2, 1);
	for (int i = 1; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i - 1);
	}
	{
		/* arg[-1]: the program, as lua.c puts the interpreter there, so
		 * that a script can run ccmig itself. */
		char *self = realpath("/proc/self/exe", NULL);

		lua_pushstring(L, self ? self : "ccmig");
		lua_rawseti(L, -2, -1);
		free(self);
	}
	lua_setglobal(L, "arg");
	/* A "#!" first line is skipped, as lua.c does (the line stays counted). */
	body = code;
	if (len > 0 && code[0] == '#') {
		while (*body && *body != '\n')
			body++;
	}
	chunk = malloc(strlen(argv[1]) + 2);
	if (!chunk) {
		free(code);
		lua_close(L);
		return 2;
	}
	chunk[0] = '@';
	strcpy(chunk + 1, argv[1]);
	rc = ccm_lua_dostring(L, body, len - (size_t)(body - code), chunk, 0);
	free(chunk);
	free(code);
	if (rc != LUA_OK) {
		fprintf(stderr, "ccmig run: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return 2;
	}
	lua_close(L);
	return 0;
}
