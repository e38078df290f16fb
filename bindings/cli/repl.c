/*
 * repl.c: the read-eval-print loop of `ccmig repl`, after lua.c and the
 * sqlite3 shell (docs/repl.md). A line is first tried as `return <line>`,
 * then as a statement; input that ends too early (Lua's "<eof>" syntax
 * error) continues on the next line; `=expr` is `return expr`. On a
 * terminal: libedit line editing, a history file, tab completion of names,
 * fields and methods, and Ctrl-C stops the running chunk (a hook set from
 * the signal handler, as lua.c does) or clears the line at the prompt.
 * Piped input: no prompts, errors say `near line N`, exit status 1 if any
 * chunk failed.
 */
#define _POSIX_C_SOURCE 200809L
#include "repl.h"
#include "repl_locals.h"
#include "luahost.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>
#include <lauxlib.h>
#include <lualib.h>

#define PROMPT "ccmig> "
#define PROMPT2 "ccmig>> "
#define HISTORY_MAX 1000
#define CHUNKNAME "=stdin"

/* Registry keys of the helpers below. */
#define REG_PRETTY "ccmig.repl.pretty"
#define REG_NAMES "ccmig.repl.names"

/*
 * Lua helpers: pretty(v) formats a value readably; names(v) lists the
 * fields and methods of a table or an object (its metatable's __index
 * table), sorted, for .help.
 */
static const char helpers_lua[] =
	"local maxdepth, maxitems, maxstr, width = 5, 40, 120, 72\n"
	"local BSNL, BSN = string.char(92, 10), string.char(92, 110)\n"
	"local keywords = {}\n"
	"for w in ('and break do else elseif end false for function goto if in '\n"
	"  .. 'local nil not or repeat return then true until while'):gmatch('%a+') do\n"
	"  keywords[w] = true\n"
	"end\n"
	"local function str(v)\n"
	"  local ok, s = pcall(tostring, v)\n"
	"  if ok and type(s) == 'string' then return s end\n"
	"  return '<' .. type(v) .. '>'\n"
	"end\n"
	"local function quote(s, limit)\n"
	"  local extra = ''\n"
	"  if limit and #s > limit then\n"
	"    extra = ('...(%d bytes)'):format(#s); s = s:sub(1, limit)\n"
	"  end\n"
	"  return (('%q'):format(s):gsub(BSNL, BSN)) .. extra\n"
	"end\n"
	"local function key(k)\n"
	"  if type(k) == 'string' and k:match('^[%a_][%w_]*$') and not keywords[k] then\n"
	"    return k\n"
	"  end\n"
	"  return '[' .. (type(k) == 'string' and quote(k, maxstr) or str(k)) .. ']'\n"
	"end\n"
	"local rank = { number = 1, string = 2, boolean = 3 }\n"
	"local function before(a, b)\n"
	"  local ta, tb = type(a), type(b)\n"
	"  if ta ~= tb then\n"
	"    local ra, rb = rank[ta] or 9, rank[tb] or 9\n"
	"    if ra ~= rb then return ra < rb end\n"
	"    return ta < tb\n"
	"  end\n"
	"  if ta == 'number' or ta == 'string' then return a < b end\n"
	"  if ta == 'boolean' then return (not a) and b end\n"
	"  return str(a) < str(b)\n"
	"end\n"
	"local function fmt(v, depth, seen, indent)\n"
	"  local t = type(v)\n"
	"  if t == 'string' then return quote(v, depth > 0 and maxstr or nil) end\n"
	"  if t ~= 'table' then return str(v) end\n"
	"  local mt = getmetatable(v)\n"
	"  if type(mt) == 'table' and rawget(mt, '__tostring') then return str(v) end\n"
	"  if seen[v] then return '<cycle>' end\n"
	"  if depth >= maxdepth then return '{...}' end\n"
	"  seen[v] = true\n"
	"  local n, keys, total = rawlen(v), {}, 0\n"
	"  for k in next, v do\n"
	"    total = total + 1\n"
	"    if not (math.type(k) == 'integer' and k >= 1 and k <= n) then\n"
	"      keys[#keys + 1] = k\n"
	"    end\n"
	"  end\n"
	"  pcall(table.sort, keys, before)\n"
	"  local items, inner = {}, indent .. '  '\n"
	"  for i = 1, n do\n"
	"    if #items >= maxitems then break end\n"
	"    items[#items + 1] = fmt(rawget(v, i), depth + 1, seen, inner)\n"
	"  end\n"
	"  for _, k in ipairs(keys) do\n"
	"    if #items >= maxitems then break end\n"
	"    items[#items + 1] = key(k) .. ' = ' .. fmt(rawget(v, k), depth + 1, seen, inner)\n"
	"  end\n"
	"  seen[v] = nil\n"
	"  if total > #items then\n"
	"    items[#items + 1] = ('... (%d more)'):format(total - #items)\n"
	"  end\n"
	"  if #items == 0 then return '{}' end\n"
	"  local one = '{ ' .. table.concat(items, ', ') .. ' }'\n"
	"  if #indent + #one <= width and not one:find('\\n') then return one end\n"
	"  return '{\\n' .. inner .. table.concat(items, ',\\n' .. inner) .. '\\n' .. indent .. '}'\n"
	"end\n"
	"local function pretty(v) return fmt(v, 0, {}, '') end\n"
	"local function names(v)\n"
	"  local seen, list = {}, {}\n"
	"  local function add(t)\n"
	"    for k in next, t do\n"
	"      if type(k) == 'string' and not seen[k] and not k:match('^__') then\n"
	"        seen[k] = true; list[#list + 1] = k\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"  if type(v) == 'table' then add(v) end\n"
	"  local mt, hops = getmetatable(v), 0\n"
	"  while type(mt) == 'table' and hops < 5 do\n"
	"    local m = rawget(mt, '__index')\n"
	"    if type(m) ~= 'table' then m = rawget(mt, 'methods') end\n"
	"    if type(m) ~= 'table' then break end\n"
	"    add(m); mt = getmetatable(m); hops = hops + 1\n"
	"  end\n"
	"  table.sort(list)\n"
	"  return table.concat(list, ', ')\n"
	"end\n"
	"return pretty, names\n";

