#include "asyncsql/url/engine_options.hpp"

#include "asyncsql/error.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace asyncsql {

namespace {

using std::chrono::milliseconds;

// Longest duration accepted, in whole seconds (about 31,700 years).
constexpr std::uint64_t kMaxSeconds = 1'000'000'000'000ULL;

[[noreturn]] void fail_option(std::string_view key, std::string_view expected,
                              std::string_view value) {
    throw ArgumentError("option '" + std::string(key) + "': expected " + std::string(expected) +
                        ", got '" + std::string(value) + "'");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), to_lower);
    return out;
}

// Digits only, without overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (!is_digit(c)) return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

std::size_t parse_size(std::string_view key, std::string_view value) {
    const auto number = parse_unsigned(value);
    if (!number || *number > std::numeric_limits<std::size_t>::max()) {
        fail_option(key, "a non-negative integer", value);
    }
    return static_cast<std::size_t>(*number);
}

bool parse_bool(std::string_view key, std::string_view value) {
    static constexpr std::array<std::string_view, 4> yes{"true", "1", "yes", "on"};
    static constexpr std::array<std::string_view, 4> no{"false", "0", "no", "off"};
    const std::string lower = lowered(value);
    if (std::find(yes.begin(), yes.end(), lower) != yes.end()) return true;
    if (std::find(no.begin(), no.end(), lower) != no.end()) return false;
    fail_option(key, "a boolean (true/false, 1/0, yes/no, on/off)", value);
}

// Non-negative decimal seconds ("30", "2.5", ".25"), rounded to the nearest millisecond.
std::optional<milliseconds> parse_seconds_text(std::string_view text) {
    const auto dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction =
        dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() && fraction.empty()) return std::nullopt;
    if (!std::all_of(fraction.begin(), fraction.end(), is_digit)) return std::nullopt;
    std::uint64_t seconds = 0;
    if (!whole.empty()) {
        const auto parsed = parse_unsigned(whole);
        if (!parsed || *parsed > kMaxSeconds) return std::nullopt;
        seconds = *parsed;
    }
    std::uint64_t millis = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        millis = millis * 10 + (i < fraction.size() ? static_cast<std::uint64_t>(fraction[i] - '0') : 0);
    }
    if (fraction.size() > 3 && fraction[3] >= '5') ++millis;
    return milliseconds(static_cast<milliseconds::rep>(seconds * 1000 + millis));
}

milliseconds parse_seconds(std::string_view key, std::string_view value) {
    const auto duration = parse_seconds_text(value);
    if (!duration) fail_option(key, "a non-negative number of seconds", value);
    return *duration;
}

// ---------------------------------------------------------------- options

void set_pool_size(EngineOptions& o, std::string_view k, std::string_view v) {
    o.pool_size = parse_size(k, v);
}

void set_max_overflow(EngineOptions& o, std::string_view k, std::string_view v) {
    if (v == "-1") {
        o.max_overflow = EngineOptions::unlimited_overflow;
        return;
    }
    const auto number = parse_unsigned(v);
    if (!number || *number >= EngineOptions::unlimited_overflow) {
        fail_option(k, "a non-negative integer or -1 (no limit)", v);
    }
    o.max_overflow = static_cast<std::size_t>(*number);
}

void set_pool_timeout(EngineOptions& o, std::string_view k, std::string_view v) {
    o.pool_timeout = parse_seconds(k, v);
}

void set_pool_recycle(EngineOptions& o, std::string_view k, std::string_view v) {
    if (v == "-1") {
        o.pool_recycle.reset();
        return;
    }
    const auto duration = parse_seconds_text(v);
    if (!duration) fail_option(k, "a non-negative number of seconds or -1 (never)", v);
    o.pool_recycle = *duration;
}

void set_pool_pre_ping(EngineOptions& o, std::string_view k, std::string_view v) {
    o.pool_pre_ping = parse_bool(k, v);
}

void set_pipelining(EngineOptions& o, std::string_view k, std::string_view v) {
    o.pipelining = parse_bool(k, v);
}

void set_pool_use_lifo(EngineOptions& o, std::string_view k, std::string_view v) {
    o.pool_use_lifo = parse_bool(k, v);
}

