# job.sh: `ccmig job`: every job of a plan run as a Kubernetes Indexed Job,
# a Slurm array and GNU parallel run them; the job stores together hold what
# a migration of each whole post office holds; a job run again, or killed
# and run again, ends with the same store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/plan_lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
UNION="$HERE/share_union.py"
DUMP="$HERE/store_dump.py"
PATH="$(cd "$(dirname "$CCMIG")" && pwd):$PATH"   # jobs.txt runs `ccmig`
export PATH

B="$TMP/bundles"
two_bundles "$B"
for po in big small; do
	"$CCMIG" migrate "$B/$po" --store "$TMP/whole-$po.db" >/dev/null ||
		fail "whole migration of $po"
done

# same_store A B: the two stores hold the same (store_dump.py).
same_store() {
	if python3 "$DUMP" "$1" "$2" >"$TMP/diff"; then pass; else
		fail "$1 and $2 differ:"; head -20 "$TMP/diff" | sed 's/^/  | /' >&2; fi
}

# stores_of PLAN PO: the stores of the plan's jobs that migrate PO.
stores_of() {
	for f in "$1"/job-*.txt; do
		grep -q "^post_office=$B/$2$" "$f" && sed -n 's/^store=//p' "$f"
	done
}

# union PLAN: per post office, the jobs' stores are its whole migration.
union() {
	for po in big small; do
		# shellcheck disable=SC2046
		if python3 "$UNION" "$TMP/whole-$po.db" $(stores_of "$1" $po) >"$TMP/diff"
		then pass; else fail "$1: the jobs of $po differ from its whole migration:"
			sed 's/^/  | /' "$TMP/diff" >&2; fi
	done
}

# As a Kubernetes Indexed Job gives the index.
expect_status 0 "$CCMIG" plan "$B" --jobs 3 -o "$TMP/k8s"
n=$(wc -l <"$TMP/k8s/jobs.txt")
[ "$n" -ge 3 ] && pass || fail "$n jobs"
each_job "$TMP/k8s" JOB_COMPLETION_INDEX "accounts for every message of the"
union "$TMP/k8s"
# The big post office went to several jobs, each verified as a share.
[ "$(stores_of "$TMP/k8s" big | wc -l)" -ge 2 ] && pass || fail "big not split"

# As a Slurm array gives it, stores on "local disk" (made by the job).
expect_status 0 "$CCMIG" plan "$B" --jobs 3 -o "$TMP/slurm" --stores "$TMP/node/scratch"
each_job "$TMP/slurm" SLURM_ARRAY_TASK_ID
for k in $(seq 0 $((n - 1))); do
	same_store "$TMP/k8s/stores/job-$k.db" "$TMP/node/scratch/job-$k.db"
done
# The argument wins over the environment.
JOB_COMPLETION_INDEX=99 expect_status 0 "$CCMIG" job "$TMP/slurm" 0

# By mailbox: jobs hold shares of both post offices; together all of it.
expect_status 0 "$CCMIG" plan "$B" --jobs 2 --by mailbox -o "$TMP/bm"
for k in 0 1; do
	expect_status 0 "$CCMIG" job "$TMP/bm" $k
done
if python3 "$UNION" --no-directory "$TMP/whole-big.db,$TMP/whole-small.db" \
	"$TMP/bm/stores/job-0.db" "$TMP/bm/stores/job-1.db" >"$TMP/diff"; then pass; else
	fail "--by mailbox jobs differ from the whole migrations:"; sed 's/^/  | /' "$TMP/diff" >&2; fi

# GNU parallel runs jobs.txt as it is, and --resume-failed after a kill.
if command -v parallel >/dev/null 2>&1; then
	expect_status 0 "$CCMIG" plan "$B" --jobs 3 -o "$TMP/par"
	expect_status 0 parallel -j2 --joblog "$TMP/par/joblog" <"$TMP/par/jobs.txt"
	[ "$(($(wc -l <"$TMP/par/joblog") - 1))" -eq "$n" ] && pass || fail "joblog lines"
	union "$TMP/par"
	expect_status 0 parallel -j2 --joblog "$TMP/par/joblog" --resume-failed <"$TMP/par/jobs.txt"
