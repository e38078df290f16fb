# export_shapes.sh: post offices of many shapes, generated, migrated and
# exported as Maildir and mbox; export_check.py compares every exported
# message with the store, strict_check.py holds each to the rules of strict
# importers. CCMIG_EXPORT_SOAK=N adds N more seeds, each in
# a shape of its own, for a longer run.
. "$(dirname "$0")/lib.sh"
CHECK="$(dirname "$0")/export_check.py"
STRICT="$(dirname "$0")/strict_check.py"
. "$(dirname "$0")/../imapd/servers.sh"
need_dovecot
# Every shape's mailboxes, for Dovecot's parser at the end: SHAPE_ALIAS.
mkdir -p "$TMP/dove-mail"
: >"$TMP/dove-users"

# shape NAME EXPORT_ZONE MIGRATE_OPTS -- GEN_OPTS...
shape() {
	name=$1 zone=$2 mopts=$3
	shift 4
	po="$TMP/$name/po"
	expect_status 0 "$CCMIG" gen "$po" "$@"
	# Defects make migrate finish with problems reported (1); never fail.
	"$CCMIG" migrate "$po" --store "$TMP/$name/s.db" $mopts >"$TMP/out" 2>"$TMP/err"
	st=$?
	if [ "$st" -le 1 ]; then pass; else fail "$name: migrate exited $st"; sed 's/^/  | /' "$TMP/err" >&2; fi
	for kind in maildir mbox; do
		expect_status 0 "$CCMIG" export --store "$TMP/$name/s.db" --$kind "$TMP/$name/$kind" \
			--time-zone "$zone"
	done
	# One reading of both: mbox messages with the bytes of their Maildir
	# copy are not parsed twice.
	if python3 -B "$CHECK" --store "$TMP/$name/s.db" --maildir "$TMP/$name/maildir" \
		--mbox "$TMP/$name/mbox" --time-zone "$zone" --po "$po" >"$TMP/check" 2>&1; then
		pass
	else
		fail "$name ($*): the export differs from the store"
		sed 's/^/  | /' "$TMP/check" >&2
	fi
	grep -q "^checked [1-9]" "$TMP/check" || fail "$name: no messages checked"
	# What the strictest importers demand of every message (strict_check.py).
	if python3 -B "$STRICT" --maildir "$TMP/$name/maildir" --mbox "$TMP/$name/mbox" \
		>"$TMP/strict" 2>&1; then
		pass
	else
		fail "$name: messages a strict importer refuses"
		sed 's/^/  | /' "$TMP/strict" >&2
	fi
	printf '%s: ' "$name" >>"$TMP/summary"
	cat "$TMP/check" >>"$TMP/summary"
	# The public folders too, as an account of their own.
	for d in "$TMP/$name/maildir"/*/; do
		u=$(basename "$d")
		mv "$d" "$TMP/dove-mail/${name}_$u"
		echo "--user ${name}_$u" >>"$TMP/dove-users"
	done
	rm -rf "$TMP/$name/maildir" "$TMP/$name/mbox"
}

: >"$TMP/summary"
# Western European, MacBinary, every defect, one attachment of 3 MiB.
shape cp850 America/New_York "" -- --seed 11 --users 4 --messages 10 --code-page 850 \
	--encoding macbin2 --date-order MDY --time-zone America/New_York --defects all \
	--big-attachment 3M --max-attachment 256K
# Windows code page, hex attachments, day first; exported in another zone.
# Every defect but the long headers, whose parsing is most of a shape's
# time and which the others have.
shape cp1252 UTC "" -- --seed 12 --users 4 --messages 10 --code-page 1252 \
	--encoding hex --date-order DMY --time-zone Europe/Berlin --attachment-share 0.3 \
	--defects missing-count,blank-count,zero-count,wrong-count,impossible-date,no-date,unknown-header,missing-contents,empty-text-item,empty-name,unknown-item,hostile-names,duplicate-names,unknown-mailbox,deep-nesting,truncated
# Japanese names and subjects, raw attachments, year first; the set in
# 932 without being told, so that the store keeps the Japanese text.
shape cp932 Asia/Tokyo "" -- --seed 13 --users 4 --messages 10 \
	--code-page 932 --encoding raw --date-order YMD --time-zone Asia/Tokyo \
	--defects all --attachment-share 0.3 --big-attachment 1M
# An export without /ITEMSIZE: no counts anywhere, hex attachments.
shape nosizes America/Los_Angeles "" -- --seed 14 --users 3 --messages 12 \
	--code-page 850 --encoding hex --no-item-sizes --time-zone America/Los_Angeles \
	--defects all
# Southern-hemisphere summer time, MacBinary, an odd-sized 2 MiB file.
shape sydney Australia/Sydney "" -- --seed 15 --users 4 --messages 10 \
	--code-page 1252 --encoding macbin2 --date-order DMY --time-zone Australia/Sydney \
	--big-attachment 2097153 --attachment-share 0.25

# What the shapes are for must really be in them.
grep -q " [1-9][0-9]* forwarded messages (deepest [2-9]" "$TMP/summary" ||
	fail "no forwarded message inside a forwarded message"
grep -q ", [1-9][0-9]* kept as text" "$TMP/summary" || fail "no forward nested too deep"

n=${CCMIG_EXPORT_SOAK:-0}
i=0
while [ "$i" -lt "$n" ]; do
	seed=$((1000 + i))
	set -- 850 1252 932
	eval cp=\${$((i % 3 + 1))}
	set -- macbin2 hex raw
	eval enc=\${$((i / 3 % 3 + 1))}
	set -- MDY DMY YMD
	eval order=\${$((i / 2 % 3 + 1))}
	set -- America/New_York Europe/London Asia/Tokyo Australia/Sydney
	eval zone=\${$((i % 4 + 1))}
	mopts="" gopts=""
	[ "$cp" = 932 ] && mopts="--code-page 932"
	[ "$enc" = hex ] && [ $((i % 2)) = 1 ] && gopts="--no-item-sizes"
	shape "soak$i" "$zone" "$mopts" -- --seed "$seed" --users 6 --messages 20 \
		--code-page "$cp" --encoding "$enc" --date-order "$order" --time-zone "$zone" \
		--defects all --attachment-share 0.3 --big-attachment $((1 + i % 4))M $gopts
	i=$((i + 1))
done
# Dovecot's parser over every message of every shape: ENVELOPE (one From
# with mailbox and host, a Date, a unique Message-ID), BODYSTRUCTURE, and
# every part decoded on the server.
chmod 711 "$TMP"
n_files=$(find "$TMP/dove-mail" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)
start_dovecot dove secret
if python3 -B "$STRICT" --imap "$PORT" --password secret $(cat "$TMP/dove-users") \
	>"$TMP/strict" 2>&1; then
	pass
else
	fail "Dovecot reads messages a strict importer refuses"
	sed 's/^/  | /' "$TMP/strict" >&2
fi
expect_grep "strict: $n_files messages, 0 breaches" "$TMP/strict"
sed 's/^/  dovecot: /' "$TMP/strict"
sed 's/^/  /' "$TMP/summary"
finish
