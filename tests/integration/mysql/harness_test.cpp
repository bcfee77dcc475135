// Proves the throwaway MariaDB server (tests/support/mariadb-server.sh, ctest
// fixture mysql_server) with the raw, synchronous MariaDB C API: the URL file, TCP
// on 127.0.0.1, the unix socket, the test user's privileges (CREATE DATABASE,
// KILL, PROCESS), the server's version and defaults, the engine suite's
// fresh_url(), and the suite's text_allows_nul flag (mysql_backend_under_test.cpp).

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "suite/suite.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

namespace asyncsql::test {
namespace {

struct ConnectionDeleter {
    void operator()(MYSQL* connection) const noexcept { mysql_close(connection); }
};
struct ResultDeleter {
    void operator()(MYSQL_RES* result) const noexcept { mysql_free_result(result); }
};
struct StatementDeleter {
    void operator()(MYSQL_STMT* statement) const noexcept { mysql_stmt_close(statement); }
};
using Connection = std::unique_ptr<MYSQL, ConnectionDeleter>;
using Result = std::unique_ptr<MYSQL_RES, ResultDeleter>;
using Statement = std::unique_ptr<MYSQL_STMT, StatementDeleter>;

const std::filesystem::path url_file = ASYNCSQL_TEST_MYSQL_URL_FILE;
const std::string url_prefix = "mysql://asyncsql:asyncsql-test@127.0.0.1:";
constexpr const char* test_user = "asyncsql";
constexpr const char* test_password = "asyncsql-test";

std::string read_url() {
    std::ifstream in(url_file);
    std::string url;
    std::getline(in, url);
    return url;
}

// "mysql://asyncsql:asyncsql-test@127.0.0.1:PORT/DATABASE" -> PORT, DATABASE
unsigned port_of(const std::string& url) {
    const auto colon = url.find(':', url.rfind('@'));
    const auto slash = url.find('/', colon);
    return static_cast<unsigned>(std::stoul(url.substr(colon + 1, slash - colon - 1)));
}
std::string database_of(const std::string& url) {
    const auto at = url.rfind('@');
    return url.substr(url.find('/', at) + 1);
}

struct Target {
    const char* host = "127.0.0.1";
    unsigned port = 0;
    const char* socket = nullptr;  // a unix socket instead of TCP
    const char* user = test_user;
    const char* password = test_password;
    const char* database = nullptr;
};

// A connection, or the error that refused it (error_code, error_text).
Connection connect(const Target& target, unsigned* error_code = nullptr, std::string* error_text = nullptr) {
    Connection connection(mysql_init(nullptr));
    if (!connection) {
        ADD_FAILURE() << "mysql_init: out of memory";
        return nullptr;
    }
    const unsigned timeout = 10;
    const unsigned protocol = target.socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
    mysql_options(connection.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(connection.get(), MYSQL_OPT_PROTOCOL, &protocol);
    if (!mysql_real_connect(connection.get(), target.socket ? "localhost" : target.host, target.user,
                            target.password, target.database, target.port, target.socket, 0)) {
        if (error_code) *error_code = mysql_errno(connection.get());
        if (error_text) *error_text = mysql_error(connection.get());
        return nullptr;
    }
    return connection;
}

// Runs a statement that returns no rows.
bool execute(MYSQL* connection, const std::string& sql) {
    if (mysql_real_query(connection, sql.data(), sql.size()) != 0) {
        ADD_FAILURE() << sql << ": " << mysql_error(connection);
        return false;
    }
    return true;
}

// All rows of a query, NULL as std::nullopt; values may hold NUL bytes.
std::vector<std::vector<std::optional<std::string>>> query(MYSQL* connection, const std::string& sql) {
    std::vector<std::vector<std::optional<std::string>>> rows;
    if (mysql_real_query(connection, sql.data(), sql.size()) != 0) {
        ADD_FAILURE() << sql << ": " << mysql_error(connection);
        return rows;
    }
    Result result(mysql_store_result(connection));
    if (!result) {
        ADD_FAILURE() << sql << ": no result: " << mysql_error(connection);
        return rows;
    }
    const unsigned columns = mysql_num_fields(result.get());
    while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
        const unsigned long* lengths = mysql_fetch_lengths(result.get());
        auto& out = rows.emplace_back();
        for (unsigned i = 0; i < columns; ++i) {
            if (row[i]) {
                out.emplace_back(std::string(row[i], lengths[i]));
            } else {
                out.emplace_back(std::nullopt);
            }
        }
    }
    return rows;
}

// The single value of a one-row, one-column query ("NULL" for NULL).
std::string query_value(MYSQL* connection, const std::string& sql) {
    const auto rows = query(connection, sql);
    if (rows.size() != 1 || rows[0].size() != 1) {
        ADD_FAILURE() << sql << ": " << rows.size() << " rows, expected 1 with 1 column";
        return {};
    }
    return rows[0][0].value_or("NULL");
}

class MysqlHarness : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(url_file)) << url_file;
        url = read_url();
        ASSERT_EQ(url.rfind(url_prefix, 0), 0u) << url;
        port = port_of(url);
        ASSERT_GT(port, 0u) << url;
        ASSERT_EQ(database_of(url), "asyncsql") << url;
    }

    Connection connect_tcp(const char* database = "asyncsql") {
        Target target;
        target.port = port;
        target.database = database;
        unsigned code = 0;
        std::string text;
        Connection connection = connect(target, &code, &text);
        EXPECT_TRUE(connection) << "connecting to 127.0.0.1:" << port << ": " << code << " " << text;
        return connection;
    }

    std::string url;
    unsigned port = 0;
};

