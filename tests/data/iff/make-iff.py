#!/usr/bin/env python3
# make-iff.py: writes the migration file fixtures under tests/data/iff/ from
# Microsoft's examples in spec/migration-files.md: the SDK sections of 4.2-4.6
# (sdk/) and the byte-exact constructed example of 5.5 (constructed/).
# Every line ends in CR LF and every offset is computed, then asserted.
# The files are committed; run this only to change them.
import os

ROOT = os.path.dirname(os.path.abspath(__file__))


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def crlf(text, cp='cp1252'):
    """Text with '\n' line ends, as CR LF bytes in the code page."""
    return text.replace('\n', '\r\n').encode(cp)


class Sec:
    """A secondary file: header line, then sections `header CRLF data CRLF`."""

    def __init__(self):
        self.b = b'Type,Length,Encoding,Islast,Name,Position,Format\r\n'

    def section(self, type_, data, islast, name='', position='', fmt='',
                separator=b'\r\n'):
        off = len(self.b)
        self.b += ('%s,%d,,%s,%s,%s,%s\r\n' % (
            type_, len(data), 'TRUE' if islast else 'FALSE', name, position,
            fmt)).encode('cp1252')
        self.b += data + separator
        return off


def pad(text, n):
    """CR LF text padded with a filler line to exactly n bytes."""
    b = crlf(text)
    assert len(b) <= n, (len(b), n)
    if len(b) == n:
        return b
    fill = n - len(b)
    # Filler ends in CR LF like the rest of the text.
    if fill == 1:
        return b + b'.'
    return b + b'.' * (fill - 2) + b'\r\n'


# ---- constructed/ : spec 5.5, byte for byte ------------------------------

sec = Sec()
o1 = sec.section('Body', crlf('Lunch at noon on Friday?\n\nPat\n'), True)
o2 = sec.section('Body', crlf('Here is the agenda.\n'), False)
o3 = sec.section('Attachment', crlf('1. Budget\n2. Staffing\n'), True,
                 'AGENDA.TXT', '0')
o4 = sec.section('Other', b'Ann Lee;Bob Ray;Carl Fox', True)
o5 = sec.section('Body', b'', False)
o6 = sec.section('Document', crlf('Plain text document.\n'), True, 'NOTES.TXT',
                 '-1')
assert (o1, o2, o3, o4, o5, o6, len(sec.b)) == (50, 103, 145, 206, 251, 271, 328)
write('constructed/00000001.SEC', sec.b)
write('constructed/00000001.PRI', crlf('''! constructed example
MAILMESSAGE,"CCMAIL:Parkes, Pat at SALESPO"
Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Unsent,Body
Inbox,Jon Grande,"Parkes, Pat",,,Lunch,19990301120000,19990301120500,0,TRUE,FALSE,#00000001.SEC(50)
Projects,Jon Grande,"Parkes, Pat",#00000001.SEC(206),,Agenda,19990302090000,19990302090100,1,FALSE,FALSE,#00000001.SEC(103)
,,,,,Notes,,,,,,#00000001.SEC(251)
'''))
write('constructed/CONSTR.PKL', crlf('''1252

Filename,Filetype
00000001.PRI,Primary
00000001.SEC,Secondary
'''))

# ---- sdk/ : the SDK examples of spec 4.2-4.6 ------------------------------

# SALESPO1.SEC holds what the rows of 4.4 and 4.6 point to: 50, 161, 356,
# 575. The SDK's printed texts are abridged (spec 5.5), so bodies are
# padded to the Lengths that make Microsoft's offsets come out exact.
s1 = Sec()
a = s1.section('Body', pad('Pat,\n\nLet\'s make plans for this Friday.\n', 91), True)
b = s1.section('Body', pad('Ali,\n\nHere is my review of Back Office.\n', 70), False)
c = s1.section('Attachment', pad('Review of Back Office\n', 67), True,
               'REVIEW.TXT', '0')
d = s1.section('Body', b'', False)
e = s1.section('Schedule', pad('SCHEDULE+2 EXPORT VERSION 103\nProjects:\n', 161),
               True, 'HOWARDS.SC2', '-1')
