/* usage.h: saying what is wrong with a command line, the one way. */
#ifndef CCM_USAGE_H
#define CCM_USAGE_H

/*
 * Prints "ccmig CMD: <what is wrong>; 'ccmig CMD --help' lists the
 * options" on stderr and returns 2, the exit status of bad usage. The
 * message names the option or argument at fault (a missing --store, two
 * exclusive targets, an unknown option), so that the one line says what
 * to fix without the whole usage scrolling it away.
 */
int ccm_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
