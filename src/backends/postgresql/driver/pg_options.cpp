#include "backends/postgresql/driver/pg_options.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <set>

#include "asyncsql/error.hpp"

namespace asyncsql::postgresql {

namespace {

const std::set<std::string>& libpq_keywords() {
    static const std::set<std::string> keywords = [] {
        std::set<std::string> out;
        PQconninfoOption* options = PQconndefaults();
        for (PQconninfoOption* o = options; o && o->keyword; ++o) out.insert(o->keyword);
        PQconninfoFree(options);
        return out;
    }();
    return keywords;
}

}  // namespace

PgOptions parse_options(const Url& url, const EngineOptions& options) {
    PgOptions out;
    out.connect_timeout = options.connect_timeout;
    out.statement_cache_size = options.statement_cache_size;
    auto set = [&](std::string key, std::string value) {
        auto it = std::find_if(out.libpq.begin(), out.libpq.end(), [&](const auto& kv) { return kv.first == key; });
        if (it != out.libpq.end()) it->second = std::move(value);
        else out.libpq.emplace_back(std::move(key), std::move(value));
    };
    if (!url.host.empty()) set("host", url.host);
    if (url.port) set("port", std::to_string(*url.port));
    if (!url.database.empty()) set("dbname", url.database);
    if (!url.username.empty()) set("user", url.username);
    if (!url.password.empty()) set("password", url.password);
    for (const auto& [key, value] : options.driver_options) {
        if (key == "pooler_mode") {
            if (value == "transaction" || value == "statement") out.statement_cache_size = 0;
            else if (value != "session")
                throw ArgumentError("postgresql option 'pooler_mode': expected session, transaction or "
                                    "statement, got '" + value + "'",
                                    ErrorKind::invalid_argument);
        } else if (libpq_keywords().contains(key)) {
            set(key, value);
        } else {
            throw ArgumentError("unknown postgresql option '" + key +
                                    "': neither a libpq connection keyword nor an asyncsql option",
                                ErrorKind::invalid_argument);
        }
    }
    return out;
}

}  // namespace asyncsql::postgresql
