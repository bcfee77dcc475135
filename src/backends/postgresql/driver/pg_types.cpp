// PostgreSQL wire forms of values: binary and text decoding, parameter encoding.
//
// Hand-written, locale-free parsing. Every read from a field is preceded by a
// length check (the decoders are fuzzed), and every failure is a DataError
// that names the PostgreSQL type.

#include "backends/postgresql/driver/pg_types.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "asyncsql/error.hpp"
#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"

namespace asyncsql::postgresql {

namespace {

// ---------------------------------------------------------------------------
// Type table

struct TypeInfo {
    Oid type;
    Oid element;  // 0 for a scalar type
    std::string_view name;
};

constexpr TypeInfo type_table[] = {
    {oid::boolean, 0, "bool"},
    {oid::bytea, 0, "bytea"},
    {oid::char_, 0, "char"},
    {oid::name, 0, "name"},
    {oid::int8, 0, "int8"},
    {oid::int2, 0, "int2"},
    {oid::int4, 0, "int4"},
    {oid::text, 0, "text"},
    {oid::oid, 0, "oid"},
    {oid::json, 0, "json"},
    {oid::float4, 0, "float4"},
    {oid::float8, 0, "float8"},
    {oid::unknown, 0, "unknown"},
    {oid::bpchar, 0, "bpchar"},
    {oid::varchar, 0, "varchar"},
    {oid::date, 0, "date"},
    {oid::time, 0, "time"},
    {oid::timestamp, 0, "timestamp"},
    {oid::timestamptz, 0, "timestamptz"},
    {oid::interval, 0, "interval"},
    {oid::numeric, 0, "numeric"},
    {oid::uuid, 0, "uuid"},
    {oid::jsonb, 0, "jsonb"},
    {oid::boolean_array, oid::boolean, "bool[]"},
    {oid::bytea_array, oid::bytea, "bytea[]"},
    {oid::char_array, oid::char_, "char[]"},
    {oid::name_array, oid::name, "name[]"},
    {oid::int2_array, oid::int2, "int2[]"},
    {oid::int4_array, oid::int4, "int4[]"},
    {oid::text_array, oid::text, "text[]"},
    {oid::bpchar_array, oid::bpchar, "bpchar[]"},
    {oid::varchar_array, oid::varchar, "varchar[]"},
    {oid::int8_array, oid::int8, "int8[]"},
    {oid::float4_array, oid::float4, "float4[]"},
    {oid::float8_array, oid::float8, "float8[]"},
    {oid::oid_array, oid::oid, "oid[]"},
    {oid::timestamp_array, oid::timestamp, "timestamp[]"},
    {oid::date_array, oid::date, "date[]"},
    {oid::time_array, oid::time, "time[]"},
    {oid::timestamptz_array, oid::timestamptz, "timestamptz[]"},
    {oid::interval_array, oid::interval, "interval[]"},
    {oid::numeric_array, oid::numeric, "numeric[]"},
    {oid::uuid_array, oid::uuid, "uuid[]"},
    {oid::json_array, oid::json, "json[]"},
    {oid::jsonb_array, oid::jsonb, "jsonb[]"},
};

const TypeInfo* find_type(Oid type) noexcept {
    for (const TypeInfo& info : type_table) {
        if (info.type == type) return &info;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// Errors

constexpr std::size_t max_shown = 64;

std::string describe_type(Oid type) {
    const std::string_view name = type_name(type);
    return name.empty() ? "OID " + std::to_string(type) : std::string(name);
}

void append_clipped(std::string& out, std::string_view text) {
    out += text.substr(0, max_shown);
    if (text.size() > max_shown) out += "...";
}

[[noreturn]] void throw_data_error(std::string message) {
    throw DataError(std::move(message), ErrorKind::data_exception);
}

// Binary field that does not have the shape of its type.
[[noreturn]] void throw_malformed(Oid type, std::string_view why) {
    throw_data_error("malformed binary value of PostgreSQL type " + describe_type(type) + ": " +
                     std::string(why));
}

// Text field that does not parse as its type.
[[noreturn]] void throw_bad_text(Oid type, std::string_view text, std::string_view why) {
    std::string message = "invalid text value of PostgreSQL type " + describe_type(type) + " '";
    append_clipped(message, text);
    message += "': ";
    message += why;
    throw_data_error(std::move(message));
}

[[noreturn]] void throw_infinite(Oid type) {
    throw_data_error("infinite values of PostgreSQL type " + describe_type(type) +
                     " cannot be represented (infinite dates and timestamps are not supported)");
}

[[noreturn]] void throw_multi_dimensional(Oid type) {
    throw_data_error("multi-dimensional arrays are not supported (PostgreSQL type " +
                     describe_type(type) + ")");
}

// ---------------------------------------------------------------------------
// Calendar constants

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_minute = 60 * us_per_second;
constexpr std::int64_t us_per_hour = 60 * us_per_minute;
constexpr std::int64_t us_per_day = 24 * us_per_hour;

// 2000-01-01, PostgreSQL's epoch, counted from the Unix epoch.
constexpr std::int64_t pg_epoch_days = 10'957;
constexpr std::int64_t pg_epoch_us = pg_epoch_days * us_per_day;

// The days std::chrono::year can hold (the same years parse_date accepts).
constexpr std::int64_t min_days =
    std::chrono::sys_days(std::chrono::year{-32767} / 1 / 1).time_since_epoch().count();
constexpr std::int64_t max_days =
    std::chrono::sys_days(std::chrono::year{32767} / 12 / 31).time_since_epoch().count();

// ---------------------------------------------------------------------------
// Binary decoding

template <class U>
U load_be(const char* p) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return static_cast<U>(v);
}

std::string count_of_bytes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// Sequential reads from one field; every read is checked against its end.
class Reader {
public:
    Reader(Oid type, std::string_view bytes) noexcept : type_(type), bytes_(bytes) {}

    std::size_t remaining() const noexcept { return bytes_.size() - pos_; }

    std::string_view take(std::size_t n) {
        if (n > remaining()) {
            throw_malformed(type_, "truncated: needs " + count_of_bytes(n) + " more, " +
                                       std::to_string(remaining()) + " left");
        }
        const std::string_view out = bytes_.substr(pos_, n);
        pos_ += n;
        return out;
    }

    template <class U>
    U unsigned_be() { return load_be<U>(take(sizeof(U)).data()); }

    std::int16_t i16() { return static_cast<std::int16_t>(unsigned_be<std::uint16_t>()); }
    std::int32_t i32() { return static_cast<std::int32_t>(unsigned_be<std::uint32_t>()); }
    std::int64_t i64() { return static_cast<std::int64_t>(unsigned_be<std::uint64_t>()); }
    std::uint16_t u16() { return unsigned_be<std::uint16_t>(); }
    std::uint32_t u32() { return unsigned_be<std::uint32_t>(); }

    void expect_end() const {
        if (remaining() != 0) {
            throw_malformed(type_, "unexpected trailing " + count_of_bytes(remaining()));
        }
    }

private:
    Oid type_;
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

// A fixed-size field: exactly `n` bytes.
void expect_size(Oid type, std::string_view bytes, std::size_t n) {
    if (bytes.size() != n) {
        throw_malformed(type,
                        "expected " + count_of_bytes(n) + ", got " + count_of_bytes(bytes.size()));
    }
}

Value decode_bool_binary(std::string_view bytes) {
    expect_size(oid::boolean, bytes, 1);
    return Value(bytes[0] != 0);
}

template <class U>
U decode_fixed(Oid type, std::string_view bytes) {
    expect_size(type, bytes, sizeof(U));
    return load_be<U>(bytes.data());
}

Value decode_int_binary(Oid type, std::string_view bytes) {
    switch (type) {
    case oid::int2: {
        const auto v = static_cast<std::int16_t>(decode_fixed<std::uint16_t>(type, bytes));
        return Value(std::int64_t{v});
    }
    case oid::int4: {
        const auto v = static_cast<std::int32_t>(decode_fixed<std::uint32_t>(type, bytes));
        return Value(std::int64_t{v});
    }
    case oid::oid: return Value(std::int64_t{decode_fixed<std::uint32_t>(type, bytes)});
    default: return Value(static_cast<std::int64_t>(decode_fixed<std::uint64_t>(type, bytes)));
    }
}

Value decode_float_binary(Oid type, std::string_view bytes) {
    if (type == oid::float4) {
        const auto f = std::bit_cast<float>(decode_fixed<std::uint32_t>(type, bytes));
        return Value(static_cast<double>(f));
    }
    return Value(std::bit_cast<double>(decode_fixed<std::uint64_t>(type, bytes)));
}

// --- numeric ---------------------------------------------------------------

constexpr std::uint16_t numeric_pos = 0x0000;
constexpr std::uint16_t numeric_neg = 0x4000;
constexpr std::uint16_t numeric_nan = 0xC000;
constexpr std::uint16_t numeric_pinf = 0xD000;
constexpr std::uint16_t numeric_ninf = 0xF000;
constexpr std::uint16_t numeric_dscale_mask = 0x3FFF;
constexpr int numeric_base = 10'000;

// Four decimal digits, zero-padded.
void put_base_digit(std::string& out, unsigned digit) {
    char buf[4];
    for (int i = 3; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + digit % 10);
        digit /= 10;
    }
    out.append(buf, 4);
}

// The text of a finite NumericVar, as PostgreSQL's get_str_from_var writes it:
// the integer part without leading zeros, then exactly `dscale` fraction digits.
std::string numeric_text(const std::vector<std::uint16_t>& digits, int weight, bool negative,
                         int dscale) {
    const int ndigits = static_cast<int>(digits.size());
    auto digit_at = [&](int i) -> unsigned { return i >= 0 && i < ndigits ? digits[i] : 0u; };

    std::string out;
    if (negative) out += '-';
    if (weight < 0) {
        out += '0';
    } else {
        out += std::to_string(digit_at(0));
        for (int i = 1; i <= weight; ++i) put_base_digit(out, digit_at(i));
    }
    if (dscale > 0) {
        out += '.';
        const std::size_t end = out.size() + static_cast<std::size_t>(dscale);
        for (int i = weight + 1; out.size() < end; ++i) put_base_digit(out, digit_at(i));
        out.resize(end);
    }
    return out;
}

Value decode_numeric_binary(std::string_view bytes) {
    Reader r(oid::numeric, bytes);
    const std::int16_t ndigits = r.i16();
    const std::int16_t weight = r.i16();
    const std::uint16_t sign = r.u16();
    const std::uint16_t dscale = r.u16();
    if (ndigits < 0) throw_malformed(oid::numeric, "negative digit count");
    if (r.remaining() != 2 * static_cast<std::size_t>(ndigits)) {
        throw_malformed(oid::numeric, std::to_string(ndigits) + " digits need " +
                                          std::to_string(2 * ndigits) + " bytes, got " +
                                          std::to_string(r.remaining()));
    }
    switch (sign) {
    case numeric_nan: return Value(Decimal{"NaN"});
    case numeric_pinf: return Value(Decimal{"Infinity"});
    case numeric_ninf: return Value(Decimal{"-Infinity"});
    case numeric_pos:
    case numeric_neg: break;
    default: throw_malformed(oid::numeric, "invalid sign word");
    }
    if ((dscale & ~numeric_dscale_mask) != 0) {
        throw_malformed(oid::numeric, "invalid display scale");
    }

    std::vector<std::uint16_t> digits(static_cast<std::size_t>(ndigits));
    for (auto& digit : digits) {
        digit = r.u16();
        if (digit >= numeric_base) throw_malformed(oid::numeric, "digit out of range 0-9999");
    }
    return Value(Decimal{numeric_text(digits, weight, sign == numeric_neg, dscale)});
}

// --- text-like, bytea, json --------------------------------------------------

Value decode_bytea_binary(std::string_view bytes) {
    Bytes out(bytes.size());
    if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return Value(std::move(out));
}

// "char" is one byte; its NUL is the empty string, as its text form has it.
Value decode_char_binary(std::string_view bytes) {
    if (bytes.size() == 1 && bytes[0] == '\0') return Value(std::string());
    return Value(std::string(bytes));
}

Value decode_jsonb_binary(std::string_view bytes) {
    if (bytes.empty()) throw_malformed(oid::jsonb, "missing version byte");
    if (bytes[0] != 1) {
        throw_malformed(oid::jsonb, "unsupported version " +
                                        std::to_string(static_cast<unsigned char>(bytes[0])));
    }
    return Value(Json{std::string(bytes.substr(1))});
}

Value decode_uuid_binary(std::string_view bytes) {
    expect_size(oid::uuid, bytes, 16);
    Uuid uuid;
    std::memcpy(uuid.bytes.data(), bytes.data(), 16);
    return Value(uuid);
}

// --- date and time -----------------------------------------------------------

Date date_from_unix_days(Oid type, std::int64_t days) {
    if (days < min_days || days > max_days) {
        throw_data_error("PostgreSQL " + describe_type(type) +
                         " value out of range: years must be within -32767..32767");
    }
    return Date{std::chrono::sys_days{std::chrono::days{days}}};
}

Value decode_date_binary(std::string_view bytes) {
    const auto days = static_cast<std::int32_t>(decode_fixed<std::uint32_t>(oid::date, bytes));
    if (days == std::numeric_limits<std::int32_t>::max() ||
        days == std::numeric_limits<std::int32_t>::min()) {
        throw_infinite(oid::date);
    }
    return Value(date_from_unix_days(oid::date, pg_epoch_days + days));
}

Value decode_time_binary(std::string_view bytes) {
    const auto us = static_cast<std::int64_t>(decode_fixed<std::uint64_t>(oid::time, bytes));
    if (us < 0 || us > us_per_day) throw_malformed(oid::time, "time of day out of range");
    return Value(Time{std::chrono::microseconds{us}});
}

Value decode_timestamp_binary(Oid type, std::string_view bytes) {
    const auto us = static_cast<std::int64_t>(decode_fixed<std::uint64_t>(type, bytes));
    if (us == std::numeric_limits<std::int64_t>::max() ||
        us == std::numeric_limits<std::int64_t>::min()) {
        throw_infinite(type);
    }
    if (us > std::numeric_limits<std::int64_t>::max() - pg_epoch_us) {
        throw_data_error("PostgreSQL " + describe_type(type) + " value out of range");
    }
    return Value(Timestamp{std::chrono::microseconds{us + pg_epoch_us}});
}

Value decode_interval_binary(std::string_view bytes) {
    expect_size(oid::interval, bytes, 16);
    Reader r(oid::interval, bytes);
    Interval out;
    out.time = std::chrono::microseconds{r.i64()};
    out.days = r.i32();
    out.months = r.i32();
    return Value(out);
}

// --- arrays ------------------------------------------------------------------

Value decode_array_binary(Oid type, Oid element, std::string_view bytes) {
    Reader r(type, bytes);
    const std::int32_t ndim = r.i32();
    const std::int32_t flags = r.i32();
    const Oid element_type = r.u32();
    if (ndim < 0) throw_malformed(type, "negative number of dimensions");
    if (ndim > 1) throw_multi_dimensional(type);
    if ((flags & ~1) != 0) throw_malformed(type, "invalid flags");
    if (element_type != element) {
        throw_malformed(type, "element type OID " + std::to_string(element_type) + ", expected " +
                                  std::to_string(element));
    }
    Array out;
    if (ndim == 0) {
        r.expect_end();
        return Value(std::move(out));
    }
    const std::int32_t size = r.i32();
    (void)r.i32();  // lower bound: the Array is indexed from 0 whatever it is
    if (size < 0) throw_malformed(type, "negative array size");
    // Each element takes at least its 4-byte length: never reserve past that.
    out.reserve(std::min(static_cast<std::size_t>(size), r.remaining() / 4));
    for (std::int32_t i = 0; i < size; ++i) {
        const std::int32_t length = r.i32();
        if (length == -1) {
            out.emplace_back();
        } else if (length < 0) {
            throw_malformed(type, "negative element length");
        } else {
            out.push_back(decode_binary(element, r.take(static_cast<std::size_t>(length))));
        }
    }
    r.expect_end();
    return Value(std::move(out));
}

// ---------------------------------------------------------------------------
// Text decoding

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

constexpr char to_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    }
    return true;
}

bool is_infinity_word(std::string_view text) noexcept {
    return text == "infinity" || text == "-infinity" || text == "+infinity";
}

Value decode_bool_text(std::string_view text) {
    if (text == "t" || text == "true") return Value(true);
    if (text == "f" || text == "false") return Value(false);
    throw_bad_text(oid::boolean, text, "expected t or f");
}

template <class T>
bool fits(std::int64_t v) noexcept {
    return v >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
           v <= static_cast<std::int64_t>(std::numeric_limits<T>::max());
}

// Whether `value` is within the range of the integer type `type`.
bool integer_fits(Oid type, std::int64_t value) noexcept {
    switch (type) {
    case oid::int2: return fits<std::int16_t>(value);
    case oid::int4: return fits<std::int32_t>(value);
    case oid::oid: return fits<std::uint32_t>(value);
    default: return true;
    }
}

Value decode_int_text(Oid type, std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range) throw_bad_text(type, text, "out of range");
    if (ec != std::errc{} || ptr != end) throw_bad_text(type, text, "expected an integer");
    if (!integer_fits(type, value)) throw_bad_text(type, text, "out of range");
    return Value(value);
}