TEST_F(MysqlHarness, UrlConnectsOverTcpOnLoopback) {
    Connection connection = connect_tcp();
    ASSERT_TRUE(connection);
    EXPECT_NE(std::string(mysql_get_host_info(connection.get())).find("TCP/IP"), std::string::npos)
        << mysql_get_host_info(connection.get());
    EXPECT_EQ(query_value(connection.get(), "SELECT CURRENT_USER()"), "asyncsql@127.0.0.1");
    EXPECT_EQ(query_value(connection.get(), "SELECT DATABASE()"), "asyncsql");
    // The server sees this connection coming from 127.0.0.1 and listens there only.
    EXPECT_EQ(query_value(connection.get(),
                          "SELECT SUBSTRING_INDEX(HOST, ':', 1) FROM information_schema.PROCESSLIST "
                          "WHERE ID = CONNECTION_ID()"),
              "127.0.0.1");
    EXPECT_EQ(query_value(connection.get(), "SELECT @@bind_address"), "127.0.0.1");
    EXPECT_EQ(query_value(connection.get(), "SELECT @@port"), std::to_string(port));
    EXPECT_EQ(query_value(connection.get(), "SELECT plugin FROM mysql.user "
                                            "WHERE user = 'asyncsql' AND host = '127.0.0.1'"),
              "mysql_native_password");
}

TEST_F(MysqlHarness, WrongPasswordIsRefused) {
    Target target;
    target.port = port;
    target.password = "wrong";
    unsigned code = 0;
    std::string text;
    EXPECT_FALSE(connect(target, &code, &text));
    EXPECT_EQ(code, static_cast<unsigned>(ER_ACCESS_DENIED_ERROR)) << text;

    // Only root@localhost (the socket) is left of the passwordless root accounts.
    target.user = "root";
    target.password = "";
    EXPECT_FALSE(connect(target, &code, &text));
    EXPECT_EQ(code, static_cast<unsigned>(ER_ACCESS_DENIED_ERROR)) << text;
}

TEST_F(MysqlHarness, UnixSocketWorks) {
    const std::string socket = (url_file.parent_path() / "mysqld.sock").string();
    ASSERT_TRUE(std::filesystem::is_socket(socket)) << socket;
    Target target;
    target.socket = socket.c_str();
    target.database = "asyncsql";
    unsigned code = 0;
    std::string text;
    Connection connection = connect(target, &code, &text);
    ASSERT_TRUE(connection) << socket << ": " << code << " " << text;
    EXPECT_NE(std::string(mysql_get_host_info(connection.get())).find("UNIX socket"), std::string::npos)
        << mysql_get_host_info(connection.get());
    EXPECT_EQ(query_value(connection.get(), "SELECT CURRENT_USER()"), "asyncsql@localhost");
    EXPECT_EQ(query_value(connection.get(), "SELECT @@socket"), socket);
}

