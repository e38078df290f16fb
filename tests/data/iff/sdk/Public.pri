MAILMESSAGE,PublicMessages
Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Unsent,Body
Social\Gamers,Pat Parkes,Games Groups,,,Plans for this Saturday,19950320092421,19950320092421,-1,,,#SALESPO2.SEC(693)
Business\Phoenix Project,Karl Buhl,Phoenix Project,,,Reviews,19950320093221,19950320093221,,,,#SALESPO2.SEC(798)
