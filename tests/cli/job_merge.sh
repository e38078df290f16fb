# job_merge.sh: a plan's jobs run and their stores merged hold what one
# migration of every post office on one machine holds: the same digest of
# every message, the same directory, lists and address books; verify of
# every post office against the merged store is clean. Both shapes of
# plan: a job per post office (the big one in shares), and by mailbox.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/plan_lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

B="$TMP/bundles"
two_bundles "$B"
for po in big small; do
	expect_status 0 "$CCMIG" migrate "$B/$po" --store "$TMP/single.db"
done

for by in post-office mailbox; do
	expect_status 0 "$CCMIG" plan "$B" --jobs 3 --by $by -o "$TMP/$by"
	each_job "$TMP/$by" JOB_COMPLETION_INDEX
	# shellcheck disable=SC2046
	expect_status 0 "$CCMIG" merge --store "$TMP/$by.db" $(ls "$TMP/$by"/stores/job-*.db)
	# Source identity, decision and digest of every message.
	if python3 "$HERE/share_union.py" "$TMP/single.db" "$TMP/$by.db" >"$TMP/diff"
	then pass; else fail "$by: merged jobs differ from one migration:"
		sed 's/^/  | /' "$TMP/diff" >&2; fi
	# Everything a user sees.
	if python3 "$HERE/store_dump.py" "$TMP/single.db" "$TMP/$by.db" >"$TMP/diff"
	then pass; else fail "$by: merged jobs differ from one migration:"
		head -20 "$TMP/diff" | sed 's/^/  | /' >&2; fi
	for po in big small; do
		expect_status 0 "$CCMIG" verify "$B/$po" --store "$TMP/$by.db"
		expect_grep "The store accounts for every message of the post office." "$TMP/out"
	done
done
finish
