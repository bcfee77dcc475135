#pragma once
// Options of the PostgreSQL driver: libpq connection keywords from the URL
// plus the few asyncsql adds.

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"

namespace asyncsql::postgresql {

struct PgOptions {
    // libpq keyword/value pairs (host, port, dbname, user, password, sslmode, ...).
    std::vector<std::pair<std::string, std::string>> libpq;
    // Bounds the whole connect, every host tried (libpq ignores its own
    // connect_timeout when driven by PQconnectPoll).
    std::chrono::milliseconds connect_timeout{10000};
    // 0: unnamed statements only, one round trip, nothing left behind on the
    // server (what transaction-mode poolers such as PgBouncer need).
    std::size_t statement_cache_size = 100;
};

// Throws ArgumentError for unknown keys (neither libpq's nor asyncsql's) and
// bad values, before any connect.
PgOptions parse_options(const Url& url, const EngineOptions& options);

}  // namespace asyncsql::postgresql
