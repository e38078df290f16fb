/* report_html.c: the migration report as one web page that fetches nothing. */
#include "report_html.h"
#include "boxtable.h"
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/report.h"
#include "base/utf8.h"
#include "store/ledger.h"

/* Event rows shown a kind; the rest are counted. 2,000 users' R8 notes
 * would otherwise make a page of megabytes that no one reads row by row. */
enum { EVENTS_SHOWN = 200, EVENTS_OPEN = 50, CHART_BARS = 25 };

static const char style[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;"
	"margin:0 auto;max-width:1200px;padding:0 16px 40px;color:#1d2330;}"
	"h1{font-size:24px;margin:20px 0 4px}h2{font-size:19px;margin:28px 0 8px;"
	"border-bottom:2px solid #d5dae3;padding-bottom:3px}"
	"p.meta{color:#5b6475;margin:0}"
	".verdict{padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}"
	".ok{background:#e3f4e6;border-left:6px solid #2f8f46}"
	".bad{background:#fbe4e4;border-left:6px solid #c0392b}"
	"table{border-collapse:collapse;margin:6px 0}"
	"th,td{border-bottom:1px solid #e3e6ec;padding:3px 8px;text-align:left;"
	"vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:"
	"tabular-nums}th{background:#f2f4f8}"
	"#boxes{font-size:12.5px}#boxes th{cursor:pointer;position:sticky;top:0}"
	"td.n,td.d{white-space:nowrap}.wide{overflow-x:auto}"
	"#boxes th[aria-sort=ascending]::after{content:' \\25B2'}"
	"#boxes th[aria-sort=descending]::after{content:' \\25BC'}"
	"tr.incomplete td.st{color:#c0392b;font-weight:600}"
	"tr.decided td.st{color:#8a5a00}tr.complete td.st{color:#2f8f46}"
	".grid{display:flex;flex-wrap:wrap;gap:24px}.grid>div{flex:1 1 340px}"
	"figure{margin:0 0 16px;flex:1 1 360px}figcaption{font-weight:600;margin:4px 0}"
	"svg{max-width:100%;height:auto}svg text{font:11px sans-serif;fill:#1d2330}"
	".mig{fill:#3a6fb0}.out{fill:#e0a030}.prob{fill:#c0392b}.dec{fill:#e0a030}"
	".bar{fill:#3a6fb0}"
	"details{margin:4px 0}summary{cursor:pointer;font-weight:600}"
	".sev-error{color:#c0392b}.sev-warning{color:#8a5a00}.sev-note{color:#5b6475}"
	".small{font-size:12px;color:#5b6475}code{font-size:12px}"
	"#filterbar{margin:6px 0}#filterbar input,#filterbar select{font:inherit}"
	/* A browser lays out the long sections (2,000 mailboxes, thousands
	 * of events) only as they scroll into view: the page opens sooner. */
	"@media screen{#mailboxes,#events,#runs{content-visibility:auto;"
	"contain-intrinsic-size:auto 3000px}}"
	"@media print{body{max-width:none;font-size:10px}#filterbar{display:none}"
	"#boxes th{position:static}h2{break-after:avoid}tr{break-inside:avoid}"
	".verdict{border:1px solid #888}}";

/* Sorting and filtering of the mailbox table. The page says everything
 * without it: the controls are hidden until it runs. */
static const char script[] =
	"(function(){var t=document.getElementById('boxes');if(!t)return;"
	"var bar=document.getElementById('filterbar'),q=document.getElementById('q'),"
	"st=document.getElementById('st');bar.hidden=false;"
	"var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows),"
	"heads=t.tHead.rows[0].cells;"
	"function filter(){var s=q.value.toLowerCase(),k=st.value;rows.forEach("
	"function(r){r.hidden=(s&&r.textContent.toLowerCase().indexOf(s)<0)||"
	"(k&&r.className!==k);});}"
	"q.addEventListener('input',filter);st.addEventListener('change',filter);"
	"Array.prototype.forEach.call(heads,function(th,i){th.tabIndex=0;"
	"function sort(){var num=th.className==='n',d=th.getAttribute('aria-sort')"
	"==='ascending'?-1:1;Array.prototype.forEach.call(heads,function(c){"
	"c.removeAttribute('aria-sort');});th.setAttribute('aria-sort',d>0?"
	"'ascending':'descending');rows.sort(function(a,b){var x=a.cells[i],"
	"y=b.cells[i];return num?d*(x.getAttribute('data-v')-y.getAttribute("
	"'data-v')):d*x.textContent.localeCompare(y.textContent);});"
	"var f=document.createDocumentFragment();rows.forEach(function(r){"
	"f.appendChild(r);});body.appendChild(f);}"
	"th.addEventListener('click',sort);th.addEventListener('keydown',"
	"function(e){if(e.key==='Enter')sort();});});})();";

/*
 * Writes s as HTML text: markup and quotes as entities, control
 * characters shown as \xNN (ccm_escape_controls: they may not appear in
 * HTML, and a name must not hide in them), bytes that are not UTF-8 as
 * U+FFFD.
 */
static void h(FILE *o, const char *s)
{
	struct ccm_buf b = CCM_BUF_INIT;
	const unsigned char *p, *e;

	if (!s)
		return;
	ccm_escape_controls(&b, s, strlen(s));
	p = (const unsigned char *)b.ptr;
	e = p + b.len;
	while (p < e) {
		unsigned long c;
		int n;

		switch (*p) {
		case '&': fputs("&amp;", o); p++; continue;
		case '<': fputs("&lt;", o); p++; continue;
		case '>': fputs("&gt;", o); p++; continue;
		case '"': fputs("&quot;", o); p++; continue;
		case '\'': fputs("&#39;", o); p++; continue;
		case '\t': fputs("&#9;", o); p++; continue;
		default: break;
		}
		if (*p < 0x80) {
			putc(*p++, o);
			continue;
		}
		if ((n = ccm_utf8_decode(p, e, &c)) == 0 || (c >= 0xfdd0 && c <= 0xfdef) ||
		    (c & 0xfffe) == 0xfffe) {
			/* Not UTF-8, or a noncharacter HTML forbids. */
			fputs("&#xFFFD;", o);
			p += n ? n : 1;
			continue;
		}
		fwrite(p, 1, (size_t)n, o);
		p += n;
	}
	ccm_buf_release(&b);
}

static void when(FILE *o, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];

	if (t <= 0 || !gmtime_r(&tt, &tm)) {
		fputs("-", o);
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	fputs(buf, o);
}

static void bytes(FILE *o, long long n)
{
	char b[32];

	ccm_format_bytes(b, sizeof(b), (unsigned long long)(n < 0 ? 0 : n));
	fputs(b, o);
}

/* A table of {what, name, count} rows (the decisions, the problem kinds):
 * `name` as code; with `severity`, `what` is a severity, styled as one. */
static void named_table(FILE *o, const struct ccm_store_named *v, size_t n,
			const char *what_head, const char *name_head, int severity)
{
	fprintf(o, "<table><thead><tr><th>%s</th><th>%s</th><th class=\"n\">count"
		"</th></tr></thead><tbody>\n", what_head, name_head);
	for (size_t i = 0; i < n; i++) {
		if (severity)
			fprintf(o, "<tr><td class=\"sev-%s\">", v[i].what);
		else
			fputs("<tr><td>", o);
		h(o, v[i].what);
		fputs("</td><td><code>", o);
		h(o, v[i].name);
		fprintf(o, "</code></td><td class=\"n\">%lld</td></tr>\n", v[i].count);
	}
	fputs("</tbody></table>\n", o);
}

static void figure_row(FILE *o, const char *label, long long n, const char *note)
{
	fprintf(o, "<tr><th scope=\"row\">%s</th><td class=\"n\">%lld</td><td>%s</td></tr>\n",
		label, n, note);
}

static void summary(FILE *o, const struct ccm_store_tally *t)
{
	struct ccm_buf v = CCM_BUF_INIT;
	int ok = ccm_boxtable_verdict(&v, t);
	long long st[3] = { 0, 0, 0 };

	for (size_t i = 0; i < t->n_boxes; i++)
		st[t->boxes[i].status]++;
	fprintf(o, "<section id=\"summary\"><h2>Summary</h2>\n<p class=\"verdict %s\">",
		ok ? "ok" : "bad");
	h(o, v.ptr);
	fputs("</p>\n<div class=\"grid\"><div><table>\n", o);
	figure_row(o, "Post offices", t->post_offices, "");
	figure_row(o, "Users", t->users, "cc:Mail users the store knows of");
	figure_row(o, "Users left out by decision", t->users_left_out, "no mailbox, on purpose");
	figure_row(o, "Bulletin boards", t->boards, "");
	figure_row(o, "Source messages", t->source, "read from the post offices");
	figure_row(o, "Migrated", t->migrated, "in the store");
	figure_row(o, "&#160;&#160;kept from an earlier run", t->kept,
		   "a later decision would leave them out; they stay");
	figure_row(o, "Left out by decision", t->left_out, "a policy, an option, a rule");
	figure_row(o, "Unaccounted for", t->unaccounted, "neither in the store nor decided");
	figure_row(o, "Messages damaged", t->damaged, "named by problems: read around, repaired or lost");
	figure_row(o, "Errors", t->errors, "");
	figure_row(o, "Warnings", t->warnings, "");
	figure_row(o, "Messages in the store", t->messages, "");
	fputs("<tr><th scope=\"row\">Bytes in the store</th><td class=\"n\">", o);
	bytes(o, t->bytes);
	fputs("</td><td>bodies and attachments</td></tr>\n", o);
	figure_row(o, "Attachments", t->attachments, "");
	fprintf(o, "<tr><th scope=\"row\">Mailboxes and boards</th><td class=\"n\">%zu</td>"
		"<td>%lld complete, %lld complete with decisions, %lld incomplete</td></tr>\n",
		t->n_boxes, st[CCM_BOX_COMPLETE], st[CCM_BOX_DECIDED], st[CCM_BOX_INCOMPLETE]);
	fputs("</table></div><div>\n<h3>Decisions (on purpose; not problems)</h3>\n", o);
	if (!t->n_decisions)
		fputs("<p>None: nothing was left out on purpose.</p>\n", o);
	else
		named_table(o, t->decisions, t->n_decisions, "what", "reason", 0);
	fputs("<h3>Problems (damage, repairs, anything unaccounted for)</h3>\n", o);
	if (!t->n_problem_kinds)
		fputs("<p>None.</p>\n", o);
	else {
		named_table(o, t->problem_kinds, t->n_problem_kinds, "severity", "kind", 1);
		if (t->loose_problems)
			fprintf(o, "<p class=\"small\">%lld of them are tied to no mailbox "
				"(the post office, its directory, a set).</p>\n",
				t->loose_problems);
	}
	fputs("</div></div></section>\n", o);
	ccm_buf_release(&v);
}

/* A horizontal bar chart: a row per label, bars scaled to the largest. */
static void hbars(FILE *o, const char *caption, const char *const *labels,
		  const char *const *classes, const long long *values, size_t n,
		  int as_bytes)
{
	long long max = 1;
	const int label_w = 190, bar_w = 200, row_h = 18;
	int height = (int)n * row_h + 8;

	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	fputs("<figure><figcaption>", o);
	h(o, caption);
	fputs("</figcaption>\n", o);
	if (!n) {
		fputs("<p>Nothing to draw.</p></figure>\n", o);
		return;
	}
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"", label_w + bar_w + 70,
		height, label_w + bar_w + 70, height);
	h(o, caption);
	fputs("\">\n", o);
	for (size_t i = 0; i < n; i++) {
		int y = (int)i * row_h + 4;
		int w = (int)((double)values[i] / (double)max * bar_w);
		char label[48];
		size_t len = strlen(labels[i]);

		/* Long names are cut, on a UTF-8 boundary, to fit the column;
		 * the whole name has a tooltip. */
		if (len > 30) {
			size_t cut = 28;

			while (cut && ((unsigned char)labels[i][cut] & 0xc0) == 0x80)
				cut--;
			memcpy(label, labels[i], cut);
			strcpy(label + cut, "...");
		} else {
			memcpy(label, labels[i], len + 1);
		}
		fprintf(o, "<g><title>");
		h(o, labels[i]);
		fprintf(o, "</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
			label_w - 6, y + 12);
		h(o, label);
		fprintf(o, "</text><rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
			"height=\"%d\"/><text x=\"%d\" y=\"%d\">", classes ? classes[i] : "bar",
			label_w, y + 2, w > 0 ? w : 1, row_h - 4, label_w + w + 4, y + 12);
		if (as_bytes)
			bytes(o, values[i]);
		else
			fprintf(o, "%lld", values[i]);
		fputs("</text></g>\n", o);
	}
	fputs("</svg></figure>\n", o);
}

