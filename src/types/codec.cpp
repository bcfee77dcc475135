// The conversions behind codec<T>: which Value kinds read as which C++ type.
// docs/types.md has the table; every refusal is a DataError naming the column.

#include "asyncsql/types/codec.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

#include "asyncsql/error.hpp"
#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"

namespace asyncsql::detail {

namespace {

// How much of a value an error message shows.
constexpr std::size_t max_shown = 40;

constexpr std::string_view null_hint = "read a column that may be NULL as std::optional<T>";
constexpr std::string_view text_not_number =
    "text is not converted to a number; convert it in SQL or read it as std::string";

// At most max_shown bytes of `s`, cut on a UTF-8 character boundary.
std::string shorten(std::string_view s) {
    if (s.size() <= max_shown) return std::string(s);
    std::size_t n = max_shown;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    std::string out(s.substr(0, n));
    out += "...";
    return out;
}

std::string quoted(std::string_view s) {
    std::string out = "'";
    out += shorten(s);
    out += '\'';
    return out;
}

// The value as an error message shows it, without copying a large text or blob.
std::string short_value(const Value& v) {
    if (const auto* s = v.get_if<std::string>()) return quoted(*s);
    if (const auto* j = v.get_if<Json>()) return quoted(j->text);
    if (const auto* d = v.get_if<Decimal>()) return shorten(d->text);
    if (const auto* b = v.get_if<Bytes>()) {
        constexpr char hex[] = "0123456789abcdef";
        constexpr std::size_t max_bytes = (max_shown - 2) / 2;
        std::string out = "\\x";
        for (std::size_t i = 0; i < b->size() && i < max_bytes; ++i) {
            const auto u = std::to_integer<unsigned>((*b)[i]);
            out += hex[u >> 4];
            out += hex[u & 0xf];
        }
        if (b->size() > max_bytes) out += "...";
        return out;
    }
    return v.to_string();
}

template <class T>
std::string range_text(T min, T max) {
    return "out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

// A decimal's text read as an integer, when it is one exactly.
struct DecimalInteger {
    enum class Status { ok, malformed, not_integer, too_large } status = Status::malformed;
    bool negative = false;
    std::uint64_t magnitude = 0;
};

DecimalInteger decimal_to_integer(std::string_view text) {
    using Status = DecimalInteger::Status;
    DecimalInteger result;
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) result.negative = text[i++] == '-';
    const std::size_t int_begin = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    const std::string_view int_digits = text.substr(int_begin, i - int_begin);
    std::string_view frac_digits;
    if (i < text.size() && text[i] == '.') {
        const std::size_t frac_begin = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        frac_digits = text.substr(frac_begin, i - frac_begin);
    }
    if (int_digits.empty() && frac_digits.empty()) return result;
    std::int64_t exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) exp_negative = text[i++] == '-';
        const std::size_t exp_begin = i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[i] - '0');
        }
        if (i == exp_begin) return result;
        if (exp_negative) exponent = -exponent;
    }
    if (i != text.size()) return result;

    // The digits int_digits + frac_digits with the decimal point after `point` of them.
    const auto count = static_cast<std::int64_t>(int_digits.size() + frac_digits.size());
    const auto digit = [&](std::int64_t k) {
        const auto n = static_cast<std::size_t>(k);
        return n < int_digits.size() ? int_digits[n] : frac_digits[n - int_digits.size()];
    };
    const std::int64_t point = static_cast<std::int64_t>(int_digits.size()) + exponent;

    for (std::int64_t k = point < 0 ? 0 : point; k < count; ++k) {
        if (digit(k) != '0') {
            result.status = Status::not_integer;
            return result;
        }
    }
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t magnitude = 0;
    for (std::int64_t k = 0; k < point; ++k) {
        const unsigned d = k < count ? static_cast<unsigned>(digit(k) - '0') : 0;
        if (magnitude == 0 && d == 0) {
            if (k >= count) break;  // zero stays zero, however large the exponent
            continue;               // leading zero
        }
        if (magnitude > (max - d) / 10) {
            result.status = Status::too_large;
            return result;
        }
        magnitude = magnitude * 10 + d;
    }
    result.magnitude = magnitude;
    result.status = Status::ok;
    return result;
}

[[noreturn]] void throw_null(const Value& v, std::string_view target, std::string_view column) {
    throw_decode_error(v, target, column, null_hint);
}

// The kinds every numeric target refuses, with the reason for text.
[[noreturn]] void throw_not_numeric(const Value& v, std::string_view target,
                                    std::string_view column) {
    if (v.is_null()) throw_null(v, target, column);
    if (v.kind() == ValueKind::text) throw_decode_error(v, target, column, text_not_number);
    throw_decode_error(v, target, column);
}

}  // namespace

