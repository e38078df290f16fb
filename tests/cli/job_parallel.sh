# job_parallel.sh: a plan of three post offices (the big one in shares)
# run by GNU parallel at -j 4 as docs/scale.md runs it; two jobs are
# killed with SIGKILL midway and `--resume-failed` runs them again. The
# merged job stores equal one migration of every post office on one
# machine (every message's identity, decision and digest, and everything a
# user sees), and verify of each post office against them is clean. The
# same plan run by the loops that stand in for a Slurm array and a
# Kubernetes Indexed Job gives the same store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/plan_lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
if ! command -v parallel >/dev/null 2>&1; then
	echo "SKIP: needs GNU parallel (scripts/install-deps)"
	exit 77
fi

B="$TMP/bundles"
two_bundles "$B"
"$CCMIG" gen "$B/third" --users 4 --messages 12 --seed 7 --post-office THIRDPO >/dev/null
for po in big small third; do
	expect_status 0 "$CCMIG" migrate "$B/$po" --store "$TMP/single.db"
done

# same_as_single DB WHAT: DB holds what the single-machine store holds.
same_as_single() {
	if python3 "$HERE/share_union.py" "$TMP/single.db" "$1" >"$TMP/diff"; then pass; else
		fail "$2: differs from one migration:"; sed 's/^/  | /' "$TMP/diff" >&2; fi
	if python3 "$HERE/store_dump.py" "$TMP/single.db" "$1" >"$TMP/diff"; then pass; else
		fail "$2: differs from one migration:"; head -20 "$TMP/diff" | sed 's/^/  | /' >&2; fi
}

# merged PLAN DB: the plan's job stores merged into DB.
merged() {
	# shellcheck disable=SC2046
	expect_status 0 "$CCMIG" merge --store "$2" $(ls "$1"/stores/job-*.db)
}

expect_status 0 "$CCMIG" plan "$B" --jobs 5 -o "$TMP/par"
n=$(wc -l <"$TMP/par/jobs.txt")
[ "$n" -ge 4 ] && pass || fail "a plan of $n jobs: the big post office is not in shares"
grep -q "BIGPO" "$TMP/par/plan.json" && pass || fail "plan.json does not name BIGPO"

# jobs.txt runs ccmig from PATH: here one that SIGKILLs the first run of
# jobs 1 and 3 at their seventh fault point (base/fault.h), midway.
mkdir "$TMP/bin"
cat >"$TMP/bin/ccmig" <<EOF
#!/bin/sh
if [ "\$1" = job ] && { [ "\$3" = 1 ] || [ "\$3" = 3 ]; } &&
	mkdir "$TMP/killed-\$3" 2>/dev/null; then
	CCMIG_TEST_KILL_AT=7 exec "$CCMIG" "\$@"
fi
exec "$CCMIG" "\$@"
EOF
chmod +x "$TMP/bin/ccmig"
PATH="$TMP/bin:$PATH" parallel -j4 --joblog "$TMP/joblog" <"$TMP/par/jobs.txt" \
	>"$TMP/out" 2>"$TMP/err"
st=$?
[ "$st" -eq 2 ] && pass || fail "parallel with two jobs killed: exit $st, not 2 (jobs failed)"
# Killed by SIGKILL: the signal, or 137 from a shell that did not exec.
killed=$(awk 'NR > 1 && ($8 == 9 || $7 == 137)' "$TMP/joblog" | wc -l)
[ "$killed" -eq 2 ] && pass || fail "$killed jobs killed by SIGKILL in the joblog, not 2"
PATH="$TMP/bin:$PATH" parallel -j4 --joblog "$TMP/joblog" --resume-failed \
	<"$TMP/par/jobs.txt" >"$TMP/out" 2>"$TMP/err"
st=$?
if [ "$st" -eq 0 ]; then pass; else
	fail "parallel --resume-failed: exit $st"; sed 's/^/  | /' "$TMP/err" >&2; fi
# Each job is in the joblog as done, the killed ones twice.
ok=$(awk 'NR > 1 && $7 == 0 && $8 == 0' "$TMP/joblog" | wc -l)
[ "$ok" -eq "$n" ] && pass || fail "$ok jobs done in the joblog, not $n"
[ -d "$TMP/killed-1" ] && [ -d "$TMP/killed-3" ] && pass || fail "jobs 1 and 3 were not killed"

merged "$TMP/par" "$TMP/all.db"
same_as_single "$TMP/all.db" "GNU parallel's jobs, two killed and resumed, merged"
for po in big small third; do
	expect_status 0 "$CCMIG" verify "$B/$po" --store "$TMP/all.db"
	expect_grep "The store accounts for every message of the post office." "$TMP/out"
done

# The same plan, its index from each engine's variable.
for var in SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX; do
	expect_status 0 "$CCMIG" plan "$B" --jobs 5 -o "$TMP/$var"
	sed "s|$TMP/$var|$TMP/par|g" "$TMP/$var/plan.json" | cmp -s - "$TMP/par/plan.json" &&
		pass || fail "$var: planning again gave another plan"
	each_job "$TMP/$var" "$var"
	merged "$TMP/$var" "$TMP/$var.db"
	same_as_single "$TMP/$var.db" "the jobs run by $var, merged"
done
finish