/* Messages by year, and beside them the messages left out, whose date the
 * store does not keep. */
static void years_chart(FILE *o, const struct ccm_store_tally *t)
{
	size_t n = t->n_years + (t->left_out ? 1 : 0);
	long long max = 1;
	const int col_w = 34, plot_h = 160, top = 18, base = top + plot_h;
	int width = (int)n * col_w + 50;

	fputs("<figure><figcaption>Messages per year: migrated, and left out by "
	      "decision</figcaption>\n", o);
	if (!n) {
		fputs("<p>No messages.</p></figure>\n", o);
		return;
	}
	for (size_t i = 0; i < t->n_years; i++)
		if (t->years[i].count > max)
			max = t->years[i].count;
	if (t->left_out > max)
		max = t->left_out;
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"messages per year\">\n",
		width, base + 40, width, base + 40);
	fprintf(o, "<line x1=\"20\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
		base, width - 10, base);
	for (size_t i = 0; i < n; i++) {
		int left = i == t->n_years;
		long long v = left ? t->left_out : t->years[i].count;
		const char *label = left ? "left out" : t->years[i].name;
		int hgt = (int)((double)v / (double)max * plot_h);
		int x = 24 + (int)i * col_w;

		fprintf(o, "<g><title>");
		h(o, label);
		fprintf(o, ": %lld</title><rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
			"height=\"%d\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld"
			"</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-45 "
			"%d %d)\">", v, left ? "out" : "mig", x, base - hgt, col_w - 6,
			hgt > 0 ? hgt : 1, x + (col_w - 6) / 2, base - hgt - 3, v,
			x + (col_w - 6) / 2 + 4, base + 12, x + (col_w - 6) / 2 + 4, base + 12);
		h(o, label);
		fputs("</text></g>\n", o);
	}
	fputs("</svg></figure>\n", o);
}