void throw_decode_error(const Value& v, std::string_view target, std::string_view column,
                        std::string_view why) {
    std::string message;
    if (column.empty()) {
        message = "value";
    } else {
        message = "column '";
        message += column;
        message += '\'';
    }
    message += ": cannot read ";
    if (v.is_null()) {
        message += "NULL";
    } else {
        message += to_string(v.kind());
        message += ' ';
        message += short_value(v);
    }
    message += " as ";
    message += target;
    if (!why.empty()) {
        message += ": ";
        message += why;
    }
    throw DataError(std::move(message), ErrorKind::data_exception);
}

void throw_encode_error(std::string_view what) {
    throw DataError(std::string(what), ErrorKind::data_exception);
}

std::int64_t decode_signed(const Value& v, std::int64_t min, std::int64_t max,
                           std::string_view target, std::string_view column) {
    std::int64_t result = 0;
    if (const auto* i = v.get_if<std::int64_t>()) {
        result = *i;
    } else if (const auto* b = v.get_if<bool>()) {
        result = *b ? 1 : 0;
    } else if (const auto* d = v.get_if<double>()) {
        if (!std::isfinite(*d)) throw_decode_error(v, target, column, "not a finite number");
        if (std::trunc(*d) != *d) throw_decode_error(v, target, column, "not an integer");
        // [-2^63, 2^63) holds exactly the doubles that convert to int64.
        if (*d < -9223372036854775808.0 || *d >= 9223372036854775808.0)
            throw_decode_error(v, target, column, range_text(min, max));
        result = static_cast<std::int64_t>(*d);
    } else if (const auto* dec = v.get_if<Decimal>()) {
        const DecimalInteger n = decimal_to_integer(dec->text);
        using Status = DecimalInteger::Status;
        if (n.status == Status::malformed) throw_decode_error(v, target, column, "malformed decimal");
        if (n.status == Status::not_integer) throw_decode_error(v, target, column, "not an integer");
        constexpr auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        if (n.status == Status::too_large || n.magnitude > limit + (n.negative ? 1 : 0))
            throw_decode_error(v, target, column, range_text(min, max));
        result = n.negative ? static_cast<std::int64_t>(0 - n.magnitude)
                            : static_cast<std::int64_t>(n.magnitude);
    } else {
        throw_not_numeric(v, target, column);
    }
    if (result < min || result > max) throw_decode_error(v, target, column, range_text(min, max));
    return result;
}

std::uint64_t decode_unsigned(const Value& v, std::uint64_t max, std::string_view target,
                              std::string_view column) {
    constexpr std::string_view negative = "negative value for an unsigned type";
    std::uint64_t result = 0;
    if (const auto* i = v.get_if<std::int64_t>()) {
        if (*i < 0) throw_decode_error(v, target, column, negative);
        result = static_cast<std::uint64_t>(*i);
    } else if (const auto* b = v.get_if<bool>()) {
        result = *b ? 1 : 0;
    } else if (const auto* d = v.get_if<double>()) {
        if (!std::isfinite(*d)) throw_decode_error(v, target, column, "not a finite number");
        if (std::trunc(*d) != *d) throw_decode_error(v, target, column, "not an integer");
        if (*d < 0) throw_decode_error(v, target, column, negative);
        if (*d >= 18446744073709551616.0)
            throw_decode_error(v, target, column, range_text(std::uint64_t{0}, max));
        result = static_cast<std::uint64_t>(*d);
    } else if (const auto* dec = v.get_if<Decimal>()) {
        const DecimalInteger n = decimal_to_integer(dec->text);
        using Status = DecimalInteger::Status;
        if (n.status == Status::malformed) throw_decode_error(v, target, column, "malformed decimal");
        if (n.status == Status::not_integer) throw_decode_error(v, target, column, "not an integer");
        if (n.status == Status::too_large)
            throw_decode_error(v, target, column, range_text(std::uint64_t{0}, max));
        if (n.negative && n.magnitude != 0) throw_decode_error(v, target, column, negative);
        result = n.magnitude;
    } else {
        throw_not_numeric(v, target, column);
    }
    if (result > max) throw_decode_error(v, target, column, range_text(std::uint64_t{0}, max));
    return result;
}

double decode_real(const Value& v, std::string_view column) {
    constexpr std::string_view target = "double";
    if (const auto* d = v.get_if<double>()) return *d;
    if (const auto* i = v.get_if<std::int64_t>()) return static_cast<double>(*i);
    if (const auto* dec = v.get_if<Decimal>()) {
        std::string_view text = dec->text;
        if (!text.empty() && text.front() == '+') text.remove_prefix(1);
        double result = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, result);
        if (ec == std::errc::result_out_of_range)
            throw_decode_error(v, target, column, "out of range for double");
        if (ec != std::errc{} || ptr != end) throw_decode_error(v, target, column, "malformed decimal");
        return result;
    }
    throw_not_numeric(v, target, column);
}

