package io.tapwire.streams.l7.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

import org.junit.jupiter.api.Test;

class StatementNormalizerTest {

    private static String pg(String sql) {
        return StatementNormalizer.POSTGRES.normalize(sql);
    }

    private static String my(String sql) {
        return StatementNormalizer.MYSQL.normalize(sql);
    }

    @Test
    void pgbenchsStatementsInPreparedAndSimpleModeReadTheSame() {
        // pgbench -M prepared sends parameters; -M simple substitutes the variables' values into the text.
        assertThat(pg("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;"))
                .isEqualTo("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;");
        assertThat(pg("UPDATE pgbench_accounts SET abalance = abalance + -2471 WHERE aid = 54321;"))
                .isEqualTo("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?;");
        assertThat(pg("UPDATE pgbench_tellers SET tbalance = tbalance + 3820 WHERE tid = 7;"))
                .isEqualTo("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?;");
        assertThat(pg("SELECT abalance FROM pgbench_accounts WHERE aid = 54321;"))
                .isEqualTo("SELECT abalance FROM pgbench_accounts WHERE aid = ?;");
        assertThat(pg("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                + "VALUES (7, 1, 54321, -2471, CURRENT_TIMESTAMP);"))
                .isEqualTo("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                        + "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP);");
        assertThat(pg("insert into pgbench_branches(bid,bbalance) values(1,0)"))
                .isEqualTo("insert into pgbench_branches(bid,bbalance) values(?,?)");
        assertThat(pg("BEGIN;")).isEqualTo("BEGIN;");
    }

    @Test
    void hibernatesAliasesAndParametersStayAndItsInlinedValuesGo() {
        assertThat(pg("select u1_0.id,u1_0.email,u1_0.name from users u1_0 where u1_0.id=?"))
                .isEqualTo("select u1_0.id,u1_0.email,u1_0.name from users u1_0 where u1_0.id=?");
        assertThat(pg("select o1_0.id from orders o1_0 where o1_0.status in ('NEW','PAID') and o1_0.total>100.50"))
                .isEqualTo("select o1_0.id from orders o1_0 where o1_0.status in (?) and o1_0.total>?");
        assertThat(my("select user0_.id as id1_0_, user0_.name as name2_0_ from users user0_ "
                + "where user0_.id in (?, ?, ?)"))
                .isEqualTo("select user0_.id as id1_0_, user0_.name as name2_0_ from users user0_ "
                        + "where user0_.id in (?)");
        assertThat(pg("insert into orders (created_at,customer_id,total,id) values (?,?,?,?)"))
                .isEqualTo("insert into orders (created_at,customer_id,total,id) values (?,?,?,?)");
    }

    @Test
    void activeRecordsQueriesLoseTheirLiteralsAndMarginaliaComments() {
        assertThat(pg("SELECT \"users\".* FROM \"users\" WHERE \"users\".\"id\" = $1 LIMIT $2 "
                + "/*application:Blog,controller:users,action:show*/"))
                .isEqualTo("SELECT \"users\".* FROM \"users\" WHERE \"users\".\"id\" = $1 LIMIT $2");
        assertThat(pg("SELECT \"users\".* FROM \"users\" WHERE \"users\".\"email\" = 'ada@example.com' LIMIT 1"))
                .isEqualTo("SELECT \"users\".* FROM \"users\" WHERE \"users\".\"email\" = ? LIMIT ?");
        assertThat(my("SELECT `posts`.* FROM `posts` WHERE `posts`.`author_id` IN (1, 2, 3) "
                + "ORDER BY `posts`.`created_at` DESC LIMIT 20"))
                .isEqualTo("SELECT `posts`.* FROM `posts` WHERE `posts`.`author_id` IN (?) "
                        + "ORDER BY `posts`.`created_at` DESC LIMIT ?");
        // pgjdbc turns JDBC's ? into $n: the list's length must not make a new statement.
        assertThat(pg("select * from users where id in ($1, $2, $3) and status = $4"))
                .isEqualTo("select * from users where id in (?) and status = $4");
    }

    @Test
    void aMultiRowInsertKeepsItsFirstRow() {
        assertThat(pg("INSERT INTO events (id, kind, payload) VALUES (1, 'click', '{\"x\": 1}'), (2, 'view', NULL), "
                + "(3, 'buy', '{}') RETURNING id"))
                .isEqualTo("INSERT INTO events (id, kind, payload) VALUES (?, ?, ?) RETURNING id");
        assertThat(pg("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b"))
                .isEqualTo("INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b");
        assertThat(my("INSERT INTO t VALUES (1, CONCAT('a)', 'b')),(2, CONCAT('(', 'c')) ,  (3, NOW())"))
                .isEqualTo("INSERT INTO t VALUES (?, CONCAT(?, ?))");
        assertThat(my("INSERT INTO t (a,b) VALUES (1,2),(3,4) ON DUPLICATE KEY UPDATE b = VALUES(b)"))
                .isEqualTo("INSERT INTO t (a,b) VALUES (?,?) ON DUPLICATE KEY UPDATE b = VALUES(b)");
        assertThat(my("INSERT INTO t (a,b,c) VALUES (1,2,3),(4,5,6) "
                + "ON DUPLICATE KEY UPDATE b = VALUES(b), c = VALUES(c)"))
                .isEqualTo("INSERT INTO t (a,b,c) VALUES (?,?,?) ON DUPLICATE KEY UPDATE b = VALUES(b), c = VALUES(c)");
        assertThat(my("INSERT INTO t (a) VALUE (1), (2)")).isEqualTo("INSERT INTO t (a) VALUE (?)");
        assertThat(pg("SELECT * FROM t WHERE (a, b) IN (VALUES (1, 2), (3, 4))"))
                .isEqualTo("SELECT * FROM t WHERE (a, b) IN (VALUES (?, ?))");
        assertThat(pg("SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS t (num, letter)"))
                .isEqualTo("SELECT * FROM (VALUES (?, ?)) AS t (num, letter)");
    }

    @Test
    void aCommaAfterTheRowsThatStartsNoRowIsKept() {
        assertThat(pg("SELECT * FROM (VALUES (1)) v ,w")).isEqualTo("SELECT * FROM (VALUES (?)) v ,w");
        assertThat(pg("VALUES (1) ,x")).isEqualTo("VALUES (?) ,x");
        // MySQL 8's row constructors are not folded.
        assertThat(my("VALUES ROW(1, 2), ROW(3, 4)")).isEqualTo("VALUES ROW(?, ?), ROW(?, ?)");
    }

    @Test
    void inListsOfValuesFoldButListsOfAnythingElseStay() {
        assertThat(pg("SELECT * FROM t WHERE x NOT IN ( 1 , 'a' , $3 , -4.5 )"))
                .isEqualTo("SELECT * FROM t WHERE x NOT IN (?)");
        assertThat(pg("SELECT * FROM t WHERE x IN(1,2)")).isEqualTo("SELECT * FROM t WHERE x IN(?)");
        assertThat(pg("SELECT * FROM t WHERE x in (7)")).isEqualTo("SELECT * FROM t WHERE x in (?)");
        assertThat(pg("SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE x IN (1,2))"))
                .isEqualTo("SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE x IN (?))");
        assertThat(pg("SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))"))
                .isEqualTo("SELECT * FROM t WHERE (a, b) IN ((?, ?), (?, ?))");
        assertThat(pg("SELECT * FROM t WHERE x IN (1, NULL)")).isEqualTo("SELECT * FROM t WHERE x IN (?, NULL)");
        assertThat(pg("SELECT * FROM t WHERE x in (lower('A'), 'b')"))
                .isEqualTo("SELECT * FROM t WHERE x in (lower(?), ?)");
        assertThat(pg("SELECT * FROM t WHERE x IN ()")).isEqualTo("SELECT * FROM t WHERE x IN ()");
        assertThat(pg("SELECT min, max FROM t WHERE x IN (1, 2) AND y IN ('a') AND z IN (3)"))
                .isEqualTo("SELECT min, max FROM t WHERE x IN (?) AND y IN (?) AND z IN (?)");
    }

    @Test
    void postgresStringsInEveryForm() {
        assertThat(pg("SELECT 'it''s', E'it\\'s \\\\ ok', 'C:\\', U&'d\\0061t', N'nat', B'0101', X'1F'"))
                .isEqualTo("SELECT ?, ?, ?, ?, ?, ?, ?");
        assertThat(pg("SELECT now() - interval '5 minutes', DATE '2024-01-01', '1'::int, 'a' 'b'"))
                .isEqualTo("SELECT now() - interval ?, DATE ?, ?::int, ? ?");
        assertThat(pg("SELECT 'a -- not a comment', 'b /* nor this */', 'c '' d' FROM t"))
                .isEqualTo("SELECT ?, ?, ? FROM t");
    }

    @Test
    void backslashesEscapeInMysqlStringsOnly() {
        String sql = "SELECT * FROM t WHERE path = 'C:\\' AND id = 1";
        assertThat(pg(sql)).isEqualTo("SELECT * FROM t WHERE path = ? AND id = ?");
        assertThat(my(sql)).as("the string runs on past \\'").isEqualTo("SELECT * FROM t WHERE path = ?");
        assertThat(my("SELECT * FROM t WHERE a = 'it\\'s' AND b = 'x''y' AND c = 'z\\\\'"))
                .isEqualTo("SELECT * FROM t WHERE a = ? AND b = ? AND c = ?");
    }

    @Test
    void doubleQuotesNameInPostgresAndQuoteStringsInMysql() {
        assertThat(pg("SELECT \"Name\", \"weird \"\"quoted\"\" id\" FROM \"Users\" WHERE \"Name\" = 'x'"))
                .isEqualTo("SELECT \"Name\", \"weird \"\"quoted\"\" id\" FROM \"Users\" WHERE \"Name\" = ?");
        assertThat(my("SELECT * FROM users WHERE name = \"O\\\"Brien\" OR name = \"say \"\"hi\"\"\""))
                .isEqualTo("SELECT * FROM users WHERE name = ? OR name = ?");
        assertThat(my("SELECT `weird ``name``` FROM `t` WHERE `c` = 'v'"))
                .isEqualTo("SELECT `weird ``name``` FROM `t` WHERE `c` = ?");
        assertThat(pg("SELECT `x` FROM t")).as("a backtick is no quote in PostgreSQL").isEqualTo("SELECT `x` FROM t");
    }

    @Test
    void dollarQuotedBodiesAreStringsAndDollarNumbersAreParameters() {
        assertThat(pg("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 'a''b'; $x$ $body$ LANGUAGE sql"))
                .isEqualTo("CREATE FUNCTION f() RETURNS int AS ? LANGUAGE sql");
        assertThat(pg("SELECT $$it's$$, $1, $_$x$_$")).isEqualTo("SELECT ?, $1, ?");
        assertThat(pg("SELECT a$1, t1.c$2 FROM t1")).isEqualTo("SELECT a$1, t1.c$2 FROM t1");
        assertThat(my("SELECT $a, $1 FROM t")).as("names in MySQL").isEqualTo("SELECT $a, $1 FROM t");
    }

    @Test
    void numbersInEveryFormButNotDigitsInNames() {
        assertThat(pg("SELECT 42, 3.14, .5, 1e10, 2.5E-3, 0x1F, 0b101, 0o17, 1_000_000, 7. FROM t1 WHERE c2 > 10"))
                .isEqualTo("SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM t1 WHERE c2 > ?");
        assertThat(my("SELECT 1col, t.2nd FROM 3tbl WHERE x = 0xFF AND y = 0xZZ"))
                .isEqualTo("SELECT 1col, t.2nd FROM 3tbl WHERE x = ? AND y = 0xZZ");
        assertThat(pg("SELECT arr[1:2], t.c1 FROM t")).isEqualTo("SELECT arr[?:?], t.c1 FROM t");
        assertThat(pg("SELECT 5.5$1, '1'.5")).as("a value and its ? are judged alike").isEqualTo("SELECT ?$1, ??");
    }

    @Test
    void aSignIsPartOfTheNumberOnlyWhereItCannotBeAMinus() {
        assertThat(pg("SELECT a-1, a - 1, a = -1, (-2), f(-3.5, +4), b -.5, (c) -6 FROM t"))
                .isEqualTo("SELECT a-?, a - ?, a = ?, (?), f(?, ?), b -?, (c) -? FROM t");
        assertThat(pg("-1")).isEqualTo("?");
        assertThat(my("SELECT 5--1")).as("no comment: -- must be followed by a space in MySQL").isEqualTo("SELECT ?-?");
        assertThat(pg("SELECT 5--1")).isEqualTo("SELECT ?");
    }

    @Test
    void parametersAndCastsStayAsWritten() {
        assertThat(pg("SELECT * FROM t WHERE a = :name AND b = ? AND c = $12 AND d::text = 'x' AND e = :_p1"))
                .isEqualTo("SELECT * FROM t WHERE a = :name AND b = ? AND c = $12 AND d::text = ? AND e = :_p1");
        assertThat(my("SELECT @rank := @rank + 1, @@session.sql_mode FROM t"))
                .isEqualTo("SELECT @rank := @rank + ?, @@session.sql_mode FROM t");
    }

    @Test
    void booleansAndNullStayAsKeywordsInTheirOwnCase() {
        assertThat(pg("UPDATE t SET active = TRUE, deleted_at = NULL WHERE flag = false AND n IS NOT null"))
                .isEqualTo("UPDATE t SET active = TRUE, deleted_at = NULL WHERE flag = false AND n IS NOT null");
        assertThat(pg("select * from T where X = 1")).isEqualTo("select * from T where X = ?");
    }

    @Test
    void postgresOperatorsStay() {
        assertThat(pg("SELECT data->>'name', data #> '{a,b}', data ? 'key' FROM docs WHERE (data->'n')::int > 5"))
                .isEqualTo("SELECT data->>?, data #> ?, data ? ? FROM docs WHERE (data->?)::int > ?");
    }

    @Test
    void commentsGoAndBecomeOneSpace() {
        assertThat(pg("/* leading */ SELECT a, /* inline */ b-- end\n"
                + "FROM t /* nested /* inner */ still */ WHERE c = 1"))
                .isEqualTo("SELECT a, b FROM t WHERE c = ?");
        assertThat(pg("SELECT a/**/FROM t")).isEqualTo("SELECT a FROM t");
        assertThat(my("SELECT /*+ MAX_EXECUTION_TIME(1000) */ a # comment\n"
                + "FROM t WHERE b = 5 -- c\n/*!40101 x */"))
                .isEqualTo("SELECT a FROM t WHERE b = ?");
        assertThat(my("SELECT a /* one /* two */ FROM t")).as("MySQL comments do not nest")
                .isEqualTo("SELECT a FROM t");
        assertThat(pg("SELECT a /* one /* two */ FROM t")).as("PostgreSQL's do").isEqualTo("SELECT a");
        assertThat(pg("SELECT a # b FROM t")).as("# is an operator in PostgreSQL").isEqualTo("SELECT a # b FROM t");
        assertThat(my("SELECT 1 --")).as("nothing follows the dashes").isEqualTo("SELECT ? --");
        assertThat(my("SELECT a--/* c */b")).as("no space may turn the dashes into a comment")
                .isEqualTo("SELECT a--b");
    }

    @Test
    void whiteSpaceIsCollapsedAndTrimmed() {
        assertThat(pg("  SELECT\n\t a ,\r\n  b\n FROM   t  \n")).isEqualTo("SELECT a , b FROM t");
        assertThat(pg("BEGIN; SELECT 1;  COMMIT;")).isEqualTo("BEGIN; SELECT ?; COMMIT;");
    }

    @Test
    void emptyAndNull() {
        assertThat(pg(null)).isNull();
        assertThat(pg("")).isEmpty();
        assertThat(pg(" \n\t ")).isEmpty();
        assertThat(pg("-- only a comment")).isEmpty();
        assertThat(my("# only a comment\n/* and another */")).isEmpty();
    }

    @Test
    void unicodeNamesStayAndUnicodeStringsGo() {
        assertThat(pg("SELECT * FROM \"Straße\" WHERE name = 'Jürgen 😀' AND café_id = 7 AND ключ = 'значение'"))
                .isEqualTo("SELECT * FROM \"Straße\" WHERE name = ? AND café_id = ? AND ключ = ?");
        assertThat(my("SELECT * FROM t WHERE a = _utf8mb4'ü' COLLATE utf8mb4_bin AND b = X'0A' AND c = b'1'"))
                .isEqualTo("SELECT * FROM t WHERE a = ? COLLATE utf8mb4_bin AND b = ? AND c = ?");
    }

    @Test
    void aStatementCutByTheCaptureIsNormalisedAsFarAsItGoes() {
        assertThat(pg("SELECT * FROM users WHERE name = 'Rob")).isEqualTo("SELECT * FROM users WHERE name = ?");
        assertThat(my("SELECT * FROM users WHERE name = 'Rob\\")).isEqualTo("SELECT * FROM users WHERE name = ?");
        assertThat(pg("INSERT INTO t VALUES (1, 'a'), (2, 'b")).isEqualTo("INSERT INTO t VALUES (?, ?)");
        assertThat(pg("INSERT INTO t VALUES (1, 'a'), ")).isEqualTo("INSERT INTO t VALUES (?, ?)");
        assertThat(pg("INSERT INTO t VALUES (1, 'a")).isEqualTo("INSERT INTO t VALUES (?, ?");
        assertThat(pg("SELECT * FROM t WHERE id IN (1, 2, 3, 4")).isEqualTo("SELECT * FROM t WHERE id IN (?");
        assertThat(pg("SELECT * FROM t WHERE id IN (1, 2,")).isEqualTo("SELECT * FROM t WHERE id IN (?");
        assertThat(pg("SELECT * FROM t WHERE id IN (")).isEqualTo("SELECT * FROM t WHERE id IN (");
        assertThat(pg("SELECT * FROM t WHERE id IN (1, 2 /* cut")).isEqualTo("SELECT * FROM t WHERE id IN (?");
        assertThat(pg("SELECT 1 /* cut")).isEqualTo("SELECT ?");
        assertThat(pg("SELECT $$ body")).isEqualTo("SELECT ?");
        assertThat(pg("SELECT \"unterminated  name")).isEqualTo("SELECT \"unterminated  name");
    }

    @Test
    void longStatementsAreCutWithAnEllipsis() {
        StatementNormalizer short20 = StatementNormalizer.POSTGRES.withMaxLength(20);
        assertThat(short20.normalize("SELECT aaaaaaaaaa, bbbbbbbbbb FROM t")).isEqualTo("SELECT aaaaaaaaaa,…");
        assertThat(StatementNormalizer.POSTGRES.withMaxLength(8).normalize("SELECT 1")).isEqualTo("SELECT ?");
        assertThat(StatementNormalizer.POSTGRES.withMaxLength(8).normalize("SELECT 12, 3")).isEqualTo("SELECT…");
        assertThat(StatementNormalizer.POSTGRES.withMaxLength(11).normalize("SELECT 😀😀😀"))
                .as("a surrogate pair is never split").isEqualTo("SELECT 😀…");
        assertThat(StatementNormalizer.POSTGRES.withMaxLength(1).normalize("SELECT 1")).isEqualTo("…");
        assertThat(StatementNormalizer.POSTGRES.maxLength()).isEqualTo(1024);
        assertThatThrownBy(() -> StatementNormalizer.POSTGRES.withMaxLength(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCapDoesNotStopLongListsFromFolding() {
        StringJoiner ids = new StringJoiner(", ", "SELECT * FROM t WHERE id IN (", ") AND x = 1");
        StringJoiner rows = new StringJoiner(", ", "INSERT INTO t (a, b) VALUES ", " RETURNING a");
        for (int i = 0; i < 10_000; i++) {
            ids.add(Integer.toString(i));
            rows.add("(" + i + ", 'row " + i + "')");
        }
        StatementNormalizer short64 = StatementNormalizer.POSTGRES.withMaxLength(64);
        assertThat(short64.normalize(ids.toString())).isEqualTo("SELECT * FROM t WHERE id IN (?) AND x = ?");
        assertThat(short64.normalize(rows.toString())).isEqualTo("INSERT INTO t (a, b) VALUES (?, ?) RETURNING a");
        String longStatement = "SELECT " + "a, ".repeat(1000) + "b FROM t";
        String normalized = StatementNormalizer.MYSQL.normalize(longStatement);
        assertThat(normalized).hasSize(1024).startsWith("SELECT a, a, ").endsWith(",…");
    }

    @Test
    void anyTextNormalisesWithinTheCapAndNormalisingAgainChangesNothing() {
        List<String> fragments = List.of("SELECT", "select", " ", "\n", "a", "t1", "\"q\"\"n\"", "`b`", "'s''t'",
                "'\\'", "E'x\\'y'", "\"s\\\"\"", "$$d$$", "$t$x$t$", "$1", "?", ":p", "::int", "42", "-7", ".5",
                "1e-3", "0x1F", "+", "-", "--", "-- c\n", "# c\n", "/*", "*/", "/* c */", "(", ")", ",", ";", "=",
                "IN", "in", "VALUES", "value", "NULL", "TRUE", "é", "😀", "…", "'", "\"", "`", "$", "\\", "#");
        Random random = new Random(20240611);
        for (StatementNormalizer dialect : List.of(StatementNormalizer.POSTGRES, StatementNormalizer.MYSQL)) {
            for (int maxLength : new int[] {1024, 24}) {
                StatementNormalizer normalizer = dialect.withMaxLength(maxLength);
                for (int i = 0; i < 20_000; i++) {
                    StringBuilder sql = new StringBuilder();
                    int parts = random.nextInt(30);
                    for (int j = 0; j < parts; j++) {
                        sql.append(fragments.get(random.nextInt(fragments.size())));
                    }
                    String once = normalizer.normalize(sql.toString());
                    assertThat(once.length()).as("%s", sql).isLessThanOrEqualTo(maxLength);
                    if (maxLength == 1024) {
                        assertThat(normalizer.normalize(once)).as("%s → %s", sql, once).isEqualTo(once);
                    }
                }
            }
        }
    }
}