/* The state the signal handler and the completion hook work on. */
static lua_State *globalL;
static volatile sig_atomic_t prompt_interrupted;
/* Self-pipe: the prompt's SIGINT wakes the read of the next key. */
static int wake[2] = { -1, -1 };

/* ---- running chunks, Ctrl-C ---------------------------------------- */

/* The hook the SIGINT handler sets: stops the running chunk. */
static void stop_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	luaL_error(L, "interrupted!");
}

/*
 * SIGINT while a chunk runs. Setting a hook is the one thing a signal
 * handler may do to a state; a second Ctrl-C (say, stuck in C code)
 * ends the program, as in lua.c.
 */
static void on_sigint_running(int sig)
{
	signal(sig, SIG_DFL);
	lua_sethook(globalL, stop_hook,
		    LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

/* SIGINT at the prompt: readline returns, the line is dropped. */
static void on_sigint_prompt(int sig)
{
	int saved = errno;

	(void)sig;
	prompt_interrupted = 1;
	if (wake[1] >= 0 && write(wake[1], "", 1) < 0) {
		/* full pipe: already woken */
	}
	errno = saved;
}

/*
 * libedit's key reader: a key from the terminal, or EOF (readline
 * returns) once Ctrl-C was pressed, wherever libedit was at the time.
 */
static int prompt_getc(FILE *f)
{
	struct pollfd p[2] = { { fileno(f), POLLIN, 0 }, { wake[0], POLLIN, 0 } };
	unsigned char c;
	char drain[16];

	for (;;) {
		if (prompt_interrupted)
			return EOF;
		if (poll(p, wake[0] >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return EOF;
		}
		if (wake[0] >= 0 && (p[1].revents & POLLIN)) {
			while (read(wake[0], drain, sizeof(drain)) > 0)
				;
			continue;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(p[0].fd, &c, 1);

			if (n == 1)
				return c;
			if (n < 0 && errno == EINTR)
				continue;
			return EOF;
		}
	}
}

static void set_sigint(void (*handler)(int), struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the prompt's read() returns */
	sigaction(SIGINT, &sa, old);
}

/* Calls the function on top of the stack; results (or the error) stay. */
static int docall(lua_State *L)
{
	struct sigaction old;
	int rc;

	globalL = L;
	set_sigint(on_sigint_running, &old);
	rc = ccm_lua_pcall(L, 0, LUA_MULTRET);
	sigaction(SIGINT, &old, NULL);
	lua_sethook(L, NULL, 0, 0); /* a Ctrl-C that came too late */
	return rc;
}

/* ---- printing ------------------------------------------------------- */

void ccm_repl_pushpretty(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_getfield(L, LUA_REGISTRYINDEX, REG_PRETTY) == LUA_TFUNCTION) {
		lua_pushvalue(L, idx);
		if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
			return;
	}
	lua_pop(L, 1);
	luaL_tolstring(L, idx, NULL);
}

/* Prints the values from `base` to the top, tab-separated, and pops them. */
static void print_results(lua_State *L, int base)
{
	int top = lua_gettop(L);

	for (int i = base; i <= top; i++) {
		size_t len;
		const char *s;

		ccm_repl_pushpretty(L, i);
		s = lua_tolstring(L, -1, &len);
		if (i > base)
			fputc('\t', stdout);
		fwrite(s, 1, len, stdout);
		lua_pop(L, 1);
	}
	if (top >= base)
		fputc('\n', stdout);
	fflush(stdout);
	lua_settop(L, base - 1);
}

/* ---- loading -------------------------------------------------------- */

/*
 * Loads `pre` + `code` as one chunk, after `pad` newlines: in piped input
 * each chunk is padded to its line in the input, so that every message
 * and traceback names input lines.
 */
struct source {
	size_t pad;
	const char *pre;
	size_t npre;
	const char *code;
	size_t ncode;
};

static const char *read_source(lua_State *L, void *ud, size_t *size)
{
	static char newlines[4096];
	struct source *s = ud;

	(void)L;
	if (s->pad) {
		if (newlines[0] != '\n')
			memset(newlines, '\n', sizeof(newlines));
		*size = s->pad < sizeof(newlines) ? s->pad : sizeof(newlines);
		s->pad -= *size;
		return newlines;
	}
	if (s->npre) {
		*size = s->npre;
		s->npre = 0;
		return s->pre;
	}
	if (s->ncode) {
		*size = s->ncode;
		s->ncode = 0;
		return s->code;
	}
	*size = 0;
	return NULL;
}

static int load(lua_State *L, const char *pre, const char *code, size_t len,
		size_t pad)
{
	struct source s = { pad, pre, strlen(pre), code, len };
	int rc = lua_load(L, read_source, &s, CHUNKNAME, "t");

	if (rc == LUA_OK)
		ccm_repl_locals_env(L);   /* sees the locals earlier chunks kept */
	return rc;
}

/* Lua's syntax error for input that ends too early. */
static int incomplete(lua_State *L, int status)
{
	static const char mark[] = "<eof>";
	size_t len;
	const char *msg;

	if (status != LUA_ERRSYNTAX)
		return 0;
	msg = lua_tolstring(L, -1, &len);
	return msg && len >= sizeof(mark) - 1 &&
	       !strcmp(msg + len - (sizeof(mark) - 1), mark);
}

/* ---- the loop ------------------------------------------------------- */

struct repl {
	lua_State *L;
	int interactive;
	int failed;        /* some chunk failed */
	char *buf;         /* the chunk so far */
	size_t len, cap;
	long line;         /* input line number of the current line */
	long start;        /* line the chunk in buf started on */
};

enum { LINE_DONE, LINE_MORE, LINE_QUIT };

static int append(struct repl *r, const char *s, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 256;
		char *p;

		while (cap < r->len + n + 1)
			cap *= 2;
		p = realloc(r->buf, cap);
		if (!p)
			return -1;
		r->buf = p;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
	r->buf[r->len] = '\0';
	return 0;
}

static void report(struct repl *r, const char *msg)
{
	r->failed = 1;
	if (r->interactive)
		fprintf(stderr, "%s\n", msg);
	else
		fprintf(stderr, "ccmig: error near line %ld: %s\n", r->start, msg);
	fflush(stderr);
}

/* Reports the error message on top of the stack and pops it. */
static void report_top(struct repl *r)
{
	const char *msg = lua_tostring(r->L, -1);

	report(r, msg ? msg : "(error object is not a string)");
	lua_pop(r->L, 1);
}

/* Runs the function on top of the stack and prints its results. */
static void run(struct repl *r)
{
	int base = lua_gettop(r->L);

	if (docall(r->L) != LUA_OK)
		report_top(r);
	else
		print_results(r->L, base);
}

static size_t pad_for(const struct repl *r)
{
	return r->interactive || r->start < 1 ? 0 : (size_t)(r->start - 1);
}

static void print_help(struct repl *r)
{
	static const char *const objects[] = { "po", "store", "ccmig" };
	const char *hist = getenv("CCMIG_HISTORY");
	lua_State *L = r->L;

	printf("Commands:\n"
	       "  .help          this text\n"
	       "  .quit          leave (so do .exit and end of input, Ctrl-D)\n"
	       "Lua:\n"
	       "  EXPR           an expression: its values are printed\n"
	       "  =EXPR          the same as return EXPR\n"
	       "  STATEMENT      runs; unfinished input continues on the next line\n"
	       "                 (prompt " PROMPT2 ")\n"
	       "  TAB            completes globals, fields (t.) and methods (obj:)\n"
	       "  Ctrl-C         stops the running chunk; at the prompt, clears the line\n"
	       "History file: %s\n"
	       "Objects:\n", hist && *hist ? hist : "~/.ccmig_history");
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		int t = lua_getglobal(L, objects[i]);

		if (t == LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		printf("  %-6s %s\n", objects[i], luaL_tolstring(L, -1, NULL));
		lua_pop(L, 1);
		if (lua_getfield(L, LUA_REGISTRYINDEX, REG_NAMES) == LUA_TFUNCTION) {
			lua_pushvalue(L, -2);
			if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_isstring(L, -1) &&
			    lua_rawlen(L, -1) > 0)
				printf("         %s\n", lua_tostring(L, -1));
		}
		lua_pop(L, 2);
	}
	fflush(stdout);
}

/* A line starting with '.': a command of the REPL. */
static int dot_command(struct repl *r, const char *line)
{
	char word[32];
	size_t n = strcspn(line, " \t\r");

	if (n >= sizeof(word))
		n = sizeof(word) - 1;
	memcpy(word, line, n);
	word[n] = '\0';
	if (!strcmp(word, ".quit") || !strcmp(word, ".exit"))
		return LINE_QUIT;
	if (!strcmp(word, ".help")) {
		print_help(r);
		return LINE_DONE;
	}
	lua_pushfstring(r->L, "unknown command '%s'; .help lists them", word);
	report_top(r);
	return LINE_DONE;
}

/* Takes one line of input. */
static int take_line(struct repl *r, const char *line)
{
	lua_State *L = r->L;
	int rc, expression = 0;

	if (r->len == 0) {
		const char *p = line + strspn(line, " \t");

		if (*p == '\0')
			return LINE_DONE;
		r->start = r->line;
		if (*p == '.')
			return dot_command(r, p);
		if (*p == '=') {
			if (append(r, "return ", 7) || append(r, p + 1, strlen(p + 1)))
				goto nomem;
		} else {
			/* `return <line>` first: an expression prints its value. */
			if (load(L, "return ", line, strlen(line), pad_for(r)) == LUA_OK) {
				run(r);
				return LINE_DONE;
			}
			lua_pop(L, 1);
			if (append(r, line, strlen(line)))
				goto nomem;
		}
	} else if (append(r, "\n", 1) || append(r, line, strlen(line))) {
		goto nomem;
	}

	rc = load(L, "", r->buf, r->len, pad_for(r));
	if (incomplete(L, rc)) {
		lua_pop(L, 1);
		return LINE_MORE;
	}
	if (rc == LUA_OK && r->start != r->line && strncmp(r->buf, "return ", 7)) {
		/* A finished multi-line chunk may be an expression, too. */
		if (load(L, "return ", r->buf, r->len, pad_for(r)) == LUA_OK) {
			lua_remove(L, -2);
			expression = 1;
		} else {
			lua_pop(L, 1);
		}
	}
	if (rc == LUA_OK && !expression && strncmp(r->buf, "return ", 7)) {
		/* A statement keeps its top-level locals for the chunks after
		 * it (repl_locals.h); one that cannot take the call (it ends
		 * in `return`) runs as it is. */
		size_t len = r->len;

		if (append(r, CCM_REPL_KEEP_CALL, strlen(CCM_REPL_KEEP_CALL)) == 0 &&
		    load(L, "", r->buf, r->len, pad_for(r)) == LUA_OK)
			lua_remove(L, -2);
		else if (r->len != len)
			lua_pop(L, 1);
		r->len = len;
	}
	r->len = 0;
	if (rc != LUA_OK)
		report_top(r);
	else
		run(r);
	return LINE_DONE;

nomem:
	r->len = 0;
	report(r, "not enough memory");
	return LINE_DONE;
}

/* End of input in the middle of a chunk: its syntax error. */
static void flush_incomplete(struct repl *r)
{
	if (r->len == 0)
		return;
	if (load(r->L, "", r->buf, r->len, pad_for(r)) == LUA_OK)
		lua_pop(r->L, 1);
	else
		report_top(r);
	r->len = 0;
}

/* ---- tab completion -------------------------------------------------- */

static char **cands;
static size_t ncands, capcands, nextcand;

static void clear_cands(void)
{
	for (size_t i = 0; i < ncands; i++)
		free(cands[i]);
	ncands = nextcand = 0;
}

static void add_cand(const char *prefix, size_t nprefix, const char *name)
{
	char *s;

	for (size_t i = 0; i < ncands; i++)
		if (!strcmp(cands[i] + nprefix, name))
			return;
	if (ncands == capcands) {
		size_t cap = capcands ? capcands * 2 : 64;
		char **p = realloc(cands, cap * sizeof(*p));

		if (!p)
			return;
		cands = p;
		capcands = cap;
	}
	s = malloc(nprefix + strlen(name) + 1);
	if (!s)
		return;
	memcpy(s, prefix, nprefix);
	strcpy(s + nprefix, name);
	cands[ncands++] = s;
}

static int is_ident(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/*
 * Replaces the metatable on top of the stack by the table its methods are
 * in: __index when a table, else a `methods` table (the ccmig module's
 * classes, whose __index is a function). Returns 0, the metatable popped,
 * when there is none.
 */
static int meta_methods(lua_State *L)
{
	lua_pushliteral(L, "__index");
	lua_rawget(L, -2);
	if (lua_type(L, -1) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_pushliteral(L, "methods");
		lua_rawget(L, -2);
	}
	lua_remove(L, -2);
	if (lua_type(L, -1) == LUA_TTABLE)
		return 1;
	lua_pop(L, 1);
	return 0;
}

/*
 * Adds the names in the table at `t` starting with `part`, and those of
 * its metatable's __index tables. Methods only (functions) after ':'.
 * Raw access throughout: completing never runs Lua code.
 */
static void add_fields(lua_State *L, int t, const char *prefix, size_t nprefix,
		       const char *part, int methods)
{
	size_t npart = strlen(part);

	t = lua_absindex(L, t);
	for (int hops = 0; hops < 5; hops++) {
		if (lua_type(L, t) == LUA_TTABLE) {
			lua_pushnil(L);
			while (lua_next(L, t)) {
				if (lua_type(L, -2) == LUA_TSTRING) {
					const char *k = lua_tostring(L, -2);

					if (!strncmp(k, part, npart) && is_ident(k) &&
					    (!methods || lua_type(L, -1) == LUA_TFUNCTION))
						add_cand(prefix, nprefix, k);
				}
				lua_pop(L, 1);
			}
		}
		if (!lua_getmetatable(L, t))
			return;
		if (!meta_methods(L))
			return;
		t = lua_gettop(L);
	}
}

/* Pushes field `name` of the value at `v`, raw, via __index tables. */
static void raw_field(lua_State *L, int v, const char *name)
{
	v = lua_absindex(L, v);
	lua_pushvalue(L, v);
	for (int hops = 0; hops < 5; hops++) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			lua_pushstring(L, name);
			lua_rawget(L, -2);
			if (!lua_isnil(L, -1)) {
				lua_remove(L, -2);
				return;
			}
			lua_pop(L, 1);
		}
		if (!lua_getmetatable(L, -1))
			break;
		if (!meta_methods(L))
			break;
		lua_remove(L, -2);
	}
	lua_pop(L, 1);
	lua_pushnil(L);
}

