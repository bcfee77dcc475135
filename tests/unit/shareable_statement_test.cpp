// Which statements automatic pipelining may run on a shared connection.

#include <gtest/gtest.h>

#include "engine/shareable_statement.hpp"

namespace asyncsql::detail {
namespace {

TEST(ShareableStatement, ReadsAndWritesThatLeaveNothingOnTheSession) {
    for (const char* sql : {"SELECT 1", "select * from t", "INSERT INTO t VALUES (1)", "update t set a = 1",
                            "DELETE FROM t", "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1), (2)",
                            "TABLE t", "MERGE INTO t USING s ON true WHEN MATCHED THEN DO NOTHING",
                            "  \n\t(SELECT 1) UNION (SELECT 2)", "-- why\nSELECT 1", "/* hint */ SELECT 1",
                            "/* a */ -- b\n ( /* c */ select 1)"})
        EXPECT_TRUE(shareable_statement(sql)) << sql;
}

TEST(ShareableStatement, SessionStatementsDdlAndUnknownTextKeepTheConnection) {
    for (const char* sql : {"SET search_path = x", "RESET ALL", "LISTEN ch", "UNLISTEN *", "PREPARE p AS SELECT 1",
                            "DEALLOCATE p", "DECLARE c CURSOR FOR SELECT 1", "CREATE TEMP TABLE t (a int)",
                            "CREATE TABLE t (a int)", "BEGIN", "COMMIT", "LOCK TABLE t", "DISCARD ALL",
                            "SELECTED", "SELECTx 1", "", "   ", "-- only a comment", "/* unterminated",
                            "COPY t FROM STDIN", "DO $$ BEGIN END $$", "CALL p()", "SHOW search_path"})
        EXPECT_FALSE(shareable_statement(sql)) << sql;
}

}  // namespace
}  // namespace asyncsql::detail
