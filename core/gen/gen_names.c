/* gen_names.c: the names, words and file names of generated post offices. */
#include "gen/gen_int.h"

#include <ctype.h>
#include <string.h>

#define N_(a) (sizeof(a) / sizeof((a)[0]))

/* Accented letters are limited to those that CP437, CP850 and CP1252 all
 * hold, so a Latin bundle round-trips whatever its code page. */
static const char *const last_ascii[] = {
	"Smith", "Doe", "Grewal", "Parkes", "Grande", "Jones", "Brown",
	"Miller", "Garcia", "Nguyen", "Kowalski", "O'Brien", "Van Horn",
	"de la Cruz", "Taylor", "Wilson", "Clark", "Wright", "Chen", "Patel",
	"Okafor", "McAllister", "St. James", "Baker", "Young", "Hill"
};
static const char *const last_latin[] = {
	"M\xc3\xbcller", "Lef\xc3\xa8vre", "Gon\xc3\xa7" "alves",
	"Ib\xc3\xa1\xc3\xb1" "ez", "\xc3\x85" "berg", "N\xc3\xba\xc3\xb1" "ez",
	"B\xc3\xb6hm", "H\xc3\xa4m\xc3\xa4l\xc3\xa4inen", "G\xc3\xb3mez",
	"P\xc3\xa9rez", "J\xc3\xa4ger", "Ch\xc3\xa2teau"
};
static const char *const first_ascii[] = {
	"John", "Jane", "Jeff", "Joe", "Jon", "Craig", "Mary", "Ann", "Bob",
	"Kim", "Pat", "Chris", "Dana", "Terry", "Laura", "Michael", "Susan",
	"David", "Karen", "Paul", "Linda", "Mark", "Nancy", "Steve"
};
static const char *const first_latin[] = {
	"Ren\xc3\xa9", "Jos\xc3\xa9", "Zo\xc3\xab", "J\xc3\xbcrgen",
	"Fran\xc3\xa7oise", "Bj\xc3\xb6rn", "Ana\xc3\xafs", "M\xc3\xb3nica",
	"Ram\xc3\xb3n", "In\xc3\xa9s"
};
/* Several carry a Shift-JIS trail byte 0x5C ('\'): 表 能 十 申 ソ 予
 * (Q198861); ゼ has 0x5B ('['). */
static const char *const last_jp[] = {
	"山田", "田中", "鈴木", "佐藤", "表", "能登", "十河", "申", "高橋",
	"予野", "ソネ"
};
static const char *const first_jp[] = {
	"太郎", "花子", "一郎", "十三", "能里子", "申介", "ソウタ", "ゼン",
	"予志子", "構平"
};

enum ccm_gen_script ccm_gen_script_of(int code_page)
{
	switch (code_page) {
	case 932:
		return CCM_GEN_JAPANESE;
	case 437: case 850: case 1252:
		return CCM_GEN_LATIN;
	default:
		return CCM_GEN_ASCII;
	}
}

#define PICK(r, arr) ((arr)[ccm_gen_rng_below((r), N_(arr))])

const char *ccm_gen_person(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			   enum ccm_gen_script sc)
{
	const char *last = PICK(r, last_ascii), *first = PICK(r, first_ascii);
	unsigned shape = (unsigned)ccm_gen_rng_below(r, 100);

	if (sc == CCM_GEN_LATIN && ccm_gen_rng_chance(r, 0.3)) {
		if (ccm_gen_rng_chance(r, 0.5))
			last = PICK(r, last_latin);
		else
			first = PICK(r, first_latin);
	}
	if (sc == CCM_GEN_JAPANESE && ccm_gen_rng_chance(r, 0.4)) {
		last = PICK(r, last_jp);
		first = PICK(r, first_jp);
		/* Japanese sites wrote "姓 名" or the Western "姓, 名". */
		return ccm_gen_printf(a, shape < 60 ? "%s %s" : "%s, %s",
				      last, first);
	}
	if (shape < 55)
		return ccm_gen_printf(a, "%s, %s", last, first);
	if (shape < 70)
		return ccm_gen_printf(a, "%s %s", first, last);
	if (shape < 82)
		return ccm_gen_printf(a, "%s, %s %c.", last, first,
				      (int)('A' + ccm_gen_rng_below(r, 26)));
	return ccm_gen_alias(a, ccm_gen_printf(a, "%s, %s", last, first), 0);
}