// float4 text is read as a float and widened, so that it gives the same
// double as the binary form.
template <class F>
double parse_float(Oid type, std::string_view text) {
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
    F value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range) throw_bad_text(type, text, "out of range");
    if (ec != std::errc{} || ptr != end) throw_bad_text(type, text, "expected a number");
    return static_cast<double>(value);
}

Value decode_float_text(Oid type, std::string_view text) {
    return Value(type == oid::float4 ? parse_float<float>(type, text)
                                     : parse_float<double>(type, text));
}

Value decode_numeric_text(std::string_view text) {
    if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
        return Value(Decimal{std::string(text)});
    }
    return Value(Decimal::parse(text));
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Bytes decode_bytea_hex(std::string_view text, std::string_view hex) {
    if (hex.size() % 2 != 0) throw_bad_text(oid::bytea, text, "odd number of hex digits");
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) throw_bad_text(oid::bytea, text, "expected hex digits after \\x");
        out[i] = static_cast<std::byte>(hi * 16 + lo);
    }
    return out;
}

constexpr bool is_octal(char c) noexcept { return c >= '0' && c <= '7'; }

// "\ooo" with a value up to 0377.
bool is_octal_escape(std::string_view s) noexcept {
    return s.size() == 4 && s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && is_octal(s[2]) &&
           is_octal(s[3]);
}