TEST_F(MysqlHarness, UserCanCreateDatabasesAndKill) {
    Connection connection = connect_tcp();
    ASSERT_TRUE(connection);
    const std::string grants = query_value(connection.get(), "SHOW GRANTS");
    EXPECT_EQ(grants.rfind("GRANT ALL PRIVILEGES ON *.* TO `asyncsql`@`127.0.0.1`", 0), 0u) << grants;
    EXPECT_NE(grants.find("WITH GRANT OPTION"), std::string::npos) << grants;
    ASSERT_TRUE(execute(connection.get(), "DROP DATABASE IF EXISTS asyncsql_harness_create"));
    ASSERT_TRUE(execute(connection.get(), "CREATE DATABASE asyncsql_harness_create"));
    EXPECT_EQ(query_value(connection.get(), "SELECT COUNT(*) FROM information_schema.SCHEMATA "
                                            "WHERE SCHEMA_NAME = 'asyncsql_harness_create'"),
              "1");
    EXPECT_TRUE(execute(connection.get(), "DROP DATABASE asyncsql_harness_create"));

    // PROCESS: the process list shows the other connection; KILL ends it.
    Connection victim = connect_tcp();
    ASSERT_TRUE(victim);
    const std::string victim_id = std::to_string(mysql_thread_id(victim.get()));
    EXPECT_EQ(query_value(connection.get(),
                          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + victim_id),
              "1");
    ASSERT_TRUE(execute(connection.get(), "KILL " + victim_id));
    const std::string sql = "SELECT 1";
    EXPECT_NE(mysql_real_query(victim.get(), sql.data(), sql.size()), 0);
    const unsigned code = mysql_errno(victim.get());
    EXPECT_TRUE(code == CR_SERVER_LOST || code == CR_SERVER_GONE_ERROR || code == ER_CONNECTION_KILLED)
        << code << " " << mysql_error(victim.get());
}

TEST_F(MysqlHarness, ServerIsMariaDb1011WithInnoDb) {
    Connection connection = connect_tcp();
    ASSERT_TRUE(connection);
    const std::string version = query_value(connection.get(), "SELECT VERSION()");
    EXPECT_NE(version.find("MariaDB"), std::string::npos) << version;
    EXPECT_EQ(version.rfind("10.11.", 0), 0u) << version;
    EXPECT_EQ(std::string(mysql_get_server_info(connection.get())), version);

    EXPECT_EQ(query_value(connection.get(), "SELECT @@default_storage_engine"), "InnoDB");
    ASSERT_TRUE(execute(connection.get(), "DROP TABLE IF EXISTS harness_engine"));
    ASSERT_TRUE(execute(connection.get(), "CREATE TABLE harness_engine (id INT PRIMARY KEY)"));
    EXPECT_EQ(query_value(connection.get(), "SELECT ENGINE FROM information_schema.TABLES "
                                            "WHERE TABLE_SCHEMA = 'asyncsql' AND TABLE_NAME = 'harness_engine'"),
              "InnoDB");
    EXPECT_TRUE(execute(connection.get(), "DROP TABLE harness_engine"));

    // What the script sets: room for pools, utf8mb4, no binary log.
    EXPECT_EQ(query_value(connection.get(), "SELECT @@max_connections"), "300");
    EXPECT_EQ(query_value(connection.get(), "SELECT @@character_set_server"), "utf8mb4");
    EXPECT_EQ(query_value(connection.get(), "SELECT @@log_bin"), "0");
}

TEST_F(MysqlHarness, FreshUrlGivesNewEmptyDatabases) {
    const BackendUnderTest& backend = backend_under_test();
    EXPECT_EQ(backend.name, "mysql");
    EXPECT_EQ(backend.autoincrement_pk, "BIGINT AUTO_INCREMENT PRIMARY KEY");
    EXPECT_EQ(backend.blob_type, "LONGBLOB");
    EXPECT_EQ(backend.first_placeholder, "?");
    EXPECT_TRUE(backend.has_last_insert_id);

    std::set<std::string> databases;
    for (int i = 0; i < 3; ++i) {
        const std::string fresh = backend.fresh_url();
        ASSERT_EQ(fresh.rfind(url_prefix + std::to_string(port) + "/asyncsql_t", 0), 0u) << fresh;
        const std::string database = database_of(fresh);
        Connection connection = connect_tcp(database.c_str());
        ASSERT_TRUE(connection) << fresh;
        EXPECT_EQ(query_value(connection.get(), "SELECT DATABASE()"), database);
        databases.insert(database);
        EXPECT_EQ(query_value(connection.get(),
                              "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"),
                  "0");
        EXPECT_TRUE(execute(connection.get(), "CREATE TABLE t (id " + backend.autoincrement_pk + ", v TEXT, b " +
                                                  backend.blob_type + ")"));
        EXPECT_TRUE(execute(connection.get(), "INSERT INTO t (v) VALUES ('x')"));
        EXPECT_EQ(mysql_insert_id(connection.get()), 1u);
    }
    EXPECT_EQ(databases.size(), 3u);
}

