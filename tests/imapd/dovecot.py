#!/usr/bin/env python3
"""dovecot.py: a private Dovecot IMAP server on a loopback port, for tests.

    dovecot.py start STATE_DIR MAIL_ROOT PASSWORD [OPTION...]
        prints the port (with --tls: the port, then the imaps port)
    dovecot.py stop STATE_DIR

Options:
    --tls             also an imaps port (TLS from the start)
    --no-ssl          no TLS at all: the port offers no STARTTLS
    --ssl-required    no login before STARTTLS (LOGINDISABLED in clear)
    --oauth2 URL      logins are OAuth 2.0 tokens, checked by POSTing them
                      to the token introspection endpoint URL (RFC 7662:
                      {"active": true, "username": "U"}); a password given
                      to LOGIN or PLAIN is taken as a token too
    --mechanisms "M..."  auth_mechanisms (default "plain login", with
                      --oauth2 "plain login oauthbearer xoauth2")
    --dots            Dovecot's default Maildir++: hierarchy separator '.'
                      (without it: Maildir++ on disk, separator '/')
    --fs              LAYOUT=fs: one directory per level, separator '/'
    --special-use m365|gmail  the special folders a hosted service has,
                      with their RFC 6154 flags, made at login: m365
                      ("Sent Items" \Sent, "Deleted Items" \Trash, Drafts,
                      Archive, "Junk Email" \Junk) or gmail ("[Gmail]/Sent
                      Mail" \Sent, "[Gmail]/Trash" ... under a "[Gmail]" parent)

By default the port offers STARTTLS with a certificate for localhost and
127.0.0.1, STATE_DIR/cert.pem (its own authority: give it as --imap-ca),
and takes passwords in clear as well.

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

def start(state, mail_root, password, tls=False, ssl_mode="yes", oauth2=None,
          mechanisms=None, layout="", special=""):
    state = os.path.abspath(state)
    mail_root = os.path.abspath(mail_root)
    os.makedirs(os.path.join(state, "run"), exist_ok=True)
    os.makedirs(mail_root, exist_ok=True)
    port = free_port()
    tls_port = free_port() if tls else 0
    if ssl_mode != "no":
        cert, key = make_cert(state)
        ssl = "ssl = %s\nssl_cert = <%s\nssl_key = <%s\n" % (ssl_mode, cert, key)
    else:
        ssl = "ssl = no\n"
    plaintext = "yes" if ssl_mode == "required" else "no"
    if mechanisms is None:
        mechanisms = "plain login oauthbearer xoauth2" if oauth2 else "plain login"
    if oauth2:
        ext = os.path.join(state, "dovecot-oauth2.conf.ext")
        with open(ext, "w") as f:
            f.write("introspection_mode = post\nintrospection_url = %s\n"
                    "force_introspection = yes\nusername_attribute = username\n"
                    "active_attribute = active\nactive_value = true\n" % oauth2)
        passdb = "passdb {\n  driver = oauth2\n  args = %s\n}\n" % ext
    else:
        passdb = ("passdb {\n  driver = passwd-file\n"
                  "  args = scheme=PLAIN username_format=* %s/users\n}\n" % state)
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
disable_plaintext_auth = {plaintext}
auth_mechanisms = {mechanisms}
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
{passdb}userdb {{
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

def main(argv):
    if len(argv) >= 5 and argv[1] == "start":
        kw, rest = {}, argv[5:]
        while rest:
            opt = rest.pop(0)
            if opt == "--tls":
                kw["tls"] = True
            elif opt == "--no-ssl":
                kw["ssl_mode"] = "no"
            elif opt == "--ssl-required":
                kw["ssl_mode"] = "required"
            elif opt == "--oauth2" and rest:
                kw["oauth2"] = rest.pop(0)
            elif opt == "--mechanisms" and rest:
                kw["mechanisms"] = rest.pop(0)
            elif opt in ("--dots", "--fs"):
                kw["layout"] = opt[2:]
            elif opt == "--special-use" and rest and rest[0] in SPECIAL_USE:
                kw["special"] = rest.pop(0)
            else:
                sys.exit(__doc__)
        start(*argv[2:5], **kw)
    elif len(argv) == 3 and argv[1] == "stop":
        stop(argv[2])
    else:
        sys.exit(__doc__)

if __name__ == "__main__":
    main(sys.argv)