int octal_escape_value(std::string_view s) noexcept {
    return (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
}

// bytea_output = escape: "\\" for a backslash, "\ooo" for any byte.
Bytes decode_bytea_escape(std::string_view text) {
    Bytes out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out.push_back(static_cast<std::byte>(text[i]));
        } else if (i + 1 < text.size() && text[i + 1] == '\\') {
            out.push_back(std::byte{'\\'});
            ++i;
        } else if (is_octal_escape(text.substr(i, 4))) {
            out.push_back(static_cast<std::byte>(octal_escape_value(text.substr(i, 4))));
            i += 3;
        } else {
            throw_bad_text(oid::bytea, text, "invalid backslash escape");
        }
    }
    return out;
}

// "char" writes a byte with the high bit set as "\ooo".
Value decode_char_text(std::string_view text) {
    if (is_octal_escape(text)) {
        return Value(std::string(1, static_cast<char>(octal_escape_value(text))));
    }
    return Value(std::string(text));
}

Value decode_bytea_text(std::string_view text) {
    if (text.starts_with("\\x")) return Value(decode_bytea_hex(text, text.substr(2)));
    return Value(decode_bytea_escape(text));
}

// "0044-03-15..." followed by " BC" names year 44 BC, which is astronomical
// year -43: rewrites the text in that form ("-0043-03-15...") for the ISO
// parsers. Text without the suffix is returned unchanged.
std::string without_era(Oid type, std::string_view text) {
    constexpr std::string_view bc = " BC";
    if (!text.ends_with(bc)) return std::string(text);
    text.remove_suffix(bc.size());
    std::size_t n = 0;
    while (n < text.size() && is_digit(text[n])) ++n;
    if (n < 4 || n > 6) throw_bad_text(type, text, "expected a year of 4 to 6 digits before BC");
    int year = 0;
    for (std::size_t i = 0; i < n; ++i) year = year * 10 + (text[i] - '0');
    if (year == 0) throw_bad_text(type, text, "there is no year 0 BC");
    std::string out = year > 1 ? "-" : "";
    std::string digits = std::to_string(year - 1);
    if (digits.size() < 4) out.append(4 - digits.size(), '0');
    out += digits;
    out += text.substr(n);
    return out;
}