static void charts(FILE *o, const struct ccm_store_tally *t)
{
	size_t n = t->n_boxes < CHART_BARS ? t->n_boxes : CHART_BARS;
	size_t m = t->n_decisions + t->n_problem_kinds;
	const char **labels = calloc(n + m + 1, sizeof(char *));
	const char **classes = calloc(m + 1, sizeof(char *));
	long long *values = calloc(n + m + 1, sizeof(long long));
	size_t *order = calloc(t->n_boxes + 1, sizeof(size_t));
	struct ccm_buf text = CCM_BUF_INIT;
	size_t *offs = calloc(m + 1, sizeof(size_t));

	fputs("<section id=\"charts\"><h2>Charts</h2><div class=\"grid\">\n", o);
	years_chart(o, t);
	if (!labels || !classes || !values || !order || !offs) {
		/* The charts only repeat the tables: a page without them
		 * still says everything. */
		fputs("<p>The other charts were left out: out of memory.</p>\n", o);
		goto done;
	}
	/* The largest mailboxes by bytes: a selection of the n largest. */
	for (size_t i = 0; i < t->n_boxes; i++)
		order[i] = i;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < t->n_boxes; j++)
			if (t->boxes[order[j]].bytes > t->boxes[order[i]].bytes) {
				size_t x = order[i];
				order[i] = order[j];
				order[j] = x;
			}
	for (size_t i = 0; i < n; i++) {
		const struct ccm_store_box *b = &t->boxes[order[i]];
		labels[i] = *b->alias ? b->alias : b->name;
		values[i] = b->bytes;
	}
	{
		char cap[96];

		snprintf(cap, sizeof(cap), "Bytes per mailbox: the %zu largest of %zu", n,
			 t->n_boxes);
		hbars(o, cap, labels, NULL, values, n, 1);
	}
	for (size_t i = 0; i < m; i++) {
		const struct ccm_store_named *x = i < t->n_decisions ? &t->decisions[i]
			: &t->problem_kinds[i - t->n_decisions];

		offs[i] = text.len;
		ccm_buf_addf(&text, "%s: %s", x->what, x->name);
		ccm_buf_addch(&text, '\0');
		classes[i] = i < t->n_decisions ? "dec" : "prob";
		values[i] = x->count;
	}
	for (size_t i = 0; i < m; i++)
		labels[i] = text.ptr + offs[i];
	hbars(o, "Decisions (amber) and problems (red) by reason", labels, classes,
	      values, m, 0);