void set_poolclass(EngineOptions& o, std::string_view k, std::string_view v) {
    struct Alias {
        std::string_view name;
        std::string_view canonical;
    };
    static constexpr std::array<Alias, 9> aliases{{
        {"", ""},
        {"queue", "queue"},
        {"queuepool", "queue"},
        {"asyncadaptedqueuepool", "queue"},
        {"null", "null"},
        {"nullpool", "null"},
        {"static", "static"},
        {"staticpool", "static"},
        {"default", ""},
    }};
    const std::string lower = lowered(v);
    const auto found = std::find_if(aliases.begin(), aliases.end(),
                                    [&](const Alias& a) { return a.name == lower; });
    if (found == aliases.end()) fail_option(k, "one of queue, null, static", v);
    o.poolclass = std::string(found->canonical);
}

void set_echo(EngineOptions& o, std::string_view k, std::string_view v) {
    o.echo = parse_bool(k, v);
}

void set_echo_parameters(EngineOptions& o, std::string_view k, std::string_view v) {
    o.echo_parameters = parse_bool(k, v);
}

void set_echo_pool(EngineOptions& o, std::string_view k, std::string_view v) {
    o.echo_pool = parse_bool(k, v);
}

// Upper case, '_' as ' ', runs of blanks collapsed, ends trimmed.
std::string normalise_isolation(std::string_view text) {
    std::string out;
    bool pending_space = false;
    for (char c : text) {
        if (c == '_' || c == ' ' || c == '\t') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += to_upper(c);
    }
    return out;
}

void set_isolation_level(EngineOptions& o, std::string_view k, std::string_view v) {
    static constexpr std::array<std::string_view, 6> levels{
        "", "READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE", "AUTOCOMMIT"};
    std::string level = normalise_isolation(v);
    if (std::find(levels.begin(), levels.end(), level) == levels.end()) {
        fail_option(k,
                    "one of READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE, "
                    "AUTOCOMMIT",
                    v);
    }
    o.isolation_level = std::move(level);
}

void set_connect_timeout(EngineOptions& o, std::string_view k, std::string_view v) {
    o.connect_timeout = parse_seconds(k, v);
}

void set_statement_cache_size(EngineOptions& o, std::string_view k, std::string_view v) {
    o.statement_cache_size = parse_size(k, v);
}

// 0 and -1 both mean "no limit", as statement_timeout = 0 does in PostgreSQL.
void set_statement_timeout(EngineOptions& o, std::string_view k, std::string_view v) {
    if (v == "-1") {
        o.statement_timeout.reset();
        return;
    }
    const auto duration = parse_seconds_text(v);
    if (!duration) fail_option(k, "a non-negative number of seconds, 0 or -1 (no limit)", v);
    if (duration->count() == 0) {
        o.statement_timeout.reset();
    } else {
        o.statement_timeout = *duration;
    }
}

using Setter = void (*)(EngineOptions&, std::string_view, std::string_view);

struct KnownOption {
    std::string_view name;
    Setter set;
};

constexpr std::array<KnownOption, 15> kKnownOptions{{
    {"pool_size", set_pool_size},
    {"max_overflow", set_max_overflow},
    {"pool_timeout", set_pool_timeout},
    {"pool_recycle", set_pool_recycle},
    {"pool_pre_ping", set_pool_pre_ping},
    {"pool_use_lifo", set_pool_use_lifo},
    {"poolclass", set_poolclass},
    {"echo", set_echo},
    {"echo_pool", set_echo_pool},
    {"echo_parameters", set_echo_parameters},
    {"isolation_level", set_isolation_level},
    {"connect_timeout", set_connect_timeout},
    {"statement_cache_size", set_statement_cache_size},
    {"statement_timeout", set_statement_timeout},
    {"pipelining", set_pipelining},
}};

}  // namespace

void apply_option(EngineOptions& options, std::string_view key, std::string_view value) {
    const auto known = std::find_if(kKnownOptions.begin(), kKnownOptions.end(),
                                    [key](const KnownOption& o) { return o.name == key; });
    if (known == kKnownOptions.end()) {
        options.driver_options.emplace_back(key, value);
        return;
    }
    known->set(options, key, value);
}

bool parse_bool_option(std::string_view key, std::string_view value) { return parse_bool(key, value); }

std::chrono::milliseconds parse_seconds_option(std::string_view key, std::string_view value) {
    return parse_seconds(key, value);
}

EngineOptions EngineOptions::from_url(const Url& url) {
    EngineOptions options;
    for (const auto& [key, value] : url.query) apply_option(options, key, value);
    return options;
}

}  // namespace asyncsql
