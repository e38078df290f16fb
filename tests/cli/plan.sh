# plan.sh: `ccmig plan`: the shapes of a plan (a job per post office, the
# big one split into shares; shares of mailboxes across post offices), the
# same files every time, and what it refuses.
. "$(dirname "$0")/lib.sh"

B="$TMP/bundles"
mkdir -p "$B"
"$CCMIG" gen "$B/big" --users 12 --messages 60 --seed 5 --post-office BIGPO >/dev/null
"$CCMIG" gen "$B/small1" --users 3 --messages 10 --seed 6 --post-office SMALL1 >/dev/null
"$CCMIG" gen "$B/small2" --users 3 --messages 10 --seed 7 --post-office SMALL2 >/dev/null
touch "$B/notes.txt"    # a file, not a folder: not a bundle, not mentioned

# check_plan DIR BY: every job's description agrees with jobs.txt and
# plan.json, and every mailbox of every post office is in exactly one
# job (or its post office is whole in exactly one).
check_plan() {
	if python3 - "$1" "$2" >"$TMP/check" 2>&1 <<'PY'; then pass; else
import json, os, shlex, sys
d, by = sys.argv[1], sys.argv[2]
plan = json.load(open(os.path.join(d, "plan.json")))
lines = open(os.path.join(d, "jobs.txt")).read().splitlines()
assert plan["by"] == by, plan["by"]
assert len(lines) == len(plan["jobs"]), (len(lines), len(plan["jobs"]))
seen, whole, of = {}, {}, {}
prev = None
for k, (line, job) in enumerate(zip(lines, plan["jobs"])):
    assert shlex.split(line) == ["ccmig", "job", d, str(k)], line
    assert job["index"] == k and job["bytes"] >= 0
    assert prev is None or prev >= job["bytes"], "not largest first"
    prev = job["bytes"]
    desc = open(os.path.join(d, "job-%d.txt" % k)).read().splitlines()
    assert "store=%s" % job["store"] in desc, desc
    pos = [l.split("=", 1)[1] for l in desc if l.startswith("post_office=")]
    assert pos == [p["post_office"] for p in job["parts"]], (pos, job)
    for p in job["parts"]:
        of[p["post_office"]] = p["of"]
        if p["mailboxes"] is None:
            assert p["post_office"] not in whole and p["post_office"] not in seen
            whole[p["post_office"]] = k
            continue
        names = [l.strip() for l in open(os.path.join(d, p["mailboxes"]))
                 if l.strip() and not l.startswith("#")]
        assert len(names) == p["share_mailboxes"], (names, p)
        for n in names:
            key = (p["post_office"], n)
            assert key not in seen, "%s in two jobs" % (key,)
            seen[key] = k
for po, n in of.items():
    if po in whole:
        assert not any(k[0] == po for k in seen), po
    else:
        got = sum(1 for k in seen if k[0] == po)
        # a user and a board of one name share a line
        assert got <= n and got >= n - 1, (po, got, n)
print(len(lines))
PY
		fail "plan in $1 is not whole:"; sed 's/^/  | /' "$TMP/check" >&2
	fi
}

# A job per post office; the big one is more than its fair part of 4 jobs.
expect_status 0 "$CCMIG" plan "$B" --jobs 4 -o "$TMP/p1"
expect_grep "Planned " "$TMP/out"
check_plan "$TMP/p1" post-office
jobs=$(wc -l <"$TMP/p1/jobs.txt")
[ "$jobs" -ge 4 ] && [ "$jobs" -le 6 ] && pass || fail "$jobs jobs for 4 asked"
[ "$(grep -l "post_office=$B/big$" "$TMP"/p1/job-*.txt | wc -l)" -ge 2 ] && pass ||
	fail "the big post office is not split"
[ "$(grep -l "post_office=$B/small1$" "$TMP"/p1/job-*.txt | wc -l)" -eq 1 ] && pass ||
	fail "a small post office is not one job"
grep -q "^mailboxes=" "$(grep -l "post_office=$B/small1$" "$TMP"/p1/job-*.txt)" &&
	fail "a small post office has a mailbox list" || pass
grep -q "^store=$TMP/p1/stores/job-0.db$" "$TMP/p1/job-0.txt" && pass ||
	fail "job 0's store is not PLAN_DIR/stores/job-0.db"