f = s1.section('Body', crlf('Solo mission briefing at 0900.\n'), True)
assert (a, b, c, d, e, f) == (50, 161, 252, 356, 376, 575), (a, b, c, d, e, f)
write('sdk/SALESPO1.SEC', s1.b)

# SALESPO2.SEC: the public folder rows point to 693 and 798; before them
# the SDK's Other example (an alias list of exactly 51 bytes) and a free
# document (4.7: zero-length Body, then the Document).
s2 = Sec()
g = s2.section('Other', b'leslied;sallys;marck;louisej;robinh;bobbyq;gregoryc', True)
h = s2.section('Body', b'', False)
i = s2.section('Document', pad('Read me first.\n', 514), True, 'README.TXT', '-1')
j = s2.section('Body', pad('Gamers,\n\nPlans for this Saturday.\n', 85), True)
k = s2.section('Body', crlf('Reviews are due on Monday.\n'), True)
assert (g, h, i, j, k) == (50, 122, 142, 693, 798), (g, h, i, j, k)
write('sdk/SALESPO2.SEC', s2.b)

write('sdk/Directory.pri', crlf('''DIRECTORY
Obj-class,Mode,Common-Name,Display-Name,Last Name,First Name,Secondary-Proxy-Addresses,Home-Server
mailbox,create,ElizaB,Elizabeth Brown,Brown,Elizabeth,MIGRATE:PROFS:Sydney(EBrown),~Server
mailbox,create,PatPa,Pat Parkes,Parkes,Pat,MIGRATE:PROFS:Sydney(PParkes),~Server
'''))

# The PAB header is split as the SDK prints it: "Email-\\" / "Address" and
# "Depart\\" / "ment" (spec 2.5). Rows are verbatim from spec 4.3.
write('sdk/SALESPO1.PRI', crlf('''PAB,MIGRATE:PROFS:SANFRN(HOWARDS)
Obj-class,Display-Name,Email-\\\\
Address,First,Last,Address,City,State,Zip,Country,Title,Company,Depart\\\\
ment,Office,Assistant,Bus-Num,Bus2-Num,Assist-Num,Fax-Num,Home-Num,Home2-Num,Mobile-Num,Pager-Num,Note
entry,Pat Parkes,SMTP:patp@litware.com,Pat,Parkes,,,,,,,"Litware, Inc.",,,,,,,,415-555-1212,,,,
entry,Dad,X400:/C=US/A= /P=NWTraders/G=Joe/S=Parkes,,,,,,,,,,,,,,,,,,,,,
dl,My Friends,Dad;Pat Parkes,,,,,,,,,,,,,,,,,,,,,Personal Distribution List of my friends

MAILMESSAGE,PROFS:SANFRAN(HOWARDS)
Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Unsent,Body
Inbox,Pat Parkes,Elizabeth Brown,,,Let's make plans for this Friday,19950321093421,19950321093421,-1,,,#SALESPO1.SEC(50)
Phoenix Project,Pat Parkes,Ali Gobi,,,Review of Back Office,19950321063321,19950321063321,,,,#SALESPO1.SEC(161)
Filed Mail\\FYI,Jon Grande,Gamers[SMTP:gamers@Litware.com],,,Solo Mission,19950218234539,19950218234539,,,,#SALESPO1.SEC(575)
,Howard Snyder,Howard Snyder,,,Schedule+,19951005022543,,1,TRUE,,#SALESPO1.SEC(356)
'''))

write('sdk/Public.pri', crlf('''MAILMESSAGE,PublicMessages
Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Unsent,Body
Social\\Gamers,Pat Parkes,Games Groups,,,Plans for this Saturday,19950320092421,19950320092421,-1,,,#SALESPO2.SEC(693)
Business\\Phoenix Project,Karl Buhl,Phoenix Project,,,Reviews,19950320093221,19950320093221,,,,#SALESPO2.SEC(798)
'''))

# The packing list as KB Q177418 shows it edited: a comment before the
# code page (spec 2.1, 3.1).
write('sdk/SALESPO.PKL', crlf('''! CodePage
850

Filename,Filetype
Directory.pri,Primary
SALESPO1.PRI,Primary
Public.pri,Primary
SALESPO1.SEC,Secondary
SALESPO2.SEC,Secondary
'''))
