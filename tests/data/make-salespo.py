#!/usr/bin/env python3
# make-salespo.py: writes the hand-made fixture bundle tests/data/salespo/
# from the examples of the input spec (the worked example byte for byte).
# The bundle is committed; run this only to change it.
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'salespo')


def write(rel, data):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.replace('\n', '\r\n').encode('cp850')
    with open(path, 'wb') as f:
        f.write(data)


def message(headers, items):
    """A message block with exact counts (spec 2.2); headers is CP850 text."""
    contents = b''
    for keyword, data in items:
        contents += keyword + b'\r\n' + str(len(data)).encode() + b'\r\n' + data + b'\r\n'
    block = (headers.replace('\n', '\r\n').encode('cp850') + b'Contents:\r\n' +
             str(len(contents)).encode() + b'\r\n' + contents)
    return b'Message:\r\n' + str(len(block)).encode() + b'\r\n' + block


write('po.txt', """; SALESPO as the site's export run left it
Post office: SALESPO
Database: DB8                ; DB6 | DB8
Code page: 850
Date order: MDY
Time zone: America/New_York
Attachments: RAW
Item sizes: yes
Directory: directory.exp
Lists: lists.exp
Mailbox: Grewal, Jeff = mail/grewal.exp
Mailbox: SMITH, JOHN = mail/smith.exp
Mailbox: Ghost, Gary = mail/ghost.exp
Private: Smith, John = pab/smith.exp
Bulletin board: Social = bboards/social.exp
""")

write('directory.exp', """Name: Smith, John
Location: L
Addr: SALESPO
Comments: jsmith;43/3019;(425) 936-1111

Name: Doe, Jane
Location: L
Comments: jdoe;43/3020;(425) 936-1112

Name: Grewal, Jeff
Location: L

Name: Müller, Jürgen
Location: R

Name: Admin
Location: l
Addr: HUBPO2

Name: HUBPO2
Location: P

Name: FARPO
Location: p

Name: Parkes, Joe
Location: r
Addr: FARPO

Name: Sales
Location: A
""")

write('lists.exp', """List: Sales Team
Comments: everyone in sales
Member: Smith, John at SALESPO
Member: Doe, Jane
Member: Müller, Jürgen
""")

write('pab/smith.exp', """Entry: Dad
Addr: Parkes, Joe at FARPO
Comments: home

List: My Friends
Member: Dad
Member: Grande, Jon at SALESPO
""")

WORKED = (b"Message:\r\n196\r\nFrom: Grewal, Jeff at HUB\r\nDate: 6/2/98 8:39\r\n"
          b"To: Admin at HUBPO2\r\nSubject: Another message\r\nContents:\r\n88\r\n"
          b"Text item:\r\n26\r\nThis is the message body\r\n\r\n"
          b"File item: NOTE.TXT 6/1/98 5:02PM\r\n4\r\nhi\r\n\r\n"
          b"Message:\r\n133\r\nFrom: Admin at HUBPO2\r\nDate: 6/3/98 9:00\r\n"
          b"To: Grewal, Jeff at HUB\r\nSubject: Re: Another message\r\nContents:\r\n21\r\n"
          b"Text item:\r\n6\r\nThanks")
assert len(WORKED) == 359
write('mail/grewal.exp', WORKED)

smith = [
    message("From: Müller, Jürgen\nDate: 12/31/99 11:59PM\n"
            "To: Smith, John, Doe, Jane\nSubject: Grüße zum Jahr 2000\n",
            [(b'Text item:', 'Schöne Grüße!\r\n'.encode('cp850'))]),
    message("From: Smith, John\nDate: 1/1/00 0:05\nTo: Müller, Jürgen\n"
            "Folder: Message Log\nRRT: Smith, John at SALESPO\nSubject: Re: Grüße\n",
            [(b'Text item:', b'Danke\r\n'),
             (b'File item: budget.wk4 5/6/97 3:10PM', bytes(range(256)))]),
    message("From: Doe, Jane at SALESPO\nDate: 2/31/99 10:00\nTo: Smith, John\n"
            "Folder: Projects\\1999\nStatus: Unread\nSubject: [draft] plan\n",
            [(b'Text item:', b'')]),
]
write('mail/smith.exp', b'\r\n'.join(smith))
write('mail/ghost.exp', message("Subject: nobody\n", [(b'Text item:', b'x')]))
write('bboards/social.exp',
      message("From: Smith, John\nDate: 1/1/01 12:00PM\nTo: #Social\nSubject: Party\n",
              [(b'Text item:', b'Friday!')]))
