/* store_baseline.c: SQLite's own limit for an import: the same rows and
 * blobs inserted with prepared statements in large transactions. */

/*
 * `ccmig import` is held to 0.7x the rate at which SQLite alone takes the
 * rows and blobs that the import writes. This program measures that rate
 * on the store an import really made, in two steps run as two processes,
 * so that the second one's wall time and memory are the baseline alone:
 *
 *   store_baseline spool STORE.db SPOOL
 *       writes every row of every table of STORE.db to the file SPOOL
 *       (tables in an order their foreign keys accept; rows in key order);
 *   store_baseline insert SPOOL NEW.db [--batch-mib N]
 *       creates NEW.db with ccm_store_open() (the store's schema, indexes
 *       and pragmas: WAL, synchronous NORMAL, foreign keys, its page
 *       cache) and inserts the spooled rows again, one prepared INSERT per
 *       table, every value bound as it is (a blob part whole, with
 *       sqlite3_bind_blob64), committing every N MiB of values (default
 *       256) and at the end. Reading the spool is a sequential read of a
 *       file the first step just wrote, so what is timed is SQLite.
 *
 * Exit status 0, or 2 with a message on stderr. Each step prints one line
 * with rows, bytes and seconds.
 *
 * The spool is private to one machine and one run (native byte order):
 *   magic "CCMSPOOL1"
 *   'T' u32 name length, name, u32 column count     a table starts
 *   'R' then one value per column                    a row
 *      'i' i64 | 'f' double | 't' u64 n, n bytes | 'b' u64 n, n bytes | 'n'
 *   'E'                                              the end
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

#include "store/store.h"

#define MAGIC "CCMSPOOL1"
#define MAX_TABLES 128
#define MAX_NAME 256
#define MAX_COLS 256
/* Large enough for fast sequential reads and writes of the spool. */
#define IO_BUFFER (1u << 20)

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "store_baseline: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void put(FILE *f, const void *p, size_t n, const char *path)
{
	if (n && fwrite(p, 1, n, f) != n)
		die("cannot write '%s': %s", path, strerror(errno));
}

static void get(FILE *f, void *p, size_t n, const char *path)
{
	if (n && fread(p, 1, n, f) != n)
		die("'%s' ends early or cannot be read%s", path,
		    ferror(f) ? ": read error" : "");
}

/* ---- spool ---- */

struct table {
	char name[MAX_NAME];
	char deps[8][MAX_NAME];   /* tables its foreign keys name, itself excluded */
	int n_deps;
	int done;
};

static int load_tables(sqlite3 *db, struct table *t)
{
	sqlite3_stmt *st, *fk;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
			       "AND name NOT LIKE 'sqlite_%' ORDER BY rowid", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT DISTINCT \"table\" FROM "
			       "pragma_foreign_key_list(?1)", -1, &fk, NULL) != SQLITE_OK)
		die("cannot list the tables: %s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct table *x = &t[n];

		if (n == MAX_TABLES)
			die("more than %d tables", MAX_TABLES);
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		sqlite3_bind_text(fk, 1, x->name, -1, SQLITE_STATIC);
		while (sqlite3_step(fk) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(fk, 0);

			if (strcmp(d, x->name) != 0 && x->n_deps < 8)
				snprintf(x->deps[x->n_deps++], MAX_NAME, "%s", d);
		}
		sqlite3_reset(fk);
		n++;
	}
	sqlite3_finalize(fk);
	sqlite3_finalize(st);
	return n;
}

/* The next table whose foreign keys point only at tables already taken;
 * with a cycle, the first one left (its inserts will say what is wrong). */
static struct table *next_table(struct table *t, int n)
{
	for (int i = 0; i < n; i++) {
		int ready = !t[i].done;

		for (int d = 0; ready && d < t[i].n_deps; d++)
			for (int j = 0; j < n; j++)
				if (!t[j].done && strcmp(t[j].name, t[i].deps[d]) == 0)
					ready = 0;
		if (ready)
			return &t[i];
	}
	for (int i = 0; i < n; i++)
		if (!t[i].done)
			return &t[i];
	return NULL;
}

