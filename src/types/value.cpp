// Value's text form, ValueKind names, Decimal and Uuid parsing.

#include "asyncsql/types/value.hpp"

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <variant>

#include "asyncsql/error.hpp"
#include "asyncsql/types/datetime.hpp"

namespace asyncsql {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// 0-15 for a hex digit of either case, -1 otherwise.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

[[noreturn]] void throw_invalid(std::string_view what, std::string_view text,
                                std::string_view expected) {
    constexpr std::size_t max_shown = 64;
    std::string message = "invalid ";
    message += what;
    message += " '";
    if (text.size() > max_shown) {
        message += text.substr(0, max_shown);
        message += "...";
    } else {
        message += text;
    }
    message += "': expected ";
    message += expected;
    throw DataError(std::move(message), ErrorKind::data_exception);
}

// Counts a run of decimal digits starting at `i`, advancing `i` past it.
std::size_t skip_digits(std::string_view s, std::size_t& i) noexcept {
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - start;
}

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

std::string_view to_string(ValueKind kind) noexcept {
    switch (kind) {
    case ValueKind::null: return "null";
    case ValueKind::boolean: return "boolean";
    case ValueKind::integer: return "integer";
    case ValueKind::real: return "real";
    case ValueKind::decimal: return "decimal";
    case ValueKind::text: return "text";
    case ValueKind::bytes: return "bytes";
    case ValueKind::date: return "date";
    case ValueKind::time: return "time";
    case ValueKind::timestamp: return "timestamp";
    case ValueKind::uuid: return "uuid";
    case ValueKind::json: return "json";
    case ValueKind::interval: return "interval";
    case ValueKind::array: return "array";
    }
    return "unknown";
}

std::string Value::to_string() const {
    return std::visit(
        overloaded{
            [](Null) -> std::string { return "NULL"; },
            [](bool v) -> std::string { return v ? "true" : "false"; },
            [](std::int64_t v) { return std::to_string(v); },
            [](double v) {
                char buf[64];
                const auto result = std::to_chars(buf, buf + sizeof buf, v);
                return std::string(buf, result.ptr);
            },
            [](const Decimal& v) { return v.text; },
            [](const std::string& v) { return v; },
            [](const Bytes& v) {
                std::string out;
                out.reserve(2 + 2 * v.size());
                out += "\\x";
                for (std::byte b : v) {
                    const auto u = std::to_integer<unsigned>(b);
                    out += hex_digits[u >> 4];
                    out += hex_digits[u & 0xf];
                }
                return out;
            },
            [](const Date& v) { return format_date(v); },
            [](const Time& v) { return format_time(v); },
            [](const Timestamp& v) { return format_timestamp(v); },
            [](const Uuid& v) { return v.to_string(); },
            [](const Json& v) { return v.text; },
            [](const Interval& v) { return format_interval(v); },
            [](const Array& v) {
                std::string out = "[";
                for (std::size_t i = 0; i < v.size(); ++i) {
                    if (i) out += ", ";
                    out += v[i].kind() == ValueKind::text ? "'" + v[i].to_string() + "'" : v[i].to_string();
                }
                return out + "]";
            },
        },
        storage_);
}

Decimal Decimal::parse(std::string_view text) {
    constexpr std::string_view expected = "[+-]digits[.digits][e[+-]digits]";
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t mantissa_digits = skip_digits(text, i);
    if (i < text.size() && text[i] == '.') {
        ++i;
        mantissa_digits += skip_digits(text, i);
    }
    if (mantissa_digits == 0) throw_invalid("decimal", text, expected);
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (skip_digits(text, i) == 0) throw_invalid("decimal", text, expected);
    }
    if (i != text.size()) throw_invalid("decimal", text, expected);
    if (text.front() == '+') text.remove_prefix(1);
    return Decimal{std::string(text)};
}

Uuid Uuid::parse(std::string_view text) {
    constexpr std::string_view expected =
        "8-4-4-4-12 hex digits or 32 hex digits, optionally in {braces}";
    std::string_view s = text;
    if (!s.empty() && s.front() == '{') {
        if (s.size() < 2 || s.back() != '}') throw_invalid("UUID", text, expected);
        s = s.substr(1, s.size() - 2);
    }
    const bool dashed = s.size() == 36;
    if (!dashed && s.size() != 32) throw_invalid("UUID", text, expected);

    Uuid uuid;
    std::size_t nibble = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (s[i] != '-') throw_invalid("UUID", text, expected);
            continue;
        }
        const int v = hex_value(s[i]);
        if (v < 0) throw_invalid("UUID", text, expected);
        auto& byte = uuid.bytes[nibble / 2];
        byte = static_cast<std::uint8_t>(nibble % 2 == 0 ? v << 4 : byte | v);
        ++nibble;
    }
    return uuid;
}

std::string Uuid::to_string() const {
    std::string out(36, '-');
    std::size_t pos = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;
        out[pos++] = hex_digits[bytes[i] >> 4];
        out[pos++] = hex_digits[bytes[i] & 0xf];
    }
    return out;
}

}  // namespace asyncsql
