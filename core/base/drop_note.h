/* drop_note.h: the note that stands in a message for an attachment left out. */
#ifndef CCM_BASE_DROP_NOTE_H
#define CCM_BASE_DROP_NOTE_H

#include "base/buf.h"

/* Appends size n as people read it: "812 bytes", "14.2 KB", "5.2 MB"
 * (units of 1024). */
void ccm_human_size(struct ccm_buf *out, unsigned long long n);

/*
 * Appends the note that stands for attachment `name` of `size` bytes,
 * left out by `by` (who decided, as the note names it: "policy
 * 'big.lua'", "option '--split-attachments'"), with CRLF:
 *
 *   [attachment 'report.pdf' (5.2 MB) was removed by policy 'big.lua']
 *
 * With `forwarded`, `name` is a forwarded message's "<title>.ccm" and the
 * note names it by its title: "[forwarded message 'Q3 figures' (...".
 * Extract's policy drops and the exports' --split-attachments write the
 * same words, so a reader meets one kind of note.
 */
void ccm_drop_note(struct ccm_buf *out, const char *name, int forwarded,
		   unsigned long long size, const char *by);

#endif