static void spool_value(FILE *f, sqlite3_stmt *st, int c, const char *path,
			unsigned long long *bytes)
{
	int type = sqlite3_column_type(st, c);
	unsigned char tag;

	if (type == SQLITE_INTEGER) {
		int64_t v = sqlite3_column_int64(st, c);

		tag = 'i';
		put(f, &tag, 1, path);
		put(f, &v, sizeof(v), path);
		*bytes += sizeof(v);
	} else if (type == SQLITE_FLOAT) {
		double v = sqlite3_column_double(st, c);

		tag = 'f';
		put(f, &tag, 1, path);
		put(f, &v, sizeof(v), path);
		*bytes += sizeof(v);
	} else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
		const void *p = type == SQLITE_TEXT
			? (const void *)sqlite3_column_text(st, c)
			: sqlite3_column_blob(st, c);
		uint64_t n = (uint64_t)sqlite3_column_bytes(st, c);

		tag = type == SQLITE_TEXT ? 't' : 'b';
		put(f, &tag, 1, path);
		put(f, &n, sizeof(n), path);
		put(f, p, n, path);
		*bytes += n;
	} else {
		tag = 'n';
		put(f, &tag, 1, path);
	}
}

static int spool(const char *src, const char *path)
{
	static struct table t[MAX_TABLES];
	sqlite3 *db;
	FILE *f;
	struct table *x;
	unsigned long long rows = 0, bytes = 0;
	double t0 = now();
	int n;

	if (sqlite3_open_v2(src, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("cannot open '%s': %s", src, sqlite3_errmsg(db));
	if (!(f = fopen(path, "wb")))
		die("cannot create '%s': %s", path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, IO_BUFFER);
	put(f, MAGIC, strlen(MAGIC), path);
	n = load_tables(db, t);
	while ((x = next_table(t, n))) {
		char sql[MAX_NAME + 32];
		sqlite3_stmt *st;
		uint32_t len = (uint32_t)strlen(x->name), cols;
		unsigned char tag = 'T';

		x->done = 1;
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", x->name);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			die("cannot read table '%s': %s", x->name, sqlite3_errmsg(db));
		cols = (uint32_t)sqlite3_column_count(st);
		put(f, &tag, 1, path);
		put(f, &len, sizeof(len), path);
		put(f, x->name, len, path);
		put(f, &cols, sizeof(cols), path);
		while (sqlite3_step(st) == SQLITE_ROW) {
			tag = 'R';
			put(f, &tag, 1, path);
			for (uint32_t c = 0; c < cols; c++)
				spool_value(f, st, (int)c, path, &bytes);
			rows++;
		}
		if (sqlite3_finalize(st) != SQLITE_OK)
			die("cannot read table '%s': %s", x->name, sqlite3_errmsg(db));
	}
	put(f, "E", 1, path);
	if (fclose(f) != 0)
		die("cannot write '%s': %s", path, strerror(errno));
	sqlite3_close(db);
	printf("spool: %llu rows, %llu bytes of values, %.3f s\n", rows, bytes,
	       now() - t0);
	return 0;
}

/* ---- insert ---- */

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die("%s failed: %s", sql, msg ? msg : sqlite3_errmsg(db));
}

/* Where one value of the current row lies in the row buffer. */
struct value {
	unsigned char tag;
	uint64_t off, len;
	int64_t i;
	double f;
};

static unsigned char *row_buf;
static size_t row_cap;

static void room(size_t need)
{
	if (need <= row_cap)
		return;
	row_cap = need > 2 * row_cap ? need : 2 * row_cap;
	if (!(row_buf = realloc(row_buf, row_cap)))
		die("out of memory for a row of %zu bytes", need);
}

/* Reads one row's values; returns their bytes, counted as spool() does. */
static uint64_t read_row(FILE *f, const char *path, struct value *v, uint32_t cols)
{
	uint64_t used = 0, numbers = 0;

	for (uint32_t c = 0; c < cols; c++) {
		get(f, &v[c].tag, 1, path);
		switch (v[c].tag) {
		case 'i':
			get(f, &v[c].i, sizeof(v[c].i), path);
			numbers += sizeof(v[c].i);
			break;
		case 'f':
			get(f, &v[c].f, sizeof(v[c].f), path);
			numbers += sizeof(v[c].f);
			break;
		case 't':
		case 'b':
			get(f, &v[c].len, sizeof(v[c].len), path);
			v[c].off = used;
			room(used + v[c].len + 1);
			get(f, row_buf + used, v[c].len, path);
			used += v[c].len;
			break;
		case 'n':
			break;
		default:
			die("'%s' is not a spool of this program", path);
		}
	}
	return used + numbers;
}

static void bind_row(sqlite3_stmt *ins, const struct value *v, uint32_t cols)
{
	for (uint32_t c = 0; c < cols; c++) {
		int i = (int)c + 1;

		switch (v[c].tag) {
		case 'i':
			sqlite3_bind_int64(ins, i, v[c].i);
			break;
		case 'f':
			sqlite3_bind_double(ins, i, v[c].f);
			break;
		case 't':
			sqlite3_bind_text64(ins, i, (const char *)row_buf + v[c].off,
					    v[c].len, SQLITE_STATIC, SQLITE_UTF8);
			break;
		case 'b':
			sqlite3_bind_blob64(ins, i, row_buf + v[c].off, v[c].len,
					    SQLITE_STATIC);
			break;
		default:
			sqlite3_bind_null(ins, i);
		}
	}
}

static sqlite3_stmt *start_table(sqlite3 *db, FILE *f, const char *path,
				 char *name, uint32_t *cols)
{
	char sql[MAX_NAME + 16 + MAX_COLS * 6];
	sqlite3_stmt *ins;
	uint32_t len;
	size_t at;

	get(f, &len, sizeof(len), path);
	if (len >= MAX_NAME)
		die("'%s' is not a spool of this program", path);
	get(f, name, len, path);
	name[len] = '\0';
	get(f, cols, sizeof(*cols), path);
	if (*cols == 0 || *cols > MAX_COLS)
		die("table '%s' of '%s' has %u columns (0 or over %d)", name, path,
		    *cols, MAX_COLS);
	/* A fresh store already holds rows of its own (meta): the spool's
	 * replace them. */
	snprintf(sql, sizeof(sql), "DELETE FROM \"%s\"", name);
	exec(db, sql);
	at = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO \"%s\" VALUES (", name);
	for (uint32_t c = 0; c < *cols; c++)
		at += (size_t)snprintf(sql + at, sizeof(sql) - at, "%s?%u",
				       c ? "," : "", c + 1);
	snprintf(sql + at, sizeof(sql) - at, ")");
	if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK)
		die("cannot prepare the insert into '%s': %s", name, sqlite3_errmsg(db));
	return ins;
}

