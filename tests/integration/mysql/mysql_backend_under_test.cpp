// The engine suite's backend on MariaDB: every fresh_url() is a new, empty
// database on the throwaway server that ctest starts (fixture mysql_server,
// tests/support/mariadb-server.sh). The databases go with the server's folder
// when the fixture stops it, so nothing is dropped here.

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "suite/suite.hpp"

#include <mysql.h>

#ifndef ASYNCSQL_TEST_MYSQL_URL_FILE
#error "ASYNCSQL_TEST_MYSQL_URL_FILE must name the file holding the test server's URL"
#endif

namespace asyncsql::test {
namespace {

// mysql://user:password@127.0.0.1:PORT/asyncsql, written by the server script.
std::string admin_url() {
    std::ifstream in(ASYNCSQL_TEST_MYSQL_URL_FILE);
    std::string url;
    if (!in || !std::getline(in, url) || url.empty()) {
        throw std::runtime_error(std::string("no MariaDB test server: cannot read ") +
                                 ASYNCSQL_TEST_MYSQL_URL_FILE +
                                 " (ctest starts the server through the fixture "
                                 "mysql_server; by hand: tests/support/mariadb-server.sh start DIR)");
    }
    return url;
}

// %XX escapes of a URL part decoded.
std::string percent_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() &&
            std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

// The parts of mysql://user[:password]@host[:port][/database][?query].
struct UrlParts {
    std::string user;
    std::string password;
    std::string host;
    unsigned port = 3306;
    std::string database;
};

UrlParts parse_url(const std::string& url) {
    const std::string scheme = "mysql://";
    if (url.rfind(scheme, 0) != 0) throw std::runtime_error("not a mysql:// URL: " + url);
    std::string rest = url.substr(scheme.size());
    if (const auto query = rest.find('?'); query != std::string::npos) rest.erase(query);

    UrlParts parts;
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) parts.database = percent_decode(rest.substr(slash + 1));

    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        const std::string userinfo = authority.substr(0, at);
        authority.erase(0, at + 1);
        const auto colon = userinfo.find(':');
        parts.user = percent_decode(userinfo.substr(0, colon));
        if (colon != std::string::npos) parts.password = percent_decode(userinfo.substr(colon + 1));
    }
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        const std::string port = authority.substr(colon + 1);
        authority.erase(colon);
        char* end = nullptr;
        const unsigned long value = std::strtoul(port.c_str(), &end, 10);
        if (port.empty() || *end != '\0' || value == 0 || value > 65535) {
            throw std::runtime_error("bad port in URL: " + url);
        }
        parts.port = static_cast<unsigned>(value);
    }
    parts.host = authority;
    if (parts.host.empty()) throw std::runtime_error("no host in URL: " + url);
    return parts;
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
    void operator()(MYSQL* connection) const noexcept { mysql_close(connection); }
};
using Connection = std::unique_ptr<MYSQL, ConnectionDeleter>;

// A new synchronous connection over TCP to the URL's server (no database chosen).
Connection connect(const UrlParts& parts) {
    // mysql_init() initialises the library on first use, which is not thread-safe.
    static std::once_flag library;
    std::call_once(library, [] {
        if (mysql_library_init(0, nullptr, nullptr) != 0) {
            throw std::runtime_error("MariaDB test server: mysql_library_init failed");
        }
    });
    Connection connection(mysql_init(nullptr));
    if (!connection) throw std::runtime_error("MariaDB test server: mysql_init: out of memory");
    const unsigned timeout = 10;
    const unsigned protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(connection.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(connection.get(), MYSQL_OPT_PROTOCOL, &protocol);
    if (!mysql_real_connect(connection.get(), parts.host.c_str(), parts.user.c_str(),
                            parts.password.c_str(), nullptr, parts.port, nullptr, 0)) {
        throw std::runtime_error(std::string("MariaDB test server: cannot connect: ") +
                                 mysql_error(connection.get()));
    }
    return connection;
}

void execute(MYSQL* connection, const std::string& sql) {
    if (mysql_real_query(connection, sql.data(), sql.size()) != 0) {
        throw std::runtime_error("MariaDB test server: " + sql + ": " + mysql_error(connection));
    }
}

std::string create_fresh_database() {
    static const std::string admin = admin_url();
    static const UrlParts parts = parse_url(admin);
    static std::atomic<int> counter{0};
    const std::string database =
        "asyncsql_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);

    // A new admin connection each time: tests may kill every connection.
    Connection connection = connect(parts);
    // A database of that name can only be left from an earlier run whose process
    // had the same pid, on a server that was not stopped in between.
    execute(connection.get(), "DROP DATABASE IF EXISTS " + database);
    execute(connection.get(), "CREATE DATABASE " + database);
    return with_database(admin, database);
}

}  // namespace

const BackendUnderTest& backend_under_test() {
    static const BackendUnderTest backend{
        .name = "mysql",
        .fresh_url = [] { return create_fresh_database(); },
        .autoincrement_pk = "BIGINT AUTO_INCREMENT PRIMARY KEY",
        .blob_type = "LONGBLOB",
        .first_placeholder = "?",
        .has_last_insert_id = true,
        // TEXT keeps NUL bytes bound through prepared statements (harness_test.cpp
        // proves it on the server).
        .text_allows_nul = true,
        .long_text_type = "LONGTEXT",
        // mariadb-server.sh starts the server with --max-allowed-packet=128M.
        .max_value_bytes = std::size_t{128} << 20,
        .time_type = "TIME(6)",
        .timestamp_type = "DATETIME(6)",
        .sleep_10s = "SELECT SLEEP(10)",
        .cancel_raises = false,
        .connection_id_sql = "SELECT CONNECTION_ID()",
        .kill_connection_sql = "KILL CONNECTION %ID%",
        .concat_function = true,
    };
    return backend;
}

}  // namespace asyncsql::test