Value decode_date_text(std::string_view text) {
    if (is_infinity_word(text)) throw_infinite(oid::date);
    return Value(parse_date(without_era(oid::date, text)));
}

Value decode_timestamp_text(Oid type, std::string_view text) {
    if (is_infinity_word(text)) throw_infinite(type);
    return Value(parse_timestamp(without_era(type, text)));
}

// --- interval (IntervalStyle postgres) ----------------------------------------

// Splits on spaces: "1", "year", "-02:00:00", ...
class Words {
public:
    explicit Words(std::string_view text) noexcept : rest_(text) {}

    bool next(std::string_view& word) noexcept {
        while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
        if (rest_.empty()) return false;
        const std::size_t end = std::min(rest_.find(' '), rest_.size());
        word = rest_.substr(0, end);
        rest_.remove_prefix(end);
        return true;
    }

private:
    std::string_view rest_;
};

// [+-]digits, at most 18 of them (so that it fits an int64 unchecked).
bool parse_signed(std::string_view s, std::int64_t& out) noexcept {
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || s.size() > 18) return false;
    std::int64_t value = 0;
    for (char c : s) {
        if (!is_digit(c)) return false;
        value = value * 10 + (c - '0');
    }
    out = negative ? -value : value;
    return true;
}

// [+-]H+:MM:SS[.f+] as signed microseconds.
bool parse_clock(std::string_view s, std::int64_t& out) noexcept {
    bool negative = false;
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    const std::size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 10) return false;
    std::uint64_t hours = 0;
    for (std::size_t i = 0; i < colon; ++i) {
        if (!is_digit(s[i])) return false;
        hours = hours * 10 + static_cast<std::uint64_t>(s[i] - '0');
    }
    // The rest is MM:SS[.f]: reuse the time-of-day parser with a zero hour.
    std::string rest = "00";
    rest += s.substr(colon);
    Time clock;
    if (!detail::try_parse_time(rest, clock).empty()) return false;
    // The magnitude in unsigned arithmetic, so that -2^63 fits too.
    std::uint64_t magnitude = 0;
    if (__builtin_mul_overflow(hours, static_cast<std::uint64_t>(us_per_hour), &magnitude) ||
        __builtin_add_overflow(magnitude, static_cast<std::uint64_t>(clock.since_midnight.count()),
                               &magnitude)) {
        return false;
    }
    const std::uint64_t limit = std::uint64_t{1} << 63;  // |INT64_MIN|
    if (magnitude > (negative ? limit : limit - 1)) return false;
    out = static_cast<std::int64_t>(negative ? 0 - magnitude : magnitude);
    return true;
}