int ccm_gen_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || s[0] == '#' || s[0] == '~' || s[0] == ' ' ||
	    s[n - 1] == ' ')
		return 0;
	if (strpbrk(s, "[]{}@=;\"\t\r\n"))
		return 0;
	for (size_t i = 0; i + 4 <= n; i++)
		if (s[i] == ' ' && tolower((unsigned char)s[i + 1]) == 'a' &&
		    tolower((unsigned char)s[i + 2]) == 't' && s[i + 3] == ' ')
			return 0;
	return 1;
}

void ccm_gen_fold(char *out, size_t outsz, const char *s)
{
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && o + 3 < outsz) {
		if (*p < 0x80) {
			out[o++] = (char)tolower(*p++);
		} else if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e &&
			   p[1] != 0x97) {
			/* U+00C0..U+00DE (not U+00D7) fold to +0x20. */
			out[o++] = (char)0xc3;
			out[o++] = (char)(p[1] + 0x20);
			p += 2;
		} else {
			out[o++] = (char)*p++;
		}
	}
	out[o] = '\0';
}

const char *ccm_gen_alias(struct ccm_gen_arena *a, const char *name, unsigned n)
{
	char out[24];
	size_t o = 0;
	const char *comma = strchr(name, ','), *last = name, *first = NULL;

	if (comma) {
		first = comma + 1;
		while (*first == ' ')
			first++;
	}
	if (first && isalpha((unsigned char)*first))
		out[o++] = (char)tolower((unsigned char)*first);
	for (const char *p = last; *p && p != comma && o < 12; p++)
		if (isalpha((unsigned char)*p))
			out[o++] = (char)tolower((unsigned char)*p);
	if (o < 2)
		return ccm_gen_printf(a, "user%u", n);
	out[o] = '\0';
	if (n)
		return ccm_gen_printf(a, "%s%u", out, n);
	return ccm_gen_strdup(a, out);
}

const char *ccm_gen_comments(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			     const char *name)
{
	/* The alias;office;phone habit of many sites (Q217040). */
	return ccm_gen_printf(a, "%s;%d/%04d;(%03d) %03d-%04d",
			      ccm_gen_alias(a, name, 0),
			      (int)ccm_gen_rng_range(r, 1, 60),
			      (int)ccm_gen_rng_range(r, 1000, 4999),
			      (int)ccm_gen_rng_range(r, 201, 989),
			      (int)ccm_gen_rng_range(r, 200, 999),
			      (int)ccm_gen_rng_range(r, 0, 9999));
}

static const char *const subj_ascii[] = {
	"Budget review", "Lunch on Friday?", "[URGENT] Server down",
	"[Sales] Q3 numbers", "Holiday schedule", "Y2K readiness",
	"Meeting notes 12/31/99", "offsite", "Your account", "Org chart",
	"Travel: Chicago", "Minutes [draft]", "Re", "Price list (revised)",
	"Weekly status", "New hire: welcome!", "50% off; today only"
};
static const char *const subj_latin[] = {
	"R\xc3\xa9union de lundi", "\xc3\x87" "a marche", "Pr\xc3\xa9visions 2000",
	"Lu : rapport trimestriel", "\xc3\x9c" "bersicht M\xc3\xa4rz"
};
static const char *const subj_jp[] = {
	"会議の件", "見積書について", "表計算の確認", "予定表", "ソフト申請"
};
static const char *const prefixes[] = {
	"Re: ", "RE: ", "Re[2]: ", "FW: ", "Fwd: ", "Re: Re: "
};

