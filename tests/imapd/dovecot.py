#!/usr/bin/env python3
"""dovecot.py: a private Dovecot IMAP server on a loopback port, for tests.

    dovecot.py start STATE_DIR MAIL_ROOT PASSWORD [--tls] [--dots | --fs]
                     [--special-use m365|gmail]
        prints the port (with --tls: the port, then the imaps port)
    dovecot.py stop STATE_DIR

    --dots         Dovecot's default Maildir++: hierarchy separator '.'
                   (without it: Maildir++ on disk, separator '/')
    --fs           LAYOUT=fs: one directory per level, separator '/'
    --special-use  the special folders a hosted service has, with their
                   RFC 6154 flags, made at login: m365 ("Sent Items" \Sent,
                   "Deleted Items" \Trash, Drafts, Archive, "Junk Email"
                   \Junk) or gmail ("[Gmail]/Sent Mail" \Sent, "[Gmail]/Trash"
                   ... under a "[Gmail]" parent)

Everything Dovecot writes (config, sockets, log) stays in STATE_DIR. Every
user name logs in with PASSWORD; user U's mail is the Maildir++ at
MAIL_ROOT/U (created on first login), and MAIL_ROOT/public is a shared
public namespace "Public/". Runs as the calling user: as root the mail
processes run as nobody (Dovecot never touches mail as root), so MAIL_ROOT
is handed to nobody first and the folders above it get o+x; as any other user Dovecot runs whole as that
user. Needs Debian's dovecot-imapd.
"""
import os, pwd, grp, socket, subprocess, sys, time

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def make_cert(state):
    cert, key = os.path.join(state, "cert.pem"), os.path.join(state, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key

# The special folders of hosted services, as their IMAP servers show them.
SPECIAL_USE = {
    "m365": [("Sent Items", "\\Sent"), ("Deleted Items", "\\Trash"),
             ("Drafts", "\\Drafts"), ("Archive", "\\Archive"),
             ("Junk Email", "\\Junk")],
    "gmail": [("[Gmail]/Sent Mail", "\\Sent"), ("[Gmail]/Trash", "\\Trash"),
              ("[Gmail]/Drafts", "\\Drafts"), ("[Gmail]/All Mail", "\\All"),
              ("[Gmail]/Spam", "\\Junk"), ("[Gmail]/Starred", "\\Flagged")],
}

def special_use(kind, sep):
    """The mailbox blocks of a namespace for SPECIAL_USE[kind]; the
    levels of a name are joined by the namespace's separator."""
    if not kind:
        return ""
    out = []
    for name, flag in SPECIAL_USE[kind]:
        out.append('  mailbox "%s" {\n    special_use = %s\n    auto = subscribe\n  }'
                   % (name.replace("/", sep), flag))
    return "\n".join(out) + "\n"

def start(state, mail_root, password, tls=False, layout="", special=""):
    state = os.path.abspath(state)
    mail_root = os.path.abspath(mail_root)
    os.makedirs(os.path.join(state, "run"), exist_ok=True)
    os.makedirs(mail_root, exist_ok=True)
    port = free_port()
    tls_port = free_port() if tls else 0
    if tls:
        cert, key = make_cert(state)
        ssl = "ssl = yes\nssl_cert = <%s\nssl_key = <%s\n" % (cert, key)
    else:
        ssl = "ssl = no\n"
    me = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    with open(os.path.join(state, "users"), "w") as f:
        f.write("*:{PLAIN}%s\n" % password)
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:
        # The password file stays root's: auth runs as root.
        users = ("default_login_user = dovenull\ndefault_internal_user = dovecot\n"
                 "service auth {\n  user = root\n}\n"
                 "service auth-worker {\n  user = root\n}\n")
        nobody = pwd.getpwnam("nobody")
        # nobody must reach MAIL_ROOT through folders such as a test's
        # private temporary folder: they get o+x (search, not read).
        d = os.path.dirname(mail_root)
        while d != "/":
            mode = os.stat(d).st_mode
            if not mode & 0o001:
                os.chmod(d, (mode & 0o7777) | 0o001)
            d = os.path.dirname(d)
        uid, gid = nobody.pw_uid, nobody.pw_gid
        os.makedirs(os.path.join(state, "public-index"), exist_ok=True)
        for top in (mail_root, os.path.join(state, "public-index")):
            os.chown(top, uid, gid)
            for d, dirs, files in os.walk(top):
                for n in dirs + files:
                    os.chown(os.path.join(d, n), uid, gid)
    else:
        users = ("default_login_user = %s\ndefault_internal_user = %s\n"
                 "default_internal_group = %s\n" % (me, me, group))
    # Maildir++ with '/' shown to clients (the layout docs/export.md
    # shows), Dovecot's default Maildir++ with '.', or LAYOUT=fs.
    sep = "." if layout == "dots" else "/"
    location = ":LAYOUT=fs" if layout == "fs" else ""
    conf = f"""
base_dir = {state}/run
state_dir = {state}/run
log_path = {state}/dovecot.log
info_log_path = {state}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
{users}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=* {state}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail_root}/%u
}}
mail_location = maildir:{mail_root}/%u{location}
namespace inbox {{
  inbox = yes
  separator = {sep}
  prefix =
{special_use(special, sep)}}}
namespace public {{
  type = public
  separator = {sep}
  prefix = Public{sep}
  location = maildir:{mail_root}/public{location}:INDEX={state}/public-index/%u
  subscriptions = no
  list = yes
}}
"""
    path = os.path.join(state, "dovecot.conf")
    with open(path, "w") as f:
        f.write(conf)
    subprocess.run(["dovecot", "-c", path], check=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            print(port, tls_port) if tls else print(port)
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("dovecot did not start; see %s/dovecot.log" % state)

def stop(state):
    path = os.path.join(os.path.abspath(state), "dovecot.conf")
    subprocess.run(["doveadm", "-c", path, "stop"], check=False,
                   stderr=subprocess.DEVNULL)

if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "start":
        opts, rest = {"tls": False, "layout": "", "special": ""}, sys.argv[5:]
        while rest:
            a = rest.pop(0)
            if a == "--tls":
                opts["tls"] = True
            elif a in ("--dots", "--fs"):
                opts["layout"] = a[2:]
            elif a == "--special-use" and rest and rest[0] in SPECIAL_USE:
                opts["special"] = rest.pop(0)
            else:
                sys.exit(__doc__)
        start(*sys.argv[2:5], **opts)
    elif len(sys.argv) == 3 and sys.argv[1] == "stop":
        stop(sys.argv[2])
    else:
        sys.exit(__doc__)