// The suite's text_allows_nul: a string with a NUL byte bound to a prepared INSERT
// into a TEXT column reads back intact, through the text and the binary protocol.
TEST_F(MysqlHarness, TextKeepsNulBytesThroughPreparedStatements) {
    const BackendUnderTest& backend = backend_under_test();
    EXPECT_TRUE(backend.text_allows_nul);
    const std::string database = database_of(backend.fresh_url());
    Connection connection = connect_tcp(database.c_str());
    ASSERT_TRUE(connection);
    ASSERT_TRUE(execute(connection.get(), "CREATE TABLE t (id " + backend.autoincrement_pk + ", v TEXT)"));

    const std::string value("a\0b\xc3\xa9", 5);  // 'a', NUL, 'b', U+00E9
    Statement insert(mysql_stmt_init(connection.get()));
    ASSERT_TRUE(insert);
    const std::string insert_sql = "INSERT INTO t (v) VALUES (?)";
    ASSERT_EQ(mysql_stmt_prepare(insert.get(), insert_sql.data(), insert_sql.size()), 0)
        << mysql_stmt_error(insert.get());
    std::string buffer = value;
    unsigned long length = buffer.size();
    MYSQL_BIND parameter;
    std::memset(&parameter, 0, sizeof parameter);
    parameter.buffer_type = MYSQL_TYPE_STRING;
    parameter.buffer = buffer.data();
    parameter.buffer_length = buffer.size();
    parameter.length = &length;
    ASSERT_EQ(mysql_stmt_bind_param(insert.get(), &parameter), 0) << mysql_stmt_error(insert.get());
    ASSERT_EQ(mysql_stmt_execute(insert.get()), 0) << mysql_stmt_error(insert.get());
    EXPECT_EQ(mysql_stmt_affected_rows(insert.get()), 1u);
    EXPECT_EQ(mysql_stmt_insert_id(insert.get()), 1u);

    // Text protocol: the bytes, their count, and their hex.
    const auto rows = query(connection.get(), "SELECT v, LENGTH(v), HEX(v) FROM t");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], value);
    EXPECT_EQ(rows[0][1], "5");
    EXPECT_EQ(rows[0][2], "610062C3A9");

    // Binary protocol.
    Statement select(mysql_stmt_init(connection.get()));
    ASSERT_TRUE(select);
    const std::string select_sql = "SELECT v FROM t WHERE v = ?";
    ASSERT_EQ(mysql_stmt_prepare(select.get(), select_sql.data(), select_sql.size()), 0)
        << mysql_stmt_error(select.get());
    ASSERT_EQ(mysql_stmt_bind_param(select.get(), &parameter), 0) << mysql_stmt_error(select.get());
    ASSERT_EQ(mysql_stmt_execute(select.get()), 0) << mysql_stmt_error(select.get());
    char out[64] = {};
    unsigned long out_length = 0;
    my_bool is_null = 0;
    MYSQL_BIND column;
    std::memset(&column, 0, sizeof column);
    column.buffer_type = MYSQL_TYPE_STRING;
    column.buffer = out;
    column.buffer_length = sizeof out;
    column.length = &out_length;
    column.is_null = &is_null;
    ASSERT_EQ(mysql_stmt_bind_result(select.get(), &column), 0) << mysql_stmt_error(select.get());
    ASSERT_EQ(mysql_stmt_store_result(select.get()), 0) << mysql_stmt_error(select.get());
    EXPECT_EQ(mysql_stmt_num_rows(select.get()), 1u);
    ASSERT_EQ(mysql_stmt_fetch(select.get()), 0) << mysql_stmt_error(select.get());
    EXPECT_FALSE(is_null);
    EXPECT_EQ(std::string(out, out_length), value);
    EXPECT_EQ(mysql_stmt_fetch(select.get()), MYSQL_NO_DATA);
}

}  // namespace
}  // namespace asyncsql::test