done:
	fputs("</div></section>\n", o);
	ccm_buf_release(&text);
	free(offs);
	free(labels);
	free(classes);
	free(values);
	free(order);
}

static void num_cell(FILE *o, long long v)
{
	fprintf(o, "<td class=\"n\" data-v=\"%lld\">%lld</td>", v, v);
}

static void mailbox_table(FILE *o, const struct ccm_store_tally *t)
{
	static const char *const row_class[] = { "complete", "decided", "incomplete" };

	fputs("<section id=\"mailboxes\"><h2>Mailboxes and boards</h2>\n"
	      "<p class=\"small\">A row per cc:Mail user and bulletin board. <b>Left out</b>: "
	      "messages a decision left out, by reason. <b>Damaged</b>: messages that "
	      "problems name. Status: <i>complete</i> (every message there), <i>complete "
	      "with decisions</i> (the rest left out on purpose), <i>incomplete</i> "
	      "(problems to check, or messages unaccounted for).</p>\n"
	      "<div id=\"filterbar\" hidden><label>Filter <input id=\"q\" type=\"search\">"
	      "</label> <label>Status <select id=\"st\"><option value=\"\">all</option>"
	      "<option value=\"complete\">complete</option><option value=\"decided\">"
	      "complete with decisions</option><option value=\"incomplete\">incomplete"
	      "</option></select></label> <span class=\"small\">click a heading to sort"
	      "</span></div>\n"
	      "<div class=\"wide\"><table id=\"boxes\"><thead><tr><th>cc:Mail name</th><th>alias</th>"
	      "<th>post office</th><th>kind</th><th class=\"n\">source</th>"
	      "<th class=\"n\">migrated</th><th class=\"n\">left out</th><th>left out by"
	      "</th><th class=\"n\">damaged</th><th class=\"n\">problems</th>"
	      "<th class=\"n\">bytes</th><th class=\"n\">attachments</th><th>oldest</th>"
	      "<th>newest</th><th>status</th></tr></thead>\n<tbody>\n", o);
	for (size_t i = 0; i < t->n_boxes; i++) {
		const struct ccm_store_box *b = &t->boxes[i];
		char d[32];
		int any = 0;

		fprintf(o, "<tr class=\"%s\"><td>", row_class[b->status]);
		h(o, b->name);
		fputs("</td><td>", o);
		h(o, *b->alias ? b->alias : b->folder);
		fputs("</td><td>", o);
		h(o, b->po);
		fputs("</td><td>", o);
		h(o, b->kind);
		fputs("</td>", o);
		num_cell(o, b->source);
		num_cell(o, b->migrated);
		num_cell(o, b->left_out);
		fputs("<td>", o);
		if (*b->user_decision && strcmp(b->user_decision, "migrated")) {
			fputs("user ", o);
			h(o, b->user_decision);
			fputs(": <code>", o);
			h(o, b->user_reason);
			fputs("</code>", o);
			any = 1;
		}
		for (size_t r = 0; r < t->n_reasons; r++) {
			if (!b->left_out_by[r])
				continue;
			fprintf(o, "%s%lld <code>", any ? "<br>" : "", b->left_out_by[r]);
			h(o, t->reasons[r]);
			fputs("</code>", o);
			any = 1;
		}
		if (b->kept)
			fprintf(o, "%s%lld kept from an earlier run", any ? "<br>" : "",
				b->kept);
		fputs("</td>", o);
		num_cell(o, b->damaged);
		num_cell(o, b->problems);
		fprintf(o, "<td class=\"n\" data-v=\"%lld\">", b->bytes);
		bytes(o, b->bytes);
		fputs("</td>", o);
		num_cell(o, b->attachments);
		ccm_boxtable_date(d, sizeof(d), b->oldest);
		fprintf(o, "<td class=\"d\">%s</td>", d);
		ccm_boxtable_date(d, sizeof(d), b->newest);
		fprintf(o, "<td class=\"d\">%s</td><td class=\"st\">%s</td></tr>\n", d,
			ccm_box_status_name(b->status));
	}
	fputs("</tbody></table></div></section>\n", o);
}

