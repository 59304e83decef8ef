#!/usr/bin/perl
# A real client of the binary protocol for the mysql parser's fixture binary-protocol.jsonl: DBD::MariaDB (Debian's
# libdbd-mariadb-perl, over libmariadb) with server-side prepared statements, so that it sends COM_STMT_PREPARE,
# COM_STMT_EXECUTE and COM_STMT_CLOSE. Usage: perl binary-protocol.pl PORT
use strict;
use warnings;
use DBI;

my $port = shift or die "usage: $0 PORT\n";
my $dbh = DBI->connect("DBI:MariaDB:database=tapwire;host=127.0.0.1;port=$port;mariadb_server_prepare=1",
    'tapwire', 'tapwire-secret', { RaiseError => 0, PrintError => 1 }) or die $DBI::errstr;
my $sth = $dbh->prepare('SELECT ? + 1 AS n');
for my $i (1 .. 3) {
    $sth->execute($i);
    while (my @row = $sth->fetchrow_array) {
        print "@row\n";
    }
}
undef $sth;
$dbh->prepare('SELECT * FROM no_such_table');
$dbh->disconnect;
