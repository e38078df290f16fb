DIRECTORY
Obj-class,Mode,Common-Name,Display-Name,Last Name,First Name,Secondary-Proxy-Addresses,Home-Server
mailbox,create,ElizaB,Elizabeth Brown,Brown,Elizabeth,MIGRATE:PROFS:Sydney(EBrown),~Server
mailbox,create,PatPa,Pat Parkes,Parkes,Pat,MIGRATE:PROFS:Sydney(PParkes),~Server