static void event_row(FILE *o, const struct ccm_store_event_row *e)
{
	fprintf(o, "<tr><td class=\"n\">%lld</td><td>", e->run_id);
	h(o, e->d.file ? e->d.file : "");
	fputs("</td><td class=\"n\">", o);
	if (e->d.line > 0)
		fprintf(o, "%ld", e->d.line);
	fputs("</td><td class=\"n\">", o);
	if (e->d.offset >= 0)
		fprintf(o, "%lld", e->d.offset);
	fputs("</td><td class=\"n\">", o);
	if (e->d.event)
		fprintf(o, "%d", e->d.event);
	fputs("</td><td>", o);
	h(o, e->d.user ? e->d.user : "");
	fputs("</td><td class=\"n\">", o);
	if (e->d.message > 0)
		fprintf(o, "%ld", e->d.message);
	fputs("</td><td>", o);
	h(o, e->d.text);
	fputs("</td></tr>\n", o);
}

static void group_end(FILE *o, long long shown, long long count)
{
	fputs("</tbody></table>", o);
	if (count > shown)
		fprintf(o, "<p class=\"small\">and %lld more of this kind, not shown: "
			"<code>ccmig report --json</code> lists every one.</p>",
			count - shown);
	fputs("</details>\n", o);
}

/* Every event, a group per kind and severity: the summary cursor gives
 * each group's count as the event cursor reaches it (both sort alike). */
