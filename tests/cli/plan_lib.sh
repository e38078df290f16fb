# plan_lib.sh: what the tests of plans and jobs share (sourced after
# lib.sh, not run).
unset JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID

# two_bundles DIR: a post office a plan of 3 jobs splits (BIGPO) and a
# small one (SMALLPO), as subfolders big and small of DIR.
two_bundles() {
	mkdir -p "$1"
	"$CCMIG" gen "$1/big" --users 12 --messages 40 --seed 5 --post-office BIGPO >/dev/null
	"$CCMIG" gen "$1/small" --users 3 --messages 10 --seed 6 --post-office SMALLPO >/dev/null
}

# each_job PLAN VAR [TEXT]: runs every job of PLAN with its index in
# environment variable VAR, as a runner gives it; each must exit 0 and
# say it is done (and TEXT, when given).
each_job() {
	k=0
	jobs_n=$(wc -l <"$1/jobs.txt")
	while [ "$k" -lt "$jobs_n" ]; do
		env "$2=$k" "$CCMIG" job "$1" >"$TMP/out" 2>"$TMP/err"
		st=$?
		if [ "$st" -eq 0 ]; then pass; else
			fail "job $k of $1: exit $st"; sed 's/^/  | /' "$TMP/err" >&2; fi
		expect_grep "ccmig job: job $k done" "$TMP/out"
		[ -z "${3:-}" ] || expect_grep "$3" "$TMP/out"
		k=$((k + 1))
	done
}
