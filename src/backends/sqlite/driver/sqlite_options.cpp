#include "backends/sqlite/driver/sqlite_options.hpp"

#include <algorithm>
#include <cctype>

#include "asyncsql/error.hpp"

namespace asyncsql::sqlite {

namespace {

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

[[noreturn]] void bad_value(std::string_view key, std::string_view value, std::string_view expected) {
    throw ArgumentError("sqlite option '" + std::string(key) + "': expected " + std::string(expected) +
                            ", got '" + std::string(value) + "'",
                        ErrorKind::invalid_argument);
}

std::string one_of(std::string_view key, std::string_view value,
                   std::initializer_list<std::string_view> allowed) {
    std::string v = upper(value);
    for (auto a : allowed)
        if (v == a) return v;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    bad_value(key, value, "one of " + list);
}

}  // namespace

SqliteOptions parse_options(const Url& url, const EngineOptions& options) {
    SqliteOptions out;
    out.memory = url.is_memory_sqlite();
    out.path = out.memory ? ":memory:" : url.database;
    out.journal_mode = out.memory ? "" : "WAL";
    out.statement_cache_size = options.statement_cache_size;
    for (const auto& [key, value] : options.driver_options) {
        if (key == "busy_timeout") {
            out.busy_timeout = parse_seconds_option(key, value);
        } else if (key == "journal_mode") {
            out.journal_mode = one_of(key, value, {"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"});
        } else if (key == "synchronous") {
            out.synchronous = one_of(key, value, {"OFF", "NORMAL", "FULL", "EXTRA"});
        } else if (key == "foreign_keys") {
            out.foreign_keys = parse_bool_option(key, value);
        } else if (key == "begin") {
            auto mode = one_of(key, value, {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"});
            out.begin = mode == "IMMEDIATE" ? BeginMode::immediate
                        : mode == "EXCLUSIVE" ? BeginMode::exclusive
                                              : BeginMode::deferred;
        } else if (key == "execution") {
            const auto mode = one_of(key, value, {"COOPERATIVE", "THREAD", "INLINE"});
            out.execution = mode == "INLINE"   ? ExecutionMode::inline_
                            : mode == "THREAD" ? ExecutionMode::thread
                                               : ExecutionMode::cooperative;
        } else if (key == "time_slice") {
            out.slice = parse_seconds_option(key, value);
            if (out.slice.count() < 1) bad_value(key, value, "at least 0.001 seconds");
        } else {
            throw ArgumentError("unknown sqlite option '" + key +
                                    "'; known: busy_timeout, journal_mode, synchronous, foreign_keys, "
                                    "begin, execution, time_slice",
                                ErrorKind::invalid_argument);
        }
    }
    return out;
}

}  // namespace asyncsql::sqlite
