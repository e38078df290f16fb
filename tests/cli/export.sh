# export.sh: ccmig export --maildir, read back by Python's mailbox module.
. "$(dirname "$0")/lib.sh"

"$CCMIG" migrate "$DATA/salespo" --store "$TMP/s.db" >/dev/null
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York
expect_grep "4 mailboxes" "$TMP/out"

python3 - "$TMP/md" >"$TMP/py" 2>&1 <<'PY'
import email, email.policy, mailbox, os, sys
root = sys.argv[1]
def messages(path):
    md = mailbox.Maildir(path, factory=None, create=False)
    return [(k, md.get_message(k)) for k in md.keys()]
# Smith: Inbox 1 (+ the address book notice), Sent 1, Projects\1999 1.
smith = os.path.join(root, "jsmith")
inbox = messages(smith)
sent = messages(os.path.join(smith, ".Sent"))
proj = messages(os.path.join(smith, ".Projects.1999"))
assert len(inbox) == 2, len(inbox)
assert len(sent) == 1 and len(proj) == 1, (len(sent), len(proj))
# Read and unread flags travel in the file names.
assert "S" in sent[0][1].get_flags()
assert "S" not in proj[0][1].get_flags(), proj[0][1].get_flags()
# The message parses, and its attachment comes back byte for byte.
msg = email.message_from_bytes(sent[0][1].as_bytes(), policy=email.policy.default)
parts = [p for p in msg.iter_attachments()]
assert parts and parts[0].get_filename() == "budget.wk4", [p.get_filename() for p in parts]
assert parts[0].get_content() == bytes(range(256))
assert str(msg["Subject"]) == "Re: Grüße", msg["Subject"]
# The board, under public/.
pub = messages(os.path.join(root, "public", ".Lotus cc:Mail Bulletin Boards.Social"))
assert len(pub) == 1 and str(pub[0][1]["Subject"]) == "Party"
print("maildir ok")
PY
expect_grep "maildir ok" "$TMP/py"
if ! grep -q "maildir ok" "$TMP/py"; then sed 's/^/  | /' "$TMP/py" >&2; fi

# Again: nothing written twice.
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md" --time-zone America/New_York
expect_grep " 0 messages written" "$TMP/out"

expect_status 2 "$CCMIG" export --store "$TMP/s.db" --mbox "$TMP/mb"
expect_status 2 "$CCMIG" export --maildir "$TMP/md"
finish
