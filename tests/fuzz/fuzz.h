/* fuzz.h: what the libFuzzer harnesses of tests/fuzz share. */
#ifndef CCM_FUZZ_H
#define CCM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "base/codepage.h"
#include "base/report.h"
#include "base/tz.h"
#include "ccmail/directory.h"

/*
 * Each harness fuzz_<target>.c defines this one function: libFuzzer calls
 * it with every input it makes, and driver.c with every file of a corpus
 * (the regression fixtures replayed by CTest). It returns 0; a broken
 * promise of the core aborts (FUZZ_CHECK), as do the sanitizers.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Checks a promise a header makes (a round trip, a range, determinism):
 * when it does not hold, says which and where on stderr and aborts, so
 * that libFuzzer saves the input and the replay test fails.
 */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

/*
 * Takes one option byte off the front of the input (0 when it is empty).
 * Harnesses whose API has options read them this way, so that a seed is
 * its option bytes followed by the file as the reader would see it.
 */
unsigned fuzz_byte(const uint8_t **data, size_t *size);

/*
 * Writes n bytes to file `name` (a bare name) of this process's private
 * folder and returns its path, valid until fuzz_clean(). The folder is
 * made on first use under $TMPDIR (or /tmp) and removed at exit; every
 * harness calls fuzz_clean() before it returns, so an input leaves no
 * file behind. At most FUZZ_MAX_FILES files exist at once.
 */
#define FUZZ_MAX_FILES 16
const char *fuzz_file(const char *name, const void *data, size_t n);
/* The private folder (made if needed). */
const char *fuzz_dir(void);
/* Removes every file fuzz_file wrote. */
void fuzz_clean(void);

/*
 * A report whose sink formats every entry (ccm_diag_format) and checks
 * that it has a kind and a text, then drops it: reading is exercised
 * without output. The counts are reset on each call.
 */
struct ccm_report *fuzz_report(void);

/*
 * A converter picked by `sel` among none (bytes as they are), 437, 850,
 * 1252 and 932 (double-byte), opened once per process and kept: NULL for
 * none.
 */
struct ccm_cp *fuzz_cp(unsigned sel);

/* A zone picked by `sel` among UTC (NULL), America/New_York and
 * Australia/Lord_Howe (a half-hour DST shift), opened once. */
const struct ccm_tz *fuzz_tz(unsigned sel);

/*
 * Splits an input into files: the bytes before the first line that starts
 * with "@@file " are part 0; each such line names the part that follows
 * it (up to the next marker). Names are cut to letters, digits, '.', '-'
 * and '_' (at most 40 bytes, no leading '.'); an empty one becomes
 * "f<i>". Returns the number of parts (at most max); later markers are
 * part of the last one's data.
 */
struct fuzz_part {
	char name[48];
	const uint8_t *data;
	size_t size;
};
size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts,
		  size_t max);

/*
 * Writes the parts of fuzz_split as files of the private folder: part 0
 * as `first`, the others under their names. Returns the path of `first`.
 */
const char *fuzz_files(const uint8_t *data, size_t size, const char *first);

/*
 * A small directory, made once: local users (some of whose names hold
 * commas, one a prefix of another), a user and an SMTP address of other
 * post offices, post offices (one with a comma in its name), a board.
 */
const struct ccm_directory *fuzz_directory(void);

#endif
