/* addrform.c: the one form a sender or recipient takes in migration files and in the store. */
#include "iff/addrform.h"
#include "ccmail/names.h"

#include <string.h>

void ccm_addrform_write(struct ccm_buf *out, const struct ccm_addr *a,
			const struct ccm_directory *dir)
{
	const struct ccm_dir_entry *e;
	const char *prefix;

	ccm_buf_reset(out);
	if (dir && a->kind == CCM_ADDR_USER && a->resolved && a->name && *a->name &&
	    (e = ccm_directory_find(dir, a->name, strlen(a->name))) &&
	    ccm_dir_entry_is_local_user(e)) {
		ccm_name_display(out, e->name);
		return;
	}
	if (a->kind == CCM_ADDR_SMTP) {
		ccm_buf_addf(out, "%s [SMTP:%s]", a->name, a->name);
		return;
	}
	if (a->kind == CCM_ADDR_FOREIGN && a->ftype && a->faddr) {
		ccm_buf_addf(out, "%s [%s:%s]", a->name && *a->name ? a->name : a->faddr,
			     a->ftype, a->faddr);
		return;
	}
	if (!a->name || !*a->name) {
		ccm_buf_addf(out, "%s [CCMAIL:%s]", a->raw, a->raw);
		return;
	}
	prefix = a->kind == CCM_ADDR_BOARD ? "#" : a->kind == CCM_ADDR_SYSTEM ? "~" : "";
	if (a->kind == CCM_ADDR_EXTENDED)
		ccm_buf_addf(out, "%s [CCMAIL:%s]", a->name, a->raw);
	else if (a->po)
		ccm_buf_addf(out, "%s%s [CCMAIL:%s%s at %s]", prefix, a->name, prefix,
			     a->name, a->po);
	else
		ccm_buf_addf(out, "%s%s [CCMAIL:%s%s]", prefix, a->name, prefix, a->name);
}

void ccm_addrform_split(char *v, const char **display, const char **address)
{
	size_t n = strlen(v);
	char *open = n && v[n - 1] == ']' ? strrchr(v, '[') : NULL;

	*display = v;
	*address = NULL;
	if (open && strchr(open, ':')) {
		v[n - 1] = '\0';
		*address = open + 1;
		while (open > v && open[-1] == ' ')
			open--;
		*open = '\0';
		if (!*v)
			*display = *address;
	}
}

void ccm_addrform_fields(struct ccm_buf *buf, const char **display,
			 const char **address, const struct ccm_addr *a)
{
	ccm_addrform_write(buf, a, NULL);
	ccm_addrform_split(buf->ptr, display, address);
}