static void collect(lua_State *L, const char *text)
{
	static const char *const keywords[] = {
		"and", "break", "do", "else", "elseif", "end", "false", "for",
		"function", "goto", "if", "in", "local", "nil", "not", "or",
		"repeat", "return", "then", "true", "until", "while",
	};
	const char *sep = strpbrk(text, ".:"), *last = NULL;
	int top = lua_gettop(L);

	for (const char *p = sep; p; p = strpbrk(p + 1, ".:"))
		last = p;
	if (!lua_checkstack(L, 20))
		return;
	lua_pushglobaltable(L);
	if (!last) {
		size_t n = strlen(text);

		add_fields(L, -1, "", 0, text, 0);
		for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (!strncmp(keywords[i], text, n))
				add_cand("", 0, keywords[i]);
	} else {
		/* Walk a.b.c to the value before the last separator. */
		const char *p = text;

		while (p < last) {
			const char *end = p + strcspn(p, ".:");
			char name[128];

			if (end > last || (*end == ':' && end != last) ||
			    (size_t)(end - p) >= sizeof(name))
				goto out;
			memcpy(name, p, (size_t)(end - p));
			name[end - p] = '\0';
			raw_field(L, -1, name);
			lua_remove(L, -2);
			p = end + 1;
		}
		add_fields(L, -1, text, (size_t)(last - text + 1), last + 1, *last == ':');
	}
out:
	lua_settop(L, top);
}