struct IntervalParts {
    std::int64_t months = 0;
    std::int64_t days = 0;
    std::int64_t us = 0;
};

// Adds `n` of `unit` ("year", "mons", ...); false for an unknown unit.
bool add_interval_unit(IntervalParts& parts, std::int64_t n, std::string_view unit) noexcept {
    if (unit == "year" || unit == "years") {
        parts.months += n * 12;
    } else if (unit == "mon" || unit == "mons") {
        parts.months += n;
    } else if (unit == "day" || unit == "days") {
        parts.days += n;
    } else {
        return false;
    }
    return true;
}

bool fits_int32(std::int64_t v) noexcept {
    return fits<std::int32_t>(v);
}

Value decode_interval_text(std::string_view text) {
    constexpr std::string_view expected =
        "expected [N year[s]] [N mon[s]] [N day[s]] [[+-]HH:MM:SS[.ffffff]] "
        "(IntervalStyle postgres)";
    Words words(text);
    IntervalParts parts;
    std::string_view word;
    bool any = false;
    bool clock_seen = false;
    while (words.next(word)) {
        if (clock_seen) throw_bad_text(oid::interval, text, expected);
        any = true;
        if (word.find(':') != std::string_view::npos) {
            if (!parse_clock(word, parts.us)) throw_bad_text(oid::interval, text, expected);
            clock_seen = true;
            continue;
        }
        std::int64_t n = 0;
        std::string_view unit;
        if (!parse_signed(word, n) || n > std::numeric_limits<std::int32_t>::max() ||
            n < std::numeric_limits<std::int32_t>::min() || !words.next(unit) ||
            !add_interval_unit(parts, n, unit)) {
            throw_bad_text(oid::interval, text, expected);
        }
        // Bound the sums so that the next addition cannot overflow either.
        if (!fits_int32(parts.months) || !fits_int32(parts.days)) {
            throw_bad_text(oid::interval, text, "out of range");
        }
    }
    if (!any) throw_bad_text(oid::interval, text, expected);
    return Value(Interval{static_cast<std::int32_t>(parts.months),
                          static_cast<std::int32_t>(parts.days),
                          std::chrono::microseconds{parts.us}});
}

// --- arrays --------------------------------------------------------------------

// Skips the "[1:3]=" that PostgreSQL writes before an array whose lower
// bound is not 1.
std::string_view skip_dimensions(Oid type, std::string_view text) {
    if (text.empty() || text.front() != '[') return text;
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) throw_bad_text(type, text, "unterminated dimension");
    std::string_view rest = text.substr(close + 1);
    if (rest.starts_with("[")) throw_multi_dimensional(type);
    if (!rest.starts_with("=")) throw_bad_text(type, text, "expected '=' after the dimension");
    return rest.substr(1);
}

// Reads the elements of one "{...}" literal.
class ArrayTextParser {
public:
    ArrayTextParser(Oid type, Oid element, std::string_view text) noexcept
        : type_(type), element_(element), text_(text) {}

    Array parse() {
        s_ = skip_dimensions(type_, text_);
        skip_spaces();
        expect('{');
        Array out;
        skip_spaces();
        if (peek() == '}') {
            ++pos_;
        } else {
            parse_elements(out);
        }
        skip_spaces();
        if (pos_ != s_.size()) fail("unexpected text after '}'");
        return out;
    }

private:
    void parse_elements(Array& out) {
        for (;;) {
            skip_spaces();
            out.push_back(parse_element());
            skip_spaces();
            const char c = peek();
            if (c != ',' && c != '}') fail("expected ',' or '}'");
            ++pos_;
            if (c == '}') return;
        }
    }