# The same plan again: nothing changes; into another folder: the same but
# for the folder's name.
cp -r "$TMP/p1" "$TMP/p1.before"
expect_status 0 "$CCMIG" plan "$B" --jobs 4 -o "$TMP/p1"
expect_grep "Already planned: " "$TMP/out"
diff -r "$TMP/p1" "$TMP/p1.before" >/dev/null && pass || fail "planning again changed files"
expect_status 0 "$CCMIG" plan "$B" --jobs 4 -o "$TMP/p2"
for f in "$TMP"/p1/*; do
	n=$(basename "$f")
	if [ "$(sed "s#$TMP/p1#PLAN#g" "$f")" = "$(sed "s#$TMP/p2#PLAN#g" "$TMP/p2/$n")" ]; then
		pass; else fail "$n differs between two plans"; fi
done
[ "$(ls "$TMP/p1" | wc -l)" -eq "$(ls "$TMP/p2" | wc -l)" ] && pass || fail "file counts differ"

# One job asked: a job per post office, none split.
expect_status 0 "$CCMIG" plan "$B" --jobs 1 -o "$TMP/one"
check_plan "$TMP/one" post-office
[ "$(wc -l <"$TMP/one/jobs.txt")" -eq 3 ] && pass || fail "--jobs 1 is not a job per post office"
ls "$TMP"/one/*.mailboxes >/dev/null 2>&1 && fail "--jobs 1 made shares" || pass

# By mailbox: exactly the jobs asked, mailboxes of every post office dealt.
expect_status 0 "$CCMIG" plan "$B" --jobs 4 --by mailbox -o "$TMP/bm"
check_plan "$TMP/bm" mailbox
[ "$(wc -l <"$TMP/bm/jobs.txt")" -eq 4 ] && pass || fail "--by mailbox: not 4 jobs"
# More jobs than mailboxes: no job is empty.
expect_status 0 "$CCMIG" plan "$B" --jobs 500 --by mailbox -o "$TMP/bm500"
check_plan "$TMP/bm500" mailbox
n=$(wc -l <"$TMP/bm500/jobs.txt")
[ "$n" -gt 4 ] && [ "$n" -lt 500 ] && pass || fail "--by mailbox --jobs 500 gave $n jobs"

# Stores elsewhere, an export after each job, a folder with a quote and a
# space: each line of jobs.txt is one shell command that names the plan.
mkdir -p "$TMP/it's here"
expect_status 0 "$CCMIG" plan "$B" --jobs 2 -o "$TMP/it's here/plan" --stores local/st \
	-- --maildir "$TMP/md/{job}"
expect_grep "store=$(pwd)/local/st/job-0.db" "$TMP/it's here/plan/job-0.txt"
expect_grep "export=--maildir" "$TMP/it's here/plan/job-0.txt"
expect_grep "export=$TMP/md/{job}" "$TMP/it's here/plan/job-0.txt"
line=$(head -1 "$TMP/it's here/plan/jobs.txt")
eval "set -- $line"
[ "$3" = "$TMP/it's here/plan" ] && [ "$4" = 0 ] && pass || fail "jobs.txt quotes badly: $line"

# Another plan in the folder: refused, unless --force (then the old
# plan's files go).
expect_status 2 "$CCMIG" plan "$B" --jobs 1 -o "$TMP/p1"
expect_grep "holds another plan; give --force" "$TMP/err"
diff -r "$TMP/p1" "$TMP/p1.before" >/dev/null && pass || fail "a refused plan changed files"
expect_status 0 "$CCMIG" plan "$B" --jobs 1 -o "$TMP/p1" --force
[ "$(wc -l <"$TMP/p1/jobs.txt")" -eq 3 ] && [ ! -e "$TMP/p1/job-3.txt" ] &&
	! ls "$TMP"/p1/*.mailboxes >/dev/null 2>&1 && pass || fail "--force left the old plan's files"

# A folder that is not a bundle: left out, said, exit 1, the rest planned.
mkdir "$B/junk"
expect_status 1 "$CCMIG" plan "$B" --jobs 1 -o "$TMP/j"
expect_grep "'$B/junk' left out: cannot open '$B/junk/po.txt'" "$TMP/err"
expect_grep "Left out: 1 folder, each said why above" "$TMP/out"
[ "$(wc -l <"$TMP/j/jobs.txt")" -eq 3 ] && pass || fail "junk changed the plan"

rm -r "$B/junk"
# Two bundles of one post office: the second is left out, said.
"$CCMIG" gen "$B/zz-again" --users 2 --messages 2 --seed 8 --post-office bigpo >/dev/null
expect_status 1 "$CCMIG" plan "$B" --jobs 1 -o "$TMP/twice"
expect_grep "'$B/zz-again' left out: its post office bigpo is also the bundle '$B/big'" "$TMP/err"
rm -r "$B/zz-again"

# Bad usage and nothing to plan.
mkdir "$TMP/empty" "$TMP/onlyjunk" "$TMP/onlyjunk/x"
expect_status 2 "$CCMIG" plan "$TMP/empty" --jobs 2 -o "$TMP/e"
expect_grep "the folder holds no post office folders" "$TMP/err"
expect_status 2 "$CCMIG" plan "$TMP/onlyjunk" --jobs 2 -o "$TMP/e"
expect_grep "none of the folders is a post office bundle" "$TMP/err"
expect_status 2 "$CCMIG" plan "$TMP/nowhere" --jobs 2 -o "$TMP/e"
expect_grep "cannot read '$TMP/nowhere'" "$TMP/err"
for bad in 0 -1 x 2x ""; do
	expect_status 2 "$CCMIG" plan "$B" --jobs "$bad" -o "$TMP/e"
	expect_grep "--jobs takes a number of jobs, 1 or more" "$TMP/err"
done
expect_status 2 "$CCMIG" plan "$B" --jobs 2 --by user -o "$TMP/e"
expect_grep "--by takes post-office or mailbox" "$TMP/err"
expect_status 2 "$CCMIG" plan "$B" --jobs 2
expect_grep "give -o PLAN_DIR" "$TMP/err"
expect_status 2 "$CCMIG" plan "$B" -o "$TMP/e"
expect_grep "give --jobs N" "$TMP/err"
finish
