/* srcid.h: a source message's identity, and the decisions of extraction,
 * as ccmig carries them inside migration files ("!ccmig-" comment lines). */
#ifndef CCM_SRCID_H
#define CCM_SRCID_H

#include "base/buf.h"
#include "base/error.h"

/*
 * Migration files have no column for where a row came from, and a writer
 * must emit exactly the documented columns (spec 4.4); but every reader
 * skips lines that begin with '!' (spec 2.4). So ccmig writes, inside a
 * section, comment lines that other readers ignore:
 *
 *   !ccmig-id po=SALESPO&owner=u:Smith%2C%20John&file=mail/smith.exp&n=12&fp=<32 hex>&dup=1
 *       before each MAILMESSAGE row: the identity of the message the row is;
 *   !ccmig-left-out <the same fields>&why=rule:r8-settings
 *       where extraction left a message out, and why;
 *   !ccmig-left-out-user po=SALESPO&owner=u:Smith%2C%20John&why=policy:pilot.lua:user
 *       in the DIRECTORY section, for a user left out whole;
 *   !ccmig-user-set po=SALESPO&owner=u:Smith%2C%20John&set=alias.display_name
 *       before a DIRECTORY row, the fields of it a policy set (alias,
 *       display_name, first_name, last_name), which the store takes even
 *       for a mailbox that was a custom recipient.
 *
 * A message whose attachments a policy left out says which, by their
 * places among the message's attachments (1 for the first), and who
 * decided: "&dropped=2.5&why=policy:big.lua:message". One inside a
 * forwarded message is its path, places with '/' between: "3/1" is the
 * first attachment of the forwarded message that is attachment 3
 * ("&dropped=2.3/1"). Its identity is the source message's all the same.
 *
 * A row `migrate` writes for a message its store holds already carries no
 * body or attachments, and its line says so with "&held=1": such a set is
 * for that store alone (migrate makes it, imports it and removes it).
 *
 * Values are UTF-8 with every byte that is not a letter, digit or one of
 * "-._:/" written %XX, so the lines are ASCII in any code page. `owner`
 * is "u:" and a user's cc:Mail name, or "b:" and a bulletin board's name.
 * `why` says who decided: "rule:r8-settings", "option:no-mail",
 * "option:date-range", "policy:<script>:<hook>".
 */
enum ccm_srcid_kind {
	CCM_SRCID_MESSAGE = 1,      /* !ccmig-id */
	CCM_SRCID_LEFT_OUT,         /* !ccmig-left-out */
	CCM_SRCID_LEFT_OUT_USER,    /* !ccmig-left-out-user */
	CCM_SRCID_USER_SET          /* !ccmig-user-set */
};

struct ccm_srcid {
	enum ccm_srcid_kind kind;
	const char *po;
	int board;                  /* owner is a bulletin board */
	const char *owner;          /* cc:Mail name of the user, or the board's */
	const char *file;           /* mail file, relative to the bundle; may be "" */
	long number;                /* the message's number in the file */
	char fp[33];                /* fingerprint (ccmail/fingerprint.h) */
	long dup;                   /* 1 + earlier messages with fp of the owner */
	const char *why;            /* left out, or attachments dropped: who
				       decided; else NULL */
	const char *dropped;        /* attachments a policy left out, "2.5.3/1";
				       NULL when none */
	const char *set;            /* user-set: the fields, '.' between */
	int held;                   /* the row carries no body: the store the
				       set was made for holds the message */
	struct ccm_buf text;        /* what the strings point into */
};

void ccm_srcid_init(struct ccm_srcid *id);
void ccm_srcid_release(struct ccm_srcid *id);

/* The comment line for id, without its leading '!', into out (replaced). */
void ccm_srcid_format(struct ccm_buf *out, const struct ccm_srcid *id);

/*
 * Reads comment text (the line without its '!', len bytes) into id.
 * Returns 1 when it is one of ccmig's lines, read; 0 when it is another
 * comment; CCM_EMALFORMED when it is ccmig's but a field is missing or
 * bad (a hand edit).
 */
int ccm_srcid_parse(struct ccm_srcid *id, const char *text, size_t len);

#endif
