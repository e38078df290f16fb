# site_policies.sh: the five policies docs/policies.md gives a site (a
# pilot group, a date window with a legal hold, names and SMTP addresses
# from a CSV file, folders moved and left out, big attachments replaced by
# notes), taken from the documentation, through preflight, migrate,
# verify and a Maildir export read back (site_policies.py).
. "$(dirname "$0")/lib.sh"
if python3 "$(dirname "$0")/site_policies.py" "$CCMIG" "$TMP" >"$TMP/log" 2>&1
then pass; else fail "the site policies:"; fi
sed 's/^/  | /' "$TMP/log"
finish
