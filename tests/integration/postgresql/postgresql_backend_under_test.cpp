// The engine suite's backend on PostgreSQL: every fresh_url() is a new, empty
// database on the throwaway server that ctest starts (fixture postgresql_server,
// tests/support/postgresql-server.sh). The databases go with the server's folder
// when the fixture stops it, so nothing is dropped here.

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "suite/suite.hpp"

#include <libpq-fe.h>

#ifndef ASYNCSQL_TEST_PG_URL_FILE
#error "ASYNCSQL_TEST_PG_URL_FILE must name the file holding the test server's URL"
#endif

namespace asyncsql::test {
namespace {

// postgresql://user:password@127.0.0.1:PORT/asyncsql, written by the server script.
std::string admin_url() {
    std::ifstream in(ASYNCSQL_TEST_PG_URL_FILE);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) {
        throw std::runtime_error(std::string("no PostgreSQL test server: cannot read ") +
                                 ASYNCSQL_TEST_PG_URL_FILE +
                                 " (ctest starts the server through the fixture "
                                 "postgresql_server; by hand: tests/support/postgresql-server.sh start DIR)");
    }
    return url;
}

// The URL with its database (the path after host[:port]) replaced.
std::string with_database(const std::string& url, const std::string& database) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) throw std::runtime_error("not a URL: " + url);
    const auto path = url.find('/', scheme + 3);
    const auto query = url.find('?', scheme + 3);
    if (path == std::string::npos || (query != std::string::npos && query < path)) {
        // No database in the URL: add one before the query, if any.
        const auto at = query == std::string::npos ? url.size() : query;
        return url.substr(0, at) + "/" + database + url.substr(at);
    }
    const auto end = query == std::string::npos ? url.size() : query;
    return url.substr(0, path + 1) + database + url.substr(end);
}

struct ConnectionDeleter {
    void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
};
struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};

void execute(PGconn* connection, const std::string& sql) {
    std::unique_ptr<PGresult, ResultDeleter> result(PQexec(connection, sql.c_str()));
    if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        throw std::runtime_error("PostgreSQL test server: " + sql + ": " + PQerrorMessage(connection));
    }
}

std::string create_fresh_database() {
    static const std::string admin = admin_url();
    static std::atomic<int> counter{0};
    const std::string database =
        "asyncsql_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);

    // A new admin connection each time: tests may terminate every backend.
    std::unique_ptr<PGconn, ConnectionDeleter> connection(PQconnectdb(admin.c_str()));
    if (!connection || PQstatus(connection.get()) != CONNECTION_OK) {
        throw std::runtime_error(std::string("PostgreSQL test server: cannot connect: ") +
                                 (connection ? PQerrorMessage(connection.get()) : "out of memory"));
    }
    // A database of that name can only be left from an earlier run whose process
    // had the same pid, on a server that was not stopped in between.
    execute(connection.get(), "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    execute(connection.get(), "CREATE DATABASE " + database);
    return with_database(admin, database);
}

}  // namespace

const BackendUnderTest& backend_under_test() {
    static const BackendUnderTest backend{
        .name = "postgresql",
        .fresh_url = [] { return create_fresh_database(); },
        .autoincrement_pk = "BIGSERIAL PRIMARY KEY",
        .blob_type = "BYTEA",
        .first_placeholder = "$1",
        .has_last_insert_id = false,
        .text_allows_nul = false,
        .sleep_10s = "SELECT pg_sleep(10)",
        .connection_id_sql = "SELECT pg_backend_pid()",
        .kill_connection_sql = "SELECT pg_terminate_backend(%ID%)",
    };
    return backend;
}

}  // namespace asyncsql::test