const char *ccm_gen_subject(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			    enum ccm_gen_script sc)
{
	const char *base = PICK(r, subj_ascii), *pre = "";

	if (sc == CCM_GEN_LATIN && ccm_gen_rng_chance(r, 0.25))
		base = PICK(r, subj_latin);
	if (sc == CCM_GEN_JAPANESE && ccm_gen_rng_chance(r, 0.4))
		base = PICK(r, subj_jp);
	if (ccm_gen_rng_chance(r, 0.35))
		pre = PICK(r, prefixes);
	return ccm_gen_printf(a, "%s%s", pre, base);
}

static const char *const words_ascii[] = {
	"the", "report", "is", "attached", "please", "review", "and", "send",
	"comments", "by", "Friday", "we", "need", "to", "discuss", "budget",
	"for", "next", "quarter", "meeting", "room", "was", "moved", "sales",
	"figures", "look", "good", "thanks", "regards", "customer", "called",
	"about", "order", "shipping", "delayed", "until", "Monday", "Y2K",
	"testing", "complete", "server", "backup", "tonight", "at", "6pm",
	"(see", "below)", "a", "an", "of", "in", "on", "it", "new", "price",
	"list", "Q3", "Q4", "1999.", "2000,", "$1,200", "memo", "draft",
	"final", "version", "copy", "office", "phone", "x3019", "it's", "OK"
};
static const char *const words_latin[] = {
	"r\xc3\xa9union", "d\xc3\xa9j\xc3\xa0", "fa\xc3\xa7" "ade",
	"\xc3\xbc" "ber", "Stra\xc3\x9f" "e", "ni\xc3\xb1o", "caf\xc3\xa9",
	"na\xc3\xafve", "co\xc3\xb6perate", "se\xc3\xb1or"
};
static const char *const words_jp[] = {
	"会議", "資料", "見積書", "予定", "東京", "大阪", "営業部", "報告",
	"確認", "お願いします", "表計算", "十分", "能力", "申請", "ソフト",
	"予算", "です。", "ます。"
};

static void add_word(struct ccm_buf *b, size_t *col, const char *w)
{
	size_t n = strlen(w);

	if (*col && *col + 1 + n > 72) {
		ccm_buf_add(b, "\r\n", 2);
		*col = 0;
	} else if (*col) {
		ccm_buf_addch(b, ' ');
		(*col)++;
	}
	*col += n;
	ccm_buf_add(b, w, n);
}

static const char quoted_export[] =
	"----- Forwarded export -----\r\n"
	"Message:\r\n"
	"From: Doe, Jane at HUBPO\r\n"
	"Contents:\r\n"
	"Text item:\r\n"
	"> quoted lines that look like keywords\r\n";

void ccm_gen_body(struct ccm_buf *b, struct ccm_gen_rng *r,
		  enum ccm_gen_script sc, size_t len, int plain)
{
	size_t col = 0, start = b->len;
	int quoted = 0;

	if (len == 0)
		return;
	/* The first word is always a letter word, so that the first line is
	 * never taken for a count line by a delimiter parser. */
	add_word(b, &col, "Hello");
	while (b->len - start < len) {
		const char *w = PICK(r, words_ascii);
		uint64_t k = ccm_gen_rng_below(r, 100);

		if (sc == CCM_GEN_LATIN && k < 8)
			w = PICK(r, words_latin);
		else if (sc == CCM_GEN_JAPANESE && k < 30)
			w = PICK(r, words_jp);
		add_word(b, &col, w);
		if (k >= 97 && col) {
			/* A paragraph break. */
			ccm_buf_add(b, "\r\n\r\n", 4);
			col = 0;
		}
		if (!plain && !quoted && b->len - start > len / 2 &&
		    len > 300) {
			/* Quoted text can hold keyword lines (Q233054). */
			if (col)
				ccm_buf_add(b, "\r\n", 2);
			ccm_buf_add(b, quoted_export, sizeof(quoted_export) - 1);
			col = 0;
			quoted = 1;
		}
	}
	if (col && ccm_gen_rng_chance(r, 0.85))
		ccm_buf_add(b, "\r\n", 2);
}

struct fname {
	const char *name;
	enum ccm_gen_flavor fl;
	const char *type, *creator;
	enum ccm_gen_script sc;
};