    Value parse_element() {
        const char c = peek();
        if (c == '{') throw_multi_dimensional(type_);
        if (c == '"') return decode_text(element_, quoted());
        bool escaped = false;
        const std::string word = unquoted(escaped);
        if (!escaped && equals_ignoring_case(word, "NULL")) return Value();
        return decode_text(element_, word);
    }

    std::string quoted() {
        ++pos_;  // opening quote
        std::string out;
        for (;;) {
            if (pos_ >= s_.size()) fail("unterminated quoted element");
            const char c = s_[pos_++];
            if (c == '"') return out;
            if (c == '\\') {
                if (pos_ >= s_.size()) fail("unterminated quoted element");
                out += s_[pos_++];
            } else {
                out += c;
            }
        }
    }

    // Up to the next ',' or '}'; surrounding spaces dropped, backslash escapes
    // applied (an escaped character is kept even when it is a space).
    std::string unquoted(bool& escaped) {
        std::string out;
        std::size_t keep = 0;
        while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}') {
            const char c = s_[pos_++];
            if (c == '"' || c == '{') fail("unexpected character in an unquoted element");
            if (c == '\\') {
                if (pos_ >= s_.size()) fail("backslash at the end");
                out += s_[pos_++];
                escaped = true;
                keep = out.size();
            } else {
                out += c;
                if (!is_space(c)) keep = out.size();
            }
        }
        out.resize(keep);
        if (out.empty() && !escaped) fail("empty element");
        return out;
    }

    char peek() const noexcept { return pos_ < s_.size() ? s_[pos_] : '\0'; }

    void skip_spaces() noexcept {
        while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    }

    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }

    [[noreturn]] void fail(std::string_view why) const { throw_bad_text(type_, text_, why); }

    Oid type_;
    Oid element_;
    std::string_view text_;
    std::string_view s_;
    std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------
// Encoding

