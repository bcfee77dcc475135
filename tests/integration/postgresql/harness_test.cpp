// Proves the throwaway PostgreSQL server (tests/support/postgresql-server.sh,
// ctest fixture postgresql_server) with raw, synchronous libpq: the URL file,
// scram-sha-256 over TCP, the md5 role, the unix socket directory, and the
// engine suite's fresh_url().

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "suite/suite.hpp"

#include <libpq-fe.h>

namespace asyncsql::test {
namespace {

struct ConnectionDeleter {
    void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
};
struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, ConnectionDeleter>;
using Result = std::unique_ptr<PGresult, ResultDeleter>;

const std::filesystem::path url_file = ASYNCSQL_TEST_PG_URL_FILE;

std::string read_url() {
    std::ifstream in(url_file);
    std::string url;
    std::getline(in, url);
    return url;
}

// "postgresql://asyncsql:asyncsql-test@127.0.0.1:PORT/asyncsql" -> "PORT"
std::string port_of(const std::string& url) {
    const auto at = url.rfind('@');
    const auto colon = url.find(':', at);
    const auto slash = url.find('/', colon);
    return url.substr(colon + 1, slash - colon - 1);
}

Connection connect(const std::string& conninfo) {
    return Connection(PQconnectdb(conninfo.c_str()));
}

// The single value of a one-row, one-column query.
std::string query_value(PGconn* connection, const char* sql) {
    Result result(PQexec(connection, sql));
    if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) {
        ADD_FAILURE() << sql << ": " << PQerrorMessage(connection);
        return {};
    }
    return PQgetvalue(result.get(), 0, 0);
}

class PostgresqlHarness : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(url_file)) << url_file;
        url = read_url();
        ASSERT_EQ(url.rfind("postgresql://asyncsql:asyncsql-test@127.0.0.1:", 0), 0u) << url;
        port = port_of(url);
        ASSERT_FALSE(port.empty()) << url;
    }

    std::string url;
    std::string port;
};

TEST_F(PostgresqlHarness, UrlConnectsWithScram) {
    Connection connection = connect(url);
    ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
    EXPECT_TRUE(PQconnectionUsedPassword(connection.get()));
    EXPECT_EQ(query_value(connection.get(), "SHOW password_encryption"), "scram-sha-256");
    EXPECT_EQ(query_value(connection.get(), "SELECT current_user"), "asyncsql");
    EXPECT_EQ(query_value(connection.get(), "SELECT current_database()"), "asyncsql");
    // The role's password is a SCRAM verifier, and the rule for 127.0.0.1 says scram.
    EXPECT_EQ(query_value(connection.get(),
                          "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'asyncsql'"),
              "SCRAM-SHA-256$");
    EXPECT_EQ(query_value(connection.get(),
                          "SELECT auth_method FROM pg_hba_file_rules "
                          "WHERE type = 'host' AND 'all' = ANY(database) AND 'all' = ANY(user_name) "
                          "AND address = '127.0.0.1'"),
              "scram-sha-256");
    // What the tests rely on: superuser (pg_terminate_backend), CREATEDB, room for pools.
    EXPECT_EQ(query_value(connection.get(),
                          "SELECT rolsuper::text || rolcreatedb::text FROM pg_roles "
                          "WHERE rolname = current_user"),
              "truetrue");
    EXPECT_EQ(query_value(connection.get(), "SHOW max_connections"), "200");
    EXPECT_EQ(query_value(connection.get(), "SHOW server_encoding"), "UTF8");
}

TEST_F(PostgresqlHarness, WrongPasswordIsRefused) {
    Connection connection =
        connect("host=127.0.0.1 port=" + port + " dbname=asyncsql user=asyncsql password=wrong");
    EXPECT_EQ(PQstatus(connection.get()), CONNECTION_BAD);
    EXPECT_NE(std::string(PQerrorMessage(connection.get())).find("password authentication failed"),
              std::string::npos)
        << PQerrorMessage(connection.get());
}

