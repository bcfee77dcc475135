#pragma once
// EngineOptions: the engine and pool settings SQLAlchemy's create_engine()
// takes as keyword arguments, read from a Url's query options. Durations are
// written in seconds as in SQLAlchemy ("pool_timeout=2.5" is 2500 ms); every
// option this layer does not know is passed on to the driver unchanged.

#include "asyncsql/url/url.hpp"

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncsql {

struct EngineOptions {
    // max_overflow value meaning "no limit" (written as max_overflow=-1).
    static constexpr std::size_t unlimited_overflow = std::numeric_limits<std::size_t>::max();

    std::size_t pool_size = 5;
    std::size_t max_overflow = 10;
    std::chrono::milliseconds pool_timeout{30000};
    std::optional<std::chrono::milliseconds> pool_recycle{};  // none = never
    bool pool_pre_ping = false;
    bool pool_use_lifo = false;
    std::string poolclass{};  // "" = dialect default, "queue", "null", "static"
    bool echo = false;
    bool echo_pool = false;
    // With echo: also log parameter values (off, so secrets stay out of logs).
    bool echo_parameters = false;
    // "" = server default, else READ UNCOMMITTED, READ COMMITTED,
    // REPEATABLE READ, SERIALIZABLE or AUTOCOMMIT.
    std::string isolation_level{};
    std::chrono::milliseconds connect_timeout{10000};
    std::size_t statement_cache_size = 100;
    std::optional<std::chrono::milliseconds> statement_timeout{};  // none = no limit
    // With isolation_level AUTOCOMMIT on a backend that pipelines
    // (PostgreSQL), statements outside transactions from different
    // Connections share pooled connections and their round trips.
    bool pipelining = true;
    // Every query option not known here, in order, for the driver.
    std::vector<std::pair<std::string, std::string>> driver_options{};

    // Applies every query option of `url` in order (the last of repeated
    // options wins); throws ArgumentError naming the option and the bad value.
    static EngineOptions from_url(const Url& url);

    friend bool operator==(const EngineOptions&, const EngineOptions&) = default;
};

// Sets the option `key` from its URL text `value`, or appends (key, value) to
// `options.driver_options` when `key` is not an engine option. Throws
// ArgumentError naming the option and the bad value.
void apply_option(EngineOptions& options, std::string_view key, std::string_view value);

// The value parsers behind apply_option, for drivers' own options: booleans
// (true/false, 1/0, yes/no, on/off) and durations in seconds ("2.5").
// Both throw ArgumentError naming `key` and the bad value.
bool parse_bool_option(std::string_view key, std::string_view value);
std::chrono::milliseconds parse_seconds_option(std::string_view key, std::string_view value);

}  // namespace asyncsql