void put_be(std::string& out, std::uint64_t v, std::size_t size) {
    for (std::size_t i = size; i-- > 0;) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_i32(std::string& out, std::int32_t v) { put_be(out, static_cast<std::uint32_t>(v), 4); }
void put_i64(std::string& out, std::int64_t v) { put_be(out, static_cast<std::uint64_t>(v), 8); }

// The binary type of a value of `kind`, or 0 when it goes as text.
Oid binary_type(ValueKind kind) noexcept {
    switch (kind) {
    case ValueKind::boolean: return oid::boolean;
    case ValueKind::integer: return oid::int8;
    case ValueKind::real: return oid::float8;
    case ValueKind::bytes: return oid::bytea;
    case ValueKind::date: return oid::date;
    case ValueKind::time: return oid::time;
    case ValueKind::uuid: return oid::uuid;
    case ValueKind::interval: return oid::interval;
    default: return oid::unspecified;
    }
}

std::int64_t checked_date_days(Date date) {
    if (!date.ok()) {
        throw_data_error("invalid date " + format_date(date) + " cannot be sent to PostgreSQL");
    }
    return std::chrono::sys_days(date).time_since_epoch().count();
}

std::int64_t checked_time_us(Time time) {
    const std::int64_t us = time.since_midnight.count();
    if (us < 0 || us > us_per_day) {
        throw_data_error("time of day " + format_time(time) + " is outside 00:00:00-24:00:00");
    }
    return us;
}

// Appends the binary form of a value whose binary_type() is not 0.
void put_binary(std::string& out, const Value& v) {
    switch (v.kind()) {
    case ValueKind::boolean: out += *v.get_if<bool>() ? '\1' : '\0'; break;
    case ValueKind::integer: put_i64(out, *v.get_if<std::int64_t>()); break;
    case ValueKind::real: put_be(out, std::bit_cast<std::uint64_t>(*v.get_if<double>()), 8); break;
    case ValueKind::bytes: {
        const Bytes& b = *v.get_if<Bytes>();
        if (!b.empty()) out.append(reinterpret_cast<const char*>(b.data()), b.size());
        break;
    }
    case ValueKind::date: {
        const std::int64_t days = checked_date_days(*v.get_if<Date>()) - pg_epoch_days;
        put_i32(out, static_cast<std::int32_t>(days));
        break;
    }
    case ValueKind::time: put_i64(out, checked_time_us(*v.get_if<Time>())); break;
    case ValueKind::uuid: {
        const Uuid& u = *v.get_if<Uuid>();
        out.append(reinterpret_cast<const char*>(u.bytes.data()), u.bytes.size());
        break;
    }
    case ValueKind::interval: {
        const Interval& i = *v.get_if<Interval>();
        put_i64(out, i.time.count());
        put_i32(out, i.days);
        put_i32(out, i.months);
        break;
    }
    default: break;
    }
}

// "YYYY-MM-DD", with " BC" years as PostgreSQL writes and reads them;
// returns whether the era suffix is needed (the caller appends it last).
bool put_pg_date(std::string& out, Date date) {
    const int year = static_cast<int>(date.year());
    const std::string iso = format_date(date);  // [-]YYYY-MM-DD
    if (year > 0) {
        out += iso;
        return false;
    }
    const std::string digits = std::to_string(1 - year);
    if (digits.size() < 4) out.append(4 - digits.size(), '0');
    out += digits;
    out += std::string_view(iso).substr(iso.size() - 6);  // -MM-DD
    return true;
}

void put_pg_timestamp(std::string& out, Timestamp ts) {
    const auto day = std::chrono::floor<std::chrono::days>(ts);
    const std::int64_t days = day.time_since_epoch().count();
    if (days < min_days || days > max_days) {
        throw_data_error(
            "timestamp out of range for PostgreSQL: years must be within -32767..32767");
    }
    const bool bc = put_pg_date(out, Date{day});
    out += ' ';
    out += format_time(Time{ts - day});
    out += "+00";
    if (bc) out += " BC";
}

void put_double_text(std::string& out, double d) {
    if (std::isnan(d)) {
        out += "NaN";
    } else if (std::isinf(d)) {
        out += d > 0 ? "Infinity" : "-Infinity";
    } else {
        char buf[32];
        const auto result = std::to_chars(buf, buf + sizeof buf, d);
        out.append(buf, result.ptr);
    }
}

void put_hex(std::string& out, const Bytes& bytes) {
    constexpr char hex[] = "0123456789abcdef";
    out += "\\x";
    for (std::byte b : bytes) {
        const auto u = std::to_integer<unsigned>(b);
        out += hex[u >> 4];
        out += hex[u & 0xf];
    }
}

void put_signed(std::string& out, std::int64_t n) {
    if (n >= 0) out += '+';
    out += std::to_string(n);
}

// "+1 years -2 mons +3 days -04:05:06.5": every part carries its sign, so
// that the server reads the same interval whatever its IntervalStyle (under
// sql_standard a leading '-' would otherwise apply to the unsigned parts).
void put_interval_text(std::string& out, const Interval& interval) {
    const std::int64_t years = interval.months / 12;
    const std::int64_t months = interval.months % 12;
    if (years != 0) {
        put_signed(out, years);
        out += " years ";
    }
    if (months != 0) {
        put_signed(out, months);
        out += " mons ";
    }
    if (interval.days != 0) {
        put_signed(out, interval.days);
        out += " days ";
    }
    const std::int64_t us = interval.time.count();
    const std::uint64_t magnitude =
        us < 0 ? 0 - static_cast<std::uint64_t>(us) : static_cast<std::uint64_t>(us);
    const auto per_hour = static_cast<std::uint64_t>(us_per_hour);
    out += us < 0 ? '-' : '+';
    out += std::to_string(magnitude / per_hour);
    // MM:SS[.ffffff] from the time-of-day formatter ("00:MM:SS...").
    const Time rest{std::chrono::microseconds{static_cast<std::int64_t>(magnitude % per_hour)}};
    out += std::string_view(format_time(rest)).substr(2);
}

// The text form PostgreSQL's input functions read, for a non-null scalar.
void put_text(std::string& out, const Value& v) {
    switch (v.kind()) {
    case ValueKind::boolean: out += *v.get_if<bool>() ? 't' : 'f'; break;
    case ValueKind::integer: out += std::to_string(*v.get_if<std::int64_t>()); break;
    case ValueKind::real: put_double_text(out, *v.get_if<double>()); break;
    case ValueKind::decimal: out += v.get_if<Decimal>()->text; break;
    case ValueKind::text: out += *v.get_if<std::string>(); break;
    case ValueKind::bytes: put_hex(out, *v.get_if<Bytes>()); break;
    case ValueKind::date: {
        checked_date_days(*v.get_if<Date>());
        if (put_pg_date(out, *v.get_if<Date>())) out += " BC";
        break;
    }
    case ValueKind::time: {
        checked_time_us(*v.get_if<Time>());
        out += format_time(*v.get_if<Time>());
        break;
    }
    case ValueKind::timestamp: put_pg_timestamp(out, *v.get_if<Timestamp>()); break;
    case ValueKind::uuid: out += v.get_if<Uuid>()->to_string(); break;
    case ValueKind::json: out += v.get_if<Json>()->text; break;
    case ValueKind::interval: put_interval_text(out, *v.get_if<Interval>()); break;
    case ValueKind::array: throw_data_error("nested arrays cannot be sent to PostgreSQL");
    case ValueKind::null: break;
    }
}

// One element of an array literal: NULL, or the text in double quotes.
void put_array_element(std::string& out, const Value& v) {
    if (v.is_null()) {
        out += "NULL";
        return;
    }
    std::string text;
    put_text(text, v);
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

// The common binary type of the non-null elements, or 0 when they have none.
Oid common_binary_type(const Array& array) noexcept {
    Oid common = oid::unspecified;
    for (const Value& v : array) {
        if (v.is_null()) continue;
        const Oid t = binary_type(v.kind());
        if (t == oid::unspecified || (common != oid::unspecified && t != common)) {
            return oid::unspecified;
        }
        common = t;
    }
    return common;
}

void put_binary_array(std::string& out, const Array& array, Oid element) {
    const bool has_null =
        std::any_of(array.begin(), array.end(), [](const Value& v) { return v.is_null(); });
    put_i32(out, 1);
    put_i32(out, has_null ? 1 : 0);
    put_be(out, element, 4);
    put_i32(out, static_cast<std::int32_t>(array.size()));
    put_i32(out, 1);
    for (const Value& v : array) {
        if (v.is_null()) {
            put_i32(out, -1);
            continue;
        }
        const std::size_t length_at = out.size();
        put_i32(out, 0);
        put_binary(out, v);
        const auto length = static_cast<std::uint32_t>(out.size() - length_at - 4);
        for (std::size_t i = 0; i < 4; ++i) {
            out[length_at + i] = static_cast<char>((length >> (8 * (3 - i))) & 0xff);
        }
    }
}

void put_text_array(std::string& out, const Array& array) {
    out += '{';
    for (std::size_t i = 0; i < array.size(); ++i) {
        if (i != 0) out += ',';
        put_array_element(out, array[i]);
    }
    out += '}';
}

// Type and format of an array parameter, its bytes appended to `out`.
std::pair<Oid, int> encode_array(const Array& array, std::string& out) {
    if (array.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        throw_data_error("array too large for PostgreSQL");
    }
    const Oid element = common_binary_type(array);
    if (element == oid::unspecified) {
        put_text_array(out, array);
        return {oid::unspecified, 0};
    }
    put_binary_array(out, array, element);
    return {array_of(element), 1};
}

void encode_into(const Value& v, std::string& buffer, EncodedParameter& p) {
    switch (v.kind()) {
    case ValueKind::null:
        p.is_null = true;
        break;
    case ValueKind::array: {
        const auto [type, format] = encode_array(*v.get_if<Array>(), buffer);
        p.type = type;
        p.format = format;
        break;
    }
    case ValueKind::decimal:
        p.type = oid::numeric;
        put_text(buffer, v);
        break;
    case ValueKind::timestamp:
        // Untyped text with "+00": a timestamptz parameter reads the UTC
        // offset, a timestamp (without zone) one ignores it and keeps the
        // UTC wall time; neither depends on the session's TimeZone.
        p.type = oid::unspecified;
        put_text(buffer, v);
        break;
    case ValueKind::text:
    case ValueKind::json:
        put_text(buffer, v);
        break;
    default:
        p.type = binary_type(v.kind());
        p.format = 1;
        put_binary(buffer, v);
        break;
    }
}


}  // namespace

// ---------------------------------------------------------------------------
// Public functions

Oid array_element(Oid array_type) noexcept {
    const TypeInfo* info = find_type(array_type);
    return info ? info->element : 0;
}

Oid array_of(Oid element) noexcept {
    if (element == 0) return 0;
    for (const TypeInfo& info : type_table) {
        if (info.element == element) return info.type;
    }
    return 0;
}

std::string_view type_name(Oid type) noexcept {
    const TypeInfo* info = find_type(type);
    return info ? info->name : std::string_view{};
}

bool has_binary_decoder(Oid type) noexcept { return find_type(type) != nullptr; }

Value decode_binary(Oid type, std::string_view bytes) {
    switch (type) {
    case oid::boolean: return decode_bool_binary(bytes);
    case oid::int2:
    case oid::int4:
    case oid::int8:
    case oid::oid: return decode_int_binary(type, bytes);
    case oid::float4:
    case oid::float8: return decode_float_binary(type, bytes);
    case oid::numeric: return decode_numeric_binary(bytes);
    case oid::text:
    case oid::varchar:
    case oid::bpchar:
    case oid::name:
    case oid::unknown: return Value(std::string(bytes));
    case oid::char_: return decode_char_binary(bytes);
    case oid::bytea: return decode_bytea_binary(bytes);
    case oid::date: return decode_date_binary(bytes);
    case oid::time: return decode_time_binary(bytes);
    case oid::timestamp:
    case oid::timestamptz: return decode_timestamp_binary(type, bytes);
    case oid::interval: return decode_interval_binary(bytes);
    case oid::uuid: return decode_uuid_binary(bytes);
    case oid::json: return Value(Json{std::string(bytes)});
    case oid::jsonb: return decode_jsonb_binary(bytes);
    default: break;
    }
    if (const Oid element = array_element(type); element != 0) {
        return decode_array_binary(type, element, bytes);
    }
    throw NotSupportedError("no binary decoder for PostgreSQL type OID " + std::to_string(type),
                            ErrorKind::not_supported);
}

Value decode_text(Oid type, std::string_view text) {
    switch (type) {
    case oid::boolean: return decode_bool_text(text);
    case oid::int2:
    case oid::int4:
    case oid::int8:
    case oid::oid: return decode_int_text(type, text);
    case oid::float4:
    case oid::float8: return decode_float_text(type, text);
    case oid::numeric: return decode_numeric_text(text);
    case oid::bytea: return decode_bytea_text(text);
    case oid::char_: return decode_char_text(text);
    case oid::date: return decode_date_text(text);
    case oid::time: return Value(parse_time(text));
    case oid::timestamp:
    case oid::timestamptz: return decode_timestamp_text(type, text);
    case oid::interval: return decode_interval_text(text);
    case oid::uuid: return Value(Uuid::parse(text));
    case oid::json:
    case oid::jsonb: return Value(Json{std::string(text)});
    default: break;
    }
    if (const Oid element = array_element(type); element != 0) {
        return Value(ArrayTextParser(type, element, text).parse());
    }
    return Value(std::string(text));
}

EncodedParameter encode_parameter(const Value& v, std::string& buffer) {
    EncodedParameter p;
    p.offset = buffer.size();
    try {
        encode_into(v, buffer, p);
    } catch (...) {
        buffer.resize(p.offset);  // leave the buffer as it was
        throw;
    }
    p.length = buffer.size() - p.offset;
    return p;
}

std::string encode_text(const Value& v) {
    std::string out;
    if (const auto* array = v.get_if<Array>()) {
        put_text_array(out, *array);
    } else {
        put_text(out, v);
    }
    return out;
}

}  // namespace asyncsql::postgresql