static const struct fname fnames[] = {
	{ "Abc.wk4", CCM_GEN_FL_BINARY, "LWKS", "L123", CCM_GEN_ASCII },
	{ "report.123", CCM_GEN_FL_BINARY, "LWKS", "L123", CCM_GEN_ASCII },
	{ "BUDGET.R01", CCM_GEN_FL_BINARY, "BINA", "CCML", CCM_GEN_ASCII },
	{ "Q3 Plan.doc", CCM_GEN_FL_BINARY, "WDBN", "MSWD", CCM_GEN_ASCII },
	{ "notes.txt", CCM_GEN_FL_TEXT, "TEXT", "ttxt", CCM_GEN_ASCII },
	{ "Att.txt", CCM_GEN_FL_TEXT, "TEXT", "ttxt", CCM_GEN_ASCII },
	{ "v1-2-3.txt", CCM_GEN_FL_TEXT, "TEXT", "ttxt", CCM_GEN_ASCII },
	{ "data.csv", CCM_GEN_FL_TEXT, "TEXT", "XCEL", CCM_GEN_ASCII },
	{ "logo.pcx", CCM_GEN_FL_BINARY, "PCXf", "GKON", CCM_GEN_ASCII },
	{ "archive.zip", CCM_GEN_FL_BINARY, "ZIP ", "SITx", CCM_GEN_ASCII },
	{ "memo.wpd", CCM_GEN_FL_BINARY, "WPD0", "WPC2", CCM_GEN_ASCII },
	{ "Long Name With Spaces.doc", CCM_GEN_FL_BINARY, "WDBN", "MSWD",
	  CCM_GEN_ASCII },
	{ "README", CCM_GEN_FL_TEXT, "TEXT", "ttxt", CCM_GEN_ASCII },
	{ "chart.gif", CCM_GEN_FL_BINARY, "GIFf", "ogle", CCM_GEN_ASCII },
	{ "R\xc3\xa9sum\xc3\xa9.doc", CCM_GEN_FL_BINARY, "WDBN", "MSWD",
	  CCM_GEN_LATIN },
	{ "Pr\xc3\xa9visions \xc3\xa0 5 ans.wk4", CCM_GEN_FL_BINARY, "LWKS",
	  "L123", CCM_GEN_LATIN },
	{ "見積書.xls", CCM_GEN_FL_BINARY, "XLS5", "XCEL", CCM_GEN_JAPANESE },
	{ "表計算.wk4", CCM_GEN_FL_BINARY, "LWKS", "L123", CCM_GEN_JAPANESE },
	{ "ソフト申請.txt", CCM_GEN_FL_TEXT, "TEXT", "ttxt", CCM_GEN_JAPANESE },
};

const char *ccm_gen_filename(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			     enum ccm_gen_script sc, enum ccm_gen_flavor *fl,
			     char type[5], char creator[5])
{
	const struct fname *f;

	do
		f = &fnames[ccm_gen_rng_below(r, N_(fnames))];
	while (f->sc != CCM_GEN_ASCII && f->sc != sc);
	*fl = f->fl;
	memcpy(type, f->type, 5);
	memcpy(creator, f->creator, 5);
	return ccm_gen_strdup(a, f->name);
}

static const char *const folders_ascii[] = {
	"Projects", "Projects\\1999", "Projects\\2000\\Q1", "Clients\\Dupont",
	"Personal", "Old Mail\\1998", "Archive"
};
static const char *const folders_latin[] = {
	"R\xc3\xa9unions", "Clients\\Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale"
};
static const char *const folders_jp[] = {
	"会議\\表計算", "営業部", "ソフト\\申請"
};

const char *ccm_gen_folder(struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			   enum ccm_gen_script sc)
{
	if (sc == CCM_GEN_LATIN && ccm_gen_rng_chance(r, 0.3))
		return ccm_gen_strdup(a, PICK(r, folders_latin));
	if (sc == CCM_GEN_JAPANESE && ccm_gen_rng_chance(r, 0.4))
		return ccm_gen_strdup(a, PICK(r, folders_jp));
	return ccm_gen_strdup(a, PICK(r, folders_ascii));
}