TEST_F(PostgresqlHarness, Md5RoleLogsInWithMd5OverTcp) {
    Connection connection = connect("postgresql://asyncsql_md5:asyncsql-test@127.0.0.1:" + port +
                                    "/asyncsql");
    ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
    EXPECT_TRUE(PQconnectionUsedPassword(connection.get()));
    EXPECT_EQ(query_value(connection.get(), "SELECT current_user"), "asyncsql_md5");

    // Its password is stored as md5, and its pg_hba.conf rule (before the scram
    // one) says md5: so the server asked for an md5 password.
    Connection admin = connect(url);
    ASSERT_EQ(PQstatus(admin.get()), CONNECTION_OK) << PQerrorMessage(admin.get());
    EXPECT_EQ(query_value(admin.get(),
                          "SELECT left(rolpassword, 3) FROM pg_authid WHERE rolname = 'asyncsql_md5'"),
              "md5");
    EXPECT_EQ(query_value(admin.get(),
                          "SELECT auth_method FROM pg_hba_file_rules "
                          "WHERE 'asyncsql_md5' = ANY(user_name) ORDER BY line_number LIMIT 1"),
              "md5");
    EXPECT_EQ(query_value(admin.get(),
                          "SELECT bool_and(r.line_number < s.line_number)::text "
                          "FROM pg_hba_file_rules r, pg_hba_file_rules s "
                          "WHERE 'asyncsql_md5' = ANY(r.user_name) "
                          "AND s.auth_method = 'scram-sha-256' AND s.type = 'host'"),
              "true");

    Connection wrong = connect("host=127.0.0.1 port=" + port +
                               " dbname=asyncsql user=asyncsql_md5 password=wrong");
    EXPECT_EQ(PQstatus(wrong.get()), CONNECTION_BAD);
}

TEST_F(PostgresqlHarness, UnixSocketDirectoryWorks) {
    const std::string socket_dir = url_file.parent_path().string();
    ASSERT_TRUE(std::filesystem::exists(socket_dir + "/.s.PGSQL." + port)) << socket_dir;

    // URL form, as the driver's tests will spell it: ?host=DIR.
    Connection connection =
        connect("postgresql://asyncsql@/asyncsql?host=" + socket_dir + "&port=" + port);
    ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
    EXPECT_EQ(std::string(PQhost(connection.get())), socket_dir);
    // A unix socket has no client address.
    EXPECT_EQ(query_value(connection.get(), "SELECT coalesce(inet_client_addr()::text, 'unix')"), "unix");
    EXPECT_EQ(query_value(connection.get(), "SELECT current_user"), "asyncsql");
}

TEST_F(PostgresqlHarness, TcpConnectionIsOnLoopback) {
    Connection connection = connect(url);
    ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
    EXPECT_EQ(query_value(connection.get(), "SELECT host(inet_client_addr())"), "127.0.0.1");
    EXPECT_EQ(query_value(connection.get(), "SHOW listen_addresses"), "127.0.0.1");
}

TEST_F(PostgresqlHarness, FreshUrlGivesNewEmptyDatabases) {
    const BackendUnderTest& backend = backend_under_test();
    EXPECT_EQ(backend.name, "postgresql");
    EXPECT_EQ(backend.autoincrement_pk, "BIGSERIAL PRIMARY KEY");

    std::set<std::string> databases;
    for (int i = 0; i < 3; ++i) {
        const std::string fresh = backend.fresh_url();
        ASSERT_EQ(fresh.rfind("postgresql://asyncsql:asyncsql-test@127.0.0.1:" + port + "/asyncsql_t", 0),
                  0u)
            << fresh;
        Connection connection = connect(fresh);
        ASSERT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
        databases.insert(query_value(connection.get(), "SELECT current_database()"));
        EXPECT_EQ(query_value(connection.get(),
                              "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                              "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"),
                  "0");
        Result created(PQexec(connection.get(), "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, v TEXT)"));
        EXPECT_EQ(PQresultStatus(created.get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());
    }
    EXPECT_EQ(databases.size(), 3u);
}

}  // namespace
}  // namespace asyncsql::test
