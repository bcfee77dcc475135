#pragma once
// Options of the MySQL/MariaDB driver, read from the URL.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"

namespace asyncsql::mysql {

struct MysqlOptions {
    std::string host = "127.0.0.1";
    unsigned port = 3306;
    std::string user;
    std::string password;
    std::string database;
    std::string unix_socket;      // ?unix_socket=/path
    std::string charset = "utf8mb4";
    std::string init_command;     // run once after each connect
    std::chrono::milliseconds connect_timeout{10000};
    std::optional<std::chrono::milliseconds> read_timeout;
    std::optional<std::chrono::milliseconds> write_timeout;
    std::size_t statement_cache_size = 100;
    // TLS: ssl_ca, ssl_cert, ssl_key, ssl_verify_server_cert.
    std::string ssl_ca, ssl_cert, ssl_key;
    bool ssl = false;
    bool ssl_verify_server_cert = false;
    // MariaDB's bulk execution for execute_many where the server has it;
    // off: multi-row INSERTs (what servers without it get).
    bool bulk = true;
};

// Throws ArgumentError for unknown options and bad values, before any connect.
MysqlOptions parse_options(const Url& url, const EngineOptions& options);

}  // namespace asyncsql::mysql