static int events(FILE *o, struct ccm_store *s, struct ccm_error *err)
{
	struct ccm_store_cursor *sum = NULL, *ev = NULL;
	struct ccm_store_event_count g = { "", 0, 0 };
	struct ccm_store_event_row e;
	struct ccm_buf kind = CCM_BUF_INIT;
	long long shown = 0;
	int sev = -1, rc, any = 0;

	fputs("<section id=\"events\"><h2>Events</h2>\n<p class=\"small\">Every event "
	      "of every run, by kind: file, line and byte offset in it, the Migration "
	      "Wizard's event number, and what to do. Notes include the decisions.</p>\n",
	      o);
	if ((rc = ccm_store_event_summary(&sum, s, err)) < 0 ||
	    (rc = ccm_store_events(&ev, s, err)) < 0)
		goto out;
	while ((rc = ccm_store_next_event(ev, &e, err)) == 1) {
		if (!any || (int)e.d.severity != sev || strcmp(e.d.kind, kind.ptr)) {
			if (any)
				group_end(o, shown, g.count);
			if ((rc = ccm_store_next_event_count(sum, &g, err)) < 0)
				goto out;
			if (rc == 0)    /* written since the summary was read */
				g.count = 0;
			any = 1;
			sev = (int)e.d.severity;
			ccm_buf_set(&kind, e.d.kind, strlen(e.d.kind));
			shown = 0;
			fprintf(o, "<details%s><summary><span class=\"sev-%s\">%s</span> ",
				g.count <= EVENTS_OPEN ? " open" : "",
				ccm_severity_name(e.d.severity), ccm_severity_name(e.d.severity));
			h(o, e.d.kind);
			fprintf(o, " (%lld)</summary>\n<table><thead><tr><th class=\"n\">run"
				"</th><th>file</th><th class=\"n\">line</th><th class=\"n\">byte"
				"</th><th class=\"n\">event</th><th>mailbox</th><th class=\"n\">"
				"message</th><th>what happened, what to do</th></tr></thead>"
				"<tbody>\n", g.count);
		}
		if (shown < EVENTS_SHOWN) {
			event_row(o, &e);
			shown++;
		}
	}
	if (rc == 0 && any)
		group_end(o, shown, g.count);
	if (rc == 0 && !any)
		fputs("<p>No events.</p>\n", o);
out:
	fputs("</section>\n", o);
	ccm_store_cursor_free(ev);
	ccm_store_cursor_free(sum);
	ccm_buf_release(&kind);
	return rc < 0 ? rc : 0;
}