else
	echo "GNU parallel not installed: its part is skipped"
fi

# Again: nothing twice, the same store.
cp "$TMP/k8s/stores/job-0.db" "$TMP/first.db"
expect_status 0 "$CCMIG" job "$TMP/k8s" 0
expect_grep "Already in the store: " "$TMP/out"
same_store "$TMP/first.db" "$TMP/k8s/stores/job-0.db"

# Killed in the middle (at each of a few places), then run again, here
# or elsewhere: the store of a job never killed.
for at in 1 3 7 20; do
	rm -rf "$TMP/kill"
	"$CCMIG" plan "$B" --jobs 3 -o "$TMP/kill" >/dev/null
	CCMIG_TEST_KILL_AT=$at "$CCMIG" job "$TMP/kill" 0 >/dev/null 2>&1
	st=$?
	[ "$st" -ne 0 ] && pass || fail "kill at $at: the job was not killed"
	expect_status 0 "$CCMIG" job "$TMP/kill" 0
	same_store "$TMP/k8s/stores/job-0.db" "$TMP/kill/stores/job-0.db"
done
# SIGKILL from outside, at some moment of the run.
rm -rf "$TMP/kill"
"$CCMIG" plan "$B" --jobs 3 -o "$TMP/kill" >/dev/null
"$CCMIG" job "$TMP/kill" 0 >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
expect_status 0 "$CCMIG" job "$TMP/kill" 0
same_store "$TMP/k8s/stores/job-0.db" "$TMP/kill/stores/job-0.db"

# An export the plan names runs after each job; again, it adds nothing.
expect_status 0 "$CCMIG" plan "$B" --jobs 1 -o "$TMP/ex" -- --maildir "$TMP/md/{job}"
mkdir "$TMP/md"
expect_status 0 "$CCMIG" job "$TMP/ex" 1
expect_grep "ccmig job: export --store $TMP/ex/stores/job-1.db --maildir $TMP/md/1" "$TMP/out"
files=$(find "$TMP/md/1" -type f | wc -l)
[ "$files" -gt 0 ] && pass || fail "the export wrote nothing"
expect_status 0 "$CCMIG" job "$TMP/ex" 1
[ "$(find "$TMP/md/1" -type f | wc -l)" -eq "$files" ] && pass || fail "export again added files"

# Which job? Said when it is not clear.
expect_status 2 "$CCMIG" job "$TMP/k8s"
expect_grep "which job? give INDEX" "$TMP/err"
expect_status 2 "$CCMIG" job "$TMP/k8s" "$n"
expect_grep "INDEX is '$n', but the plan's jobs are 0 to $((n - 1))" "$TMP/err"
JOB_COMPLETION_INDEX=x expect_status 2 "$CCMIG" job "$TMP/k8s"
expect_grep "\$JOB_COMPLETION_INDEX is 'x'" "$TMP/err"
SLURM_ARRAY_TASK_ID=-1 expect_status 2 "$CCMIG" job "$TMP/k8s"
expect_grep "\$SLURM_ARRAY_TASK_ID is '-1'" "$TMP/err"
expect_status 2 "$CCMIG" job "$TMP/nowhere" 0
expect_grep "is no plan" "$TMP/err"
printf 'store=%s\npost_office=%s\nbogus=1\n' "$TMP/x.db" "$B/small" >"$TMP/k8s/job-0.txt"
expect_status 2 "$CCMIG" job "$TMP/k8s" 0
expect_grep "'bogus' at $TMP/k8s/job-0.txt:3 is not a line of a job" "$TMP/err"
finish