bool decode_bool(const Value& v, std::string_view column) {
    constexpr std::string_view target = "bool";
    if (const auto* b = v.get_if<bool>()) return *b;
    if (const auto* i = v.get_if<std::int64_t>()) {
        if (*i == 0 || *i == 1) return *i == 1;
        throw_decode_error(v, target, column, "only 0 and 1 read as bool");
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

std::string decode_text(const Value& v, std::string_view column) {
    constexpr std::string_view target = "std::string";
    if (const auto* s = v.get_if<std::string>()) return *s;
    if (const auto* d = v.get_if<Decimal>()) return d->text;
    if (const auto* j = v.get_if<Json>()) return j->text;
    if (const auto* u = v.get_if<Uuid>()) return u->to_string();
    if (const auto* d = v.get_if<Date>()) return format_date(*d);
    if (const auto* t = v.get_if<Time>()) return format_time(*t);
    if (const auto* ts = v.get_if<Timestamp>()) return format_timestamp(*ts);
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Bytes decode_bytes(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Bytes";
    if (const auto* b = v.get_if<Bytes>()) return *b;
    if (const auto* s = v.get_if<std::string>()) {
        Bytes out(s->size());
        for (std::size_t i = 0; i < s->size(); ++i) out[i] = static_cast<std::byte>((*s)[i]);
        return out;
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Decimal decode_decimal(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Decimal";
    if (const auto* d = v.get_if<Decimal>()) return *d;
    if (const auto* i = v.get_if<std::int64_t>()) return Decimal{std::to_string(*i)};
    if (const auto* s = v.get_if<std::string>()) {
        try {
            return Decimal::parse(*s);
        } catch (const DataError&) {
            throw_decode_error(v, target, column, "expected [+-]digits[.digits][e[+-]digits]");
        }
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Date decode_date(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Date";
    if (const auto* d = v.get_if<Date>()) return *d;
    if (const auto* s = v.get_if<std::string>()) {
        Date out;
        if (const auto why = try_parse_date(*s, out); !why.empty())
            throw_decode_error(v, target, column, why);
        return out;
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Time decode_time(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Time";
    if (const auto* t = v.get_if<Time>()) return *t;
    if (const auto* s = v.get_if<std::string>()) {
        Time out;
        if (const auto why = try_parse_time(*s, out); !why.empty())
            throw_decode_error(v, target, column, why);
        return out;
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Timestamp decode_timestamp(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Timestamp";
    if (const auto* ts = v.get_if<Timestamp>()) return *ts;
    if (const auto* s = v.get_if<std::string>()) {
        Timestamp out;
        if (const auto why = try_parse_timestamp(*s, out); !why.empty())
            throw_decode_error(v, target, column, why);
        return out;
    }
    if (const auto* d = v.get_if<Date>()) {
        if (!d->ok()) throw_decode_error(v, target, column, "invalid date");
        return Timestamp{std::chrono::sys_days{*d}};
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Uuid decode_uuid(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Uuid";
    if (const auto* u = v.get_if<Uuid>()) return *u;
    if (const auto* s = v.get_if<std::string>()) {
        try {
            return Uuid::parse(*s);
        } catch (const DataError&) {
            throw_decode_error(v, target, column,
                               "expected 8-4-4-4-12 hex digits or 32 hex digits");
        }
    }
    if (const auto* b = v.get_if<Bytes>()) {
        if (b->size() != 16)
            throw_decode_error(v, target, column,
                               "expected 16 bytes, got " + std::to_string(b->size()));
        Uuid out;
        for (std::size_t i = 0; i < 16; ++i) out.bytes[i] = std::to_integer<std::uint8_t>((*b)[i]);
        return out;
    }
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Json decode_json(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Json";
    if (const auto* j = v.get_if<Json>()) return *j;
    if (const auto* s = v.get_if<std::string>()) return Json{*s};
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

Interval decode_interval(const Value& v, std::string_view column) {
    constexpr std::string_view target = "Interval";
    if (const auto* i = v.get_if<Interval>()) return *i;
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

const Array& decode_array(const Value& v, std::string_view column) {
    constexpr std::string_view target = "an array";
    if (const auto* a = v.get_if<Array>()) return *a;
    if (v.is_null()) throw_null(v, target, column);
    throw_decode_error(v, target, column);
}

}  // namespace asyncsql::detail