static int runs(FILE *o, struct ccm_store *s, struct ccm_error *err)
{
	struct ccm_store_cursor *c, *k;
	struct ccm_store_run r;
	int rc;

	fputs("<section id=\"runs\"><h2>Runs</h2>\n<table><thead><tr><th class=\"n\">run"
	      "</th><th>command</th><th>started, finished</th><th>exit</th>"
	      "<th>post office; policies (SHA-256)</th><th>what it changed</th>"
	      "<th class=\"n\">events</th></tr></thead><tbody>\n", o);
	if ((rc = ccm_store_runs(&c, s, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_run(c, &r, err)) == 1) {
		struct ccm_store_count n;
		int first = 1;

		fprintf(o, "<tr><td class=\"n\">%lld</td><td><code>", r.id);
		h(o, r.args && *r.args ? r.args : r.command);
		fputs("</code><br><span class=\"small\">", o);
		h(o, r.program);
		if (r.who) {
			fputs(", run by ", o);
			h(o, r.who);
		}
		if (r.merged_from) {
			fputs(", merged from ", o);
			h(o, r.merged_from);
		}
		fputs("</span></td><td>", o);
		when(o, r.started_utc);
		fputs("<br>", o);
		when(o, r.finished_utc);
		fputs("</td><td>", o);
		if (r.status >= 0)
			fprintf(o, "%d", r.status);
		else
			fputs("unfinished", o);
		fputs("</td><td>", o);
		h(o, r.po_path ? r.po_path : "");
		if (r.policies && *r.policies) {
			struct ccm_buf lines = CCM_BUF_INIT;

			ccm_buf_adds(&lines, r.policies);
			for (char *p = lines.ptr, *nl; p && *p; p = nl ? nl + 1 : NULL) {
				if ((nl = strchr(p, '\n')))
					*nl = '\0';
				fputs("<br><code>", o);
				h(o, p);
				fputs("</code>", o);
			}
			ccm_buf_release(&lines);
		}
		fputs("</td><td class=\"small\">", o);
		if ((rc = ccm_store_run_counts(&k, s, r.id, err)) < 0)
			break;
		while ((rc = ccm_store_next_count(k, &n, err)) == 1) {
			if (!n.value)
				continue;
			fputs(first ? "" : ", ", o);
			first = 0;
			h(o, n.name);
			fprintf(o, "&#160;%lld", n.value);
		}
		ccm_store_cursor_free(k);
		if (rc < 0)
			break;
		fprintf(o, "</td><td class=\"n\">%lld</td></tr>\n", r.events);
	}
	ccm_store_cursor_free(c);
	fputs("</tbody></table>\n<p class=\"small\">Who ran each command is the login and "
	      "host that ran it; runs of a store made before ccmig kept it say no "
	      "one.</p></section>\n", o);
	return rc < 0 ? rc : 0;
}

int ccm_report_html(FILE *o, struct ccm_store *s, const struct ccm_store_tally *t,
		    const char *name, struct ccm_error *err)
{
	int rc;
	time_t now = time(NULL);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>ccmig migration report: ", o);
	h(o, name);
	fprintf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>Migration "
		"report</h1>\n<p class=\"meta\">Store <code>", style);
	h(o, name);
	fputs("</code>, drawn up ", o);
	when(o, (long long)now);
	fputs(" by ccmig from the store alone.</p>\n<p class=\"meta\"><a href=\"#summary\">"
	      "Summary</a> &#183; <a href=\"#charts\">Charts</a> &#183; <a href=\""
	      "#mailboxes\">Mailboxes</a> &#183; <a href=\"#events\">Events</a> &#183; "
	      "<a href=\"#runs\">Runs</a></p></header>\n<main>\n", o);
	summary(o, t);
	charts(o, t);
	mailbox_table(o, t);
	if ((rc = events(o, s, err)) < 0 || (rc = runs(o, s, err)) < 0)
		return rc;
	fprintf(o, "</main>\n<script>%s</script>\n</body>\n</html>\n", script);
	return 0;
}