static int cand_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *complete_next(const char *text, int state)
{
	if (state == 0) {
		clear_cands();
		if (globalL)
			collect(globalL, text);
		if (ncands)
			qsort(cands, ncands, sizeof(*cands), cand_cmp);
	}
	return nextcand < ncands ? strdup(cands[nextcand++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	(void)end;
	rl_attempted_completion_over = 1; /* never file names */
	rl_completion_append_character = '\0';
	return rl_completion_matches(text, complete_next);
}

/* ---- entry points ----------------------------------------------------- */

static char *history_path(void)
{
	const char *env = getenv("CCMIG_HISTORY"), *home = getenv("HOME");
	char *p;

	if (env)
		return *env ? strdup(env) : NULL;
	if (!home || !*home)
		return NULL;
	p = malloc(strlen(home) + sizeof("/.ccmig_history"));
	if (p)
		sprintf(p, "%s/.ccmig_history", home);
	return p;
}

static void run_interactive(struct repl *r, const char *banner)
{
	static char breaks[] = " \t\n\"'`><=;+-*/%^~#&|,()[]{}";
	char *hist = history_path();

	rl_readline_name = "ccmig";
	rl_basic_word_break_characters = breaks;
	rl_completer_word_break_characters = breaks;
	rl_attempted_completion_function = complete;
	if (pipe(wake) == 0) {
		for (int i = 0; i < 2; i++) {
			fcntl(wake[i], F_SETFL, O_NONBLOCK);
			fcntl(wake[i], F_SETFD, FD_CLOEXEC);
		}
	} else {
		wake[0] = wake[1] = -1;
	}
	rl_getc_function = prompt_getc;
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist);
	if (banner)
		printf("%s\n", banner);
	fflush(stdout);

	for (;;) {
		struct sigaction old;
		char *line;
		int rc;

		prompt_interrupted = 0;
		set_sigint(on_sigint_prompt, &old);
		line = readline(r->len ? PROMPT2 : PROMPT);
		sigaction(SIGINT, &old, NULL);
		if (prompt_interrupted) {
			/* Ctrl-C at the prompt: drop the line and the chunk. */
			free(line);
			r->len = 0;
			fputc('\n', stdout);
			fflush(stdout);
			continue;
		}
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		r->line++;
		if (*line)
			add_history(line);
		rc = take_line(r, line);
		free(line);
		if (rc == LINE_QUIT)
			break;
	}
	r->len = 0;
	for (int i = 0; i < 2; i++) {
		if (wake[i] >= 0)
			close(wake[i]);
		wake[i] = -1;
	}
	if (hist && write_history(hist) != 0)
		fprintf(stderr, "ccmig: cannot write history file %s\n", hist);
	free(hist);
}

static void run_piped(struct repl *r, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) >= 0) {
		r->line++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (take_line(r, line) == LINE_QUIT) {
			r->len = 0;
			break;
		}
	}
	flush_incomplete(r);
	free(line);
}

int ccm_repl_run(lua_State *L, FILE *in, int interactive, const char *banner)
{
	struct repl r = { 0 };
	int n;

	r.L = L;
	r.interactive = interactive;
	globalL = L;

	/* The helpers into the registry. */
	if (luaL_loadbufferx(L, helpers_lua, sizeof(helpers_lua) - 1, "=repl", "t") ||
	    lua_pcall(L, 0, 2, 0)) {
		fprintf(stderr, "ccmig: repl: %s\n", lua_tostring(L, -1));
		return 2;
	}
	lua_setfield(L, LUA_REGISTRYINDEX, REG_NAMES);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_PRETTY);
	ccm_repl_locals_init(L);

	n = lua_gettop(L);
	if (interactive)
		run_interactive(&r, banner);
	else
		run_piped(&r, in);
	lua_settop(L, n);
	free(r.buf);
	clear_cands();
	free(cands);
	cands = NULL;
	capcands = 0;
	globalL = NULL;
	return interactive ? 0 : r.failed;
}