static int insert(const char *path, const char *dst, unsigned long long batch)
{
	static struct value v[MAX_COLS];
	struct ccm_store *s;
	struct ccm_error err;
	sqlite3 *db;
	sqlite3_stmt *ins = NULL;
	FILE *f;
	char magic[sizeof(MAGIC)] = { 0 }, name[MAX_NAME];
	unsigned char tag;
	uint32_t cols = 0;
	unsigned long long rows = 0, bytes = 0, pending = 0;
	double t0 = now();

	if (access(dst, F_OK) == 0)
		die("'%s' exists; give a new file", dst);
	if (!(f = fopen(path, "rb")))
		die("cannot open '%s': %s", path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, IO_BUFFER);
	get(f, magic, strlen(MAGIC), path);
	if (strcmp(magic, MAGIC) != 0)
		die("'%s' is not a spool of this program", path);
	if (ccm_store_open(&s, dst, CCM_STORE_CREATE, &err) < 0)
		die("%s", err.msg);
	db = ccm_store_db(s);
	exec(db, "BEGIN");
	for (;;) {
		get(f, &tag, 1, path);
		if (tag == 'E')
			break;
		if (tag == 'T') {
			sqlite3_finalize(ins);
			ins = start_table(db, f, path, name, &cols);
			continue;
		}
		if (tag != 'R' || !ins)
			die("'%s' is not a spool of this program", path);
		pending += read_row(f, path, v, cols);
		bind_row(ins, v, cols);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert into '%s' failed: %s", name, sqlite3_errmsg(db));
		sqlite3_reset(ins);
		rows++;
		if (pending >= batch) {
			exec(db, "COMMIT");
			exec(db, "BEGIN");
			bytes += pending;
			pending = 0;
		}
	}
	sqlite3_finalize(ins);
	exec(db, "COMMIT");
	bytes += pending;
	fclose(f);
	ccm_store_close(s);
	free(row_buf);
	printf("insert: %llu rows, %llu bytes of values, %.3f s\n", rows, bytes,
	       now() - t0);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: store_baseline spool STORE.db SPOOL\n"
		"       store_baseline insert SPOOL NEW.db [--batch-mib N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long batch = 256ull << 20;

	if (argc == 4 && strcmp(argv[1], "spool") == 0)
		return spool(argv[2], argv[3]);
	if ((argc == 4 || argc == 6) && strcmp(argv[1], "insert") == 0) {
		if (argc == 6) {
			char *end;
			unsigned long mib = strtoul(argv[5], &end, 10);

			if (strcmp(argv[4], "--batch-mib") != 0 || *end || mib == 0)
				usage();
			batch = (unsigned long long)mib << 20;
		}
		return insert(argv[2], argv[3], batch);
	}
	usage();
	return 2;
}
