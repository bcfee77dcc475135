// MySQL/MariaDB values: result buffers of the binary protocol, fields of the
// text protocol, and parameters.
//
// Hand-written, locale-free parsing. Every read from a field is bounded by
// its length (the decoders are fuzzed), and every failure is a DataError that
// names the MySQL type.

#include "backends/mysql/driver/mysql_types.hpp"

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <mysql.h>

#include "asyncsql/error.hpp"
#include "asyncsql/types/value.hpp"

namespace asyncsql::mysql {

namespace {

// ---------------------------------------------------------------------------
// Errors

constexpr std::size_t max_shown = 64;

[[noreturn]] void throw_data_error(std::string message) {
    throw DataError(std::move(message), ErrorKind::data_exception);
}

std::string describe(const ColumnType& column) {
    return "MySQL type " + std::string(type_name(column));
}

// A field that does not have the shape of its buffer type.
[[noreturn]] void throw_malformed(const ColumnType& column, std::string_view why) {
    throw_data_error("malformed value of " + describe(column) + ": " + std::string(why));
}

// A text field (or string buffer) that does not parse as its type.
[[noreturn]] void throw_bad_text(const ColumnType& column, std::string_view text,
                                 std::string_view why) {
    std::string message = "invalid value of " + describe(column) + " '";
    for (char c : text.substr(0, max_shown)) {
        // Control bytes would garble a log line; show them as '?'.
        message += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    }
    if (text.size() > max_shown) message += "...";
    message += "': ";
    message += why;
    throw_data_error(std::move(message));
}

std::string count_of_bytes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// ---------------------------------------------------------------------------
// Calendar

constexpr std::int64_t us_per_second = 1'000'000;
constexpr std::int64_t us_per_minute = 60 * us_per_second;
constexpr std::int64_t us_per_hour = 60 * us_per_minute;

// MySQL TIME: -838:59:59.999999 .. 838:59:59.999999.
constexpr std::uint64_t max_time_hours = 838;
constexpr std::int64_t max_time_us = (838 * us_per_hour) + (59 * us_per_minute) +
                                     (59 * us_per_second) + 999'999;

// DATE, DATETIME and TIMESTAMP hold the years 0000-9999.
constexpr unsigned max_year = 9999;
constexpr std::chrono::sys_days min_day{std::chrono::year{0} / 1 / 1};
constexpr std::chrono::sys_days max_day{std::chrono::year{9999} / 12 / 31};

constexpr bool is_leap(unsigned year) noexcept {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr unsigned days_in_month(unsigned year, unsigned month) noexcept {
    constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// The fields of a MYSQL_TIME, or of its text form, before validation. Wide
// enough for anything a MYSQL_TIME holds, so that nothing wraps.
struct Parts {
    bool negative = false;
    std::uint64_t year = 0, month = 0, day = 0;
    std::uint64_t hour = 0, minute = 0, second = 0, micros = 0;
};

Parts parts_of(const MYSQL_TIME& t) noexcept {
    Parts p;
    p.negative = t.neg != 0;
    p.year = t.year;
    p.month = t.month;
    p.day = t.day;
    p.hour = t.hour;
    p.minute = t.minute;
    p.second = t.second;
    p.micros = t.second_part;
    return p;
}

// Writes `value` with at least `width` digits, zero-padded.
void put_uint(std::string& out, std::uint64_t value, int width) {
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (int i = n; i < width; ++i) out += '0';
    while (n > 0) out += tmp[--n];
}

// "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" as MySQL prints the value, for messages.
std::string format_parts(const Parts& p, bool with_time) {
    std::string out;
    put_uint(out, p.year, 4);
    out += '-';
    put_uint(out, p.month, 2);
    out += '-';
    put_uint(out, p.day, 2);
    if (with_time) {
        out += ' ';
        put_uint(out, p.hour, 2);
        out += ':';
        put_uint(out, p.minute, 2);
        out += ':';
        put_uint(out, p.second, 2);
        if (p.micros != 0) {
            out += '.';
            put_uint(out, p.micros, 6);
        }
    }
    return out;
}

Date date_of(const ColumnType& column, const Parts& p, bool with_time) {
    if (p.month == 0 || p.day == 0) {
        const bool all_zero = p.year == 0 && p.month == 0 && p.day == 0;
        std::string message = all_zero ? "MySQL zero date '" : "MySQL date with a zero month or day '";
        message += format_parts(p, with_time);
        message += "' in a ";
        message += type_name(column);
        message += " column cannot be represented as a ";
        message += with_time ? "Timestamp" : "Date";
        message += "; select ";
        if (all_zero) {
            message += "NULLIF(column, '" + format_parts(Parts{}, with_time) + "') to read it as NULL, or ";
        }
        message += "CAST(column AS CHAR) to read the text";
        throw_data_error(std::move(message));
    }
    if (p.year > max_year) throw_malformed(column, "year " + std::to_string(p.year) + " out of range");
    if (p.month > 12) throw_malformed(column, "month " + std::to_string(p.month) + " out of range");
    const auto year = static_cast<unsigned>(p.year);
    const auto month = static_cast<unsigned>(p.month);
    if (p.day > days_in_month(year, month)) {
        throw_malformed(column, "day " + std::to_string(p.day) + " out of range for the month");
    }
    return Date{std::chrono::year{static_cast<int>(year)}, std::chrono::month{month},
                std::chrono::day{static_cast<unsigned>(p.day)}};
}

void check_clock(const ColumnType& column, const Parts& p) {
    if (p.minute > 59) throw_malformed(column, "minute " + std::to_string(p.minute) + " out of range");
    if (p.second > 59) throw_malformed(column, "second " + std::to_string(p.second) + " out of range");
    if (p.micros > 999'999) {
        throw_malformed(column, "microseconds " + std::to_string(p.micros) + " out of range");
    }
}

Timestamp timestamp_of(const ColumnType& column, const Parts& p) {
    const Date date = date_of(column, p, true);
    if (p.hour > 23) throw_malformed(column, "hour " + std::to_string(p.hour) + " out of range");
    check_clock(column, p);
    const auto clock = static_cast<std::int64_t>(p.hour) * us_per_hour +
                       static_cast<std::int64_t>(p.minute) * us_per_minute +
                       static_cast<std::int64_t>(p.second) * us_per_second +
                       static_cast<std::int64_t>(p.micros);
    return Timestamp{std::chrono::sys_days(date)} + std::chrono::microseconds{clock};
}

// A TIME's MYSQL_TIME has day 0 and all hours in `hour`; days are counted in
// should a buffer carry them.
Time time_of(const ColumnType& column, const Parts& p) {
    check_clock(column, p);
    if (p.day > max_time_hours || p.hour > max_time_hours || p.day * 24 + p.hour > max_time_hours) {
        throw_malformed(column, "outside the TIME range -838:59:59.999999..838:59:59.999999");
    }
    const auto hours = static_cast<std::int64_t>(p.day * 24 + p.hour);
    const std::int64_t us = hours * us_per_hour + static_cast<std::int64_t>(p.minute) * us_per_minute +
                            static_cast<std::int64_t>(p.second) * us_per_second +
                            static_cast<std::int64_t>(p.micros);
    return Time{std::chrono::microseconds{p.negative ? -us : us}};
}

Value temporal_of(const ColumnType& column, const Parts& p) {
    switch (column.type) {
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: return Value(date_of(column, p, false));
    case MYSQL_TYPE_TIME: return Value(time_of(column, p));
    default: return Value(timestamp_of(column, p));  // DATETIME, TIMESTAMP
    }
}

bool is_temporal(enum_field_types type) noexcept {
    switch (type) {
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP: return true;
    default: return false;
    }
}

bool is_integer(enum_field_types type) noexcept {
    switch (type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR: return true;
    default: return false;
    }
}

// ---------------------------------------------------------------------------
// Values shared by both protocols

Value unsigned_value(std::uint64_t v) {
    if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value(static_cast<std::int64_t>(v));
    }
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    return Value(Decimal{std::string(buf, result.ptr)});
}

// BIT(n): ceil(n/8) bytes, most significant first.
Value bit_value(const ColumnType& column, std::string_view bytes) {
    if (bytes.empty()) throw_malformed(column, "empty BIT value");
    if (bytes.size() > 8) {
        throw_malformed(column, "BIT value of " + count_of_bytes(bytes.size()) + ", at most 8");
    }
    std::uint64_t v = 0;
    for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
    return unsigned_value(v);
}

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// DECIMAL as MySQL prints it, [-]digits[.digits]; kept as its text.
Value decimal_value(const ColumnType& column, std::string_view text) {
    std::size_t i = 0;
    if (i < text.size() && text[i] == '-') ++i;
    const std::size_t int_begin = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    bool ok = i > int_begin;
    if (ok && i < text.size() && text[i] == '.') {
        const std::size_t frac_begin = ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
        ok = i > frac_begin;
    }
    if (!ok || i != text.size()) throw_bad_text(column, text, "expected [-]digits[.digits]");
    return Value(Decimal{std::string(text)});
}

bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// Strings, BLOBs, ENUM, SET, JSON, GEOMETRY and any type not named elsewhere.
Value string_value(const ColumnType& column, std::string_view bytes) {
    if (column.type == MYSQL_TYPE_JSON || column.format == ColumnFormat::json) {
        return Value(Json{std::string(bytes)});
    }
    if (column.format == ColumnFormat::uuid) {
        Uuid uuid;
        try {
            uuid = Uuid::parse(bytes);
        } catch (const DataError&) {
            throw_bad_text(column, bytes, "expected 8-4-4-4-12 hex digits");
        }
        return Value(uuid);
    }
    if (column.type == MYSQL_TYPE_GEOMETRY || column.type == MYSQL_TYPE_BIT || column.is_binary()) {
        const auto* first = reinterpret_cast<const std::byte*>(bytes.data());
        return Value(Bytes(first, first + bytes.size()));
    }
    return Value(std::string(bytes));
}

// ---------------------------------------------------------------------------
// Binary protocol: result buffers

template <class T>
T load(const char* data) noexcept {
    T v;
    std::memcpy(&v, data, sizeof v);
    return v;
}

template <class Signed, class Unsigned>
Value integer_buffer(const ColumnType& column, const char* data, unsigned long length) {
    static_assert(sizeof(Signed) == sizeof(Unsigned));
    if (length != sizeof(Signed)) {
        throw_malformed(column, "expected a buffer of " + count_of_bytes(sizeof(Signed)) + ", got " +
                                    count_of_bytes(length));
    }
    if (column.is_unsigned()) return unsigned_value(load<Unsigned>(data));
    return Value(static_cast<std::int64_t>(load<Signed>(data)));
}

template <class Float>
Value float_buffer(const ColumnType& column, const char* data, unsigned long length) {
    if (length != sizeof(Float)) {
        throw_malformed(column, "expected a buffer of " + count_of_bytes(sizeof(Float)) + ", got " +
                                    count_of_bytes(length));
    }
    return Value(static_cast<double>(load<Float>(data)));
}

Value time_buffer(const ColumnType& column, const char* data, unsigned long length) {
    if (length != sizeof(MYSQL_TIME)) {
        throw_malformed(column, "expected a MYSQL_TIME of " + count_of_bytes(sizeof(MYSQL_TIME)) +
                                    ", got " + count_of_bytes(length));
    }
    // Copied out (the buffer need not be aligned); `time_type` is not read.
    MYSQL_TIME t;
    std::memcpy(static_cast<void*>(&t), data, sizeof t);
    return temporal_of(column, parts_of(t));
}

// ---------------------------------------------------------------------------
// Text protocol

Value integer_text(const ColumnType& column, std::string_view text) {
    const char* first = text.data();
    const char* last = first + text.size();
    if (column.is_unsigned()) {
        std::uint64_t v = 0;
        const auto [ptr, ec] = std::from_chars(first, last, v);
        if (ec == std::errc::result_out_of_range) throw_bad_text(column, text, "out of range");
        if (ec != std::errc{} || ptr != last) throw_bad_text(column, text, "expected digits");
        return unsigned_value(v);
    }
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range) throw_bad_text(column, text, "out of range");
    if (ec != std::errc{} || ptr != last) throw_bad_text(column, text, "expected [-]digits");
    return Value(v);
}

Value float_text(const ColumnType& column, std::string_view text) {
    const char* first = text.data();
    const char* last = first + text.size();
    double v = 0;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec == std::errc::result_out_of_range) throw_bad_text(column, text, "out of range");
    if (ec != std::errc{} || ptr != last) throw_bad_text(column, text, "expected a number");
    return Value(v);
}

// Sequential reads from a text field, each checked against its end.
class TextCursor {
public:
    explicit TextCursor(std::string_view text) noexcept : text_(text) {}

    bool at_end() const noexcept { return pos_ == text_.size(); }

    bool eat(char c) noexcept {
        if (pos_ == text_.size() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }

    // Exactly `n` digits.
    bool digits(std::size_t n, std::uint64_t& out) noexcept {
        if (text_.size() - pos_ < n) return false;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = text_[pos_ + i];
            if (!is_digit(c)) return false;
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
        }
        pos_ += n;
        out = v;
        return true;
    }

    // Between `min` and `max` digits (as many as there are).
    bool digit_run(std::size_t min, std::size_t max, std::uint64_t& out, std::size_t& count) noexcept {
        std::uint64_t v = 0;
        std::size_t n = 0;
        while (pos_ + n < text_.size() && is_digit(text_[pos_ + n])) {
            if (n == max) return false;
            v = v * 10 + static_cast<std::uint64_t>(text_[pos_ + n] - '0');
            ++n;
        }
        if (n < min) return false;
        pos_ += n;
        out = v;
        count = n;
        return true;
    }

    // [.f{1,6}] as microseconds.
    bool fraction(std::uint64_t& micros) noexcept {
        micros = 0;
        if (!eat('.')) return true;
        std::size_t n = 0;
        if (!digit_run(1, 6, micros, n)) return false;
        for (; n < 6; ++n) micros *= 10;
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

constexpr std::string_view expected_date = "expected YYYY-MM-DD";
constexpr std::string_view expected_datetime = "expected YYYY-MM-DD HH:MM:SS[.ffffff]";
constexpr std::string_view expected_time = "expected [-]HH:MM:SS[.ffffff]";

bool date_text(TextCursor& c, Parts& p) noexcept {
    return c.digits(4, p.year) && c.eat('-') && c.digits(2, p.month) && c.eat('-') &&
           c.digits(2, p.day);
}

Value temporal_text(const ColumnType& column, std::string_view text) {
    TextCursor c(text);
    Parts p;
    switch (column.type) {
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
        if (!date_text(c, p) || !c.at_end()) throw_bad_text(column, text, expected_date);
        break;
    case MYSQL_TYPE_TIME: {
        std::size_t n = 0;
        p.negative = c.eat('-');
        if (!c.digit_run(2, 4, p.hour, n) || !c.eat(':') || !c.digits(2, p.minute) || !c.eat(':') ||
            !c.digits(2, p.second) || !c.fraction(p.micros) || !c.at_end()) {
            throw_bad_text(column, text, expected_time);
        }
        break;
    }
    default:  // DATETIME, TIMESTAMP
        if (!date_text(c, p) || !c.eat(' ') || !c.digits(2, p.hour) || !c.eat(':') ||
            !c.digits(2, p.minute) || !c.eat(':') || !c.digits(2, p.second) ||
            !c.fraction(p.micros) || !c.at_end()) {
            throw_bad_text(column, text, expected_datetime);
        }
        break;
    }
    return temporal_of(column, p);
}

// ---------------------------------------------------------------------------
// Parameters

void bind_buffer(MYSQL_BIND& bind, BoundParameter& out, enum_field_types type, void* buffer,
                 unsigned long size) {
    out.type = type;
    out.is_null = false;
    out.null_indicator = 0;
    out.length = size;
    bind.buffer_type = type;
    bind.buffer = buffer;
    bind.buffer_length = size;
}

void bind_string(MYSQL_BIND& bind, BoundParameter& out, enum_field_types type, std::string text) {
    out.storage = std::move(text);
    bind_buffer(bind, out, type, out.storage.data(), static_cast<unsigned long>(out.storage.size()));
}

void bind_date_parts(MYSQL_TIME& t, std::chrono::year_month_day date, std::string_view what) {
    const int year = static_cast<int>(date.year());
    if (!date.ok()) {
        throw_data_error(std::string(what) + " is not a valid date");
    }
    if (year < 0 || year > static_cast<int>(max_year)) {
        throw_data_error(std::string(what) + " year " + std::to_string(year) +
                         " is outside MySQL's range 0000-9999");
    }
    t.year = static_cast<unsigned>(year);
    t.month = static_cast<unsigned>(date.month());
    t.day = static_cast<unsigned>(date.day());
}

}  // namespace

// ---------------------------------------------------------------------------
// Column types

ColumnType column_type(const MYSQL_FIELD& field) noexcept {
    ColumnType column;
    column.type = field.type;
    column.flags = field.flags;
    column.charset = field.charsetnr;
    column.decimals = field.decimals;
    // Extended metadata (MariaDB 10.5+): the format of JSON columns and the
    // name of plugin data types. Absent (no extension) from other servers.
    MARIADB_CONST_STRING attr{};
    if (mariadb_field_attr(&attr, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) == 0 && attr.str != nullptr &&
        ascii_iequals(std::string_view(attr.str, attr.length), "json")) {
        column.format = ColumnFormat::json;
    } else if (mariadb_field_attr(&attr, &field, MARIADB_FIELD_ATTR_DATA_TYPE_NAME) == 0 &&
               attr.str != nullptr && ascii_iequals(std::string_view(attr.str, attr.length), "uuid")) {
        column.format = ColumnFormat::uuid;
    }
    return column;
}

std::string_view type_name(const ColumnType& column) noexcept {
    const bool u = column.is_unsigned();
    const bool binary = column.is_binary();
    if (column.format == ColumnFormat::json) return "JSON";
    if (column.format == ColumnFormat::uuid) return "UUID";
    switch (column.type) {
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return "DECIMAL";
    case MYSQL_TYPE_TINY: return u ? "TINYINT UNSIGNED" : "TINYINT";
    case MYSQL_TYPE_SHORT: return u ? "SMALLINT UNSIGNED" : "SMALLINT";
    case MYSQL_TYPE_INT24: return u ? "MEDIUMINT UNSIGNED" : "MEDIUMINT";
    case MYSQL_TYPE_LONG: return u ? "INT UNSIGNED" : "INT";
    case MYSQL_TYPE_LONGLONG: return u ? "BIGINT UNSIGNED" : "BIGINT";
    case MYSQL_TYPE_FLOAT: return "FLOAT";
    case MYSQL_TYPE_DOUBLE: return "DOUBLE";
    case MYSQL_TYPE_NULL: return "NULL";
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2: return "TIMESTAMP";
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: return "DATE";
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_TIME2: return "TIME";
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2: return "DATETIME";
    case MYSQL_TYPE_YEAR: return "YEAR";
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING: return binary ? "VARBINARY" : "VARCHAR";
    case MYSQL_TYPE_BIT: return "BIT";
    case MYSQL_TYPE_JSON: return "JSON";
    case MYSQL_TYPE_ENUM: return "ENUM";
    case MYSQL_TYPE_SET: return "SET";
    case MYSQL_TYPE_TINY_BLOB: return binary ? "TINYBLOB" : "TINYTEXT";
    case MYSQL_TYPE_MEDIUM_BLOB: return binary ? "MEDIUMBLOB" : "MEDIUMTEXT";
    case MYSQL_TYPE_LONG_BLOB: return binary ? "LONGBLOB" : "LONGTEXT";
    case MYSQL_TYPE_BLOB: return binary ? "BLOB" : "TEXT";
    case MYSQL_TYPE_STRING:
        // ENUM and SET columns arrive as STRING with a flag.
        if ((column.flags & ENUM_FLAG) != 0) return "ENUM";
        if ((column.flags & SET_FLAG) != 0) return "SET";
        return binary ? "BINARY" : "CHAR";
    case MYSQL_TYPE_GEOMETRY: return "GEOMETRY";
    default: return "unknown";
    }
}

// ---------------------------------------------------------------------------
// Result side

enum_field_types result_buffer_type(const ColumnType& column) noexcept {
    switch (column.type) {
    case MYSQL_TYPE_NULL: return MYSQL_TYPE_NULL;
    case MYSQL_TYPE_TINY: return MYSQL_TYPE_TINY;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: return MYSQL_TYPE_SHORT;
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: return MYSQL_TYPE_LONG;
    case MYSQL_TYPE_LONGLONG: return MYSQL_TYPE_LONGLONG;
    case MYSQL_TYPE_FLOAT: return MYSQL_TYPE_FLOAT;
    case MYSQL_TYPE_DOUBLE: return MYSQL_TYPE_DOUBLE;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE: return MYSQL_TYPE_DATE;
    case MYSQL_TYPE_TIME: return MYSQL_TYPE_TIME;
    case MYSQL_TYPE_DATETIME: return MYSQL_TYPE_DATETIME;
    case MYSQL_TYPE_TIMESTAMP: return MYSQL_TYPE_TIMESTAMP;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return MYSQL_TYPE_STRING;
    case MYSQL_TYPE_BIT:
    case MYSQL_TYPE_GEOMETRY: return MYSQL_TYPE_BLOB;
    case MYSQL_TYPE_JSON: return MYSQL_TYPE_STRING;
    default: return column.is_binary() ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
    }
}

std::size_t result_buffer_size(const ColumnType& column, unsigned long max_length) noexcept {
    switch (result_buffer_type(column)) {
    case MYSQL_TYPE_NULL: return 0;
    case MYSQL_TYPE_TINY: return 1;
    case MYSQL_TYPE_SHORT: return 2;
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_FLOAT: return 4;
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_DOUBLE: return 8;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP: return sizeof(MYSQL_TIME);
    default: break;
    }
    if (column.type == MYSQL_TYPE_BIT) return 8;
    if (max_length == 0) return initial_string_buffer;
    // One more than the longest value: room for the NUL Connector/C adds.
    if (max_length == std::numeric_limits<unsigned long>::max()) return max_length;
    return static_cast<std::size_t>(max_length) + 1;
}

Value decode_field(const ColumnType& column, const char* data, unsigned long length) {
    if (data == nullptr) return Value{};
    switch (column.type) {
    case MYSQL_TYPE_NULL: return Value{};
    case MYSQL_TYPE_TINY: return integer_buffer<std::int8_t, std::uint8_t>(column, data, length);
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: return integer_buffer<std::int16_t, std::uint16_t>(column, data, length);
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: return integer_buffer<std::int32_t, std::uint32_t>(column, data, length);
    case MYSQL_TYPE_LONGLONG: return integer_buffer<std::int64_t, std::uint64_t>(column, data, length);
    case MYSQL_TYPE_FLOAT: return float_buffer<float>(column, data, length);
    case MYSQL_TYPE_DOUBLE: return float_buffer<double>(column, data, length);
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return decimal_value(column, std::string_view(data, length));
    case MYSQL_TYPE_BIT: return bit_value(column, std::string_view(data, length));
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP: return time_buffer(column, data, length);
    default: return string_value(column, std::string_view(data, length));
    }
}

// ---------------------------------------------------------------------------
// Text protocol

Value decode_text_field(const MYSQL_FIELD& field, const char* data, unsigned long length) {
    return decode_text_field(column_type(field), data, length);
}

Value decode_text_field(const ColumnType& column, const char* data, unsigned long length) {
    if (data == nullptr) return Value{};
    const std::string_view text(data, length);
    if (column.type == MYSQL_TYPE_NULL) return Value{};
    if (is_integer(column.type)) return integer_text(column, text);
    if (is_temporal(column.type)) return temporal_text(column, text);
    switch (column.type) {
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE: return float_text(column, text);
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return decimal_value(column, text);
    case MYSQL_TYPE_BIT: return bit_value(column, text);  // raw bytes in the text protocol too
    default: return string_value(column, text);
    }
}

// ---------------------------------------------------------------------------
// Parameter side

void bind_parameter(const Value& v, BoundParameter& out, MYSQL_BIND& bind) {
    bind = MYSQL_BIND{};
    out.is_unsigned = false;
    out.storage.clear();
    out.time = MYSQL_TIME{};
    bind.length = &out.length;
    bind.is_null = &out.null_indicator;
    bind.is_unsigned = 0;

    switch (v.kind()) {
    case ValueKind::null:
        bind_buffer(bind, out, MYSQL_TYPE_NULL, nullptr, 0);
        out.is_null = true;
        out.null_indicator = 1;
        return;
    case ValueKind::boolean:
        out.tiny = *v.get_if<bool>() ? 1 : 0;
        bind_buffer(bind, out, MYSQL_TYPE_TINY, &out.tiny, 1);
        return;
    case ValueKind::integer:
        out.integer = *v.get_if<std::int64_t>();
        bind_buffer(bind, out, MYSQL_TYPE_LONGLONG, &out.integer, sizeof out.integer);
        return;
    case ValueKind::real:
        out.real = *v.get_if<double>();
        bind_buffer(bind, out, MYSQL_TYPE_DOUBLE, &out.real, sizeof out.real);
        return;
    case ValueKind::decimal:
        bind_string(bind, out, MYSQL_TYPE_NEWDECIMAL, v.get_if<Decimal>()->text);
        return;
    case ValueKind::text:
        bind_string(bind, out, MYSQL_TYPE_STRING, *v.get_if<std::string>());
        return;
    case ValueKind::bytes: {
        const Bytes& b = *v.get_if<Bytes>();
        bind_string(bind, out, MYSQL_TYPE_BLOB,
                    std::string(reinterpret_cast<const char*>(b.data()), b.size()));
        return;
    }
    case ValueKind::date: {
        MYSQL_TIME t{};
        bind_date_parts(t, *v.get_if<Date>(), "date");
        t.time_type = MYSQL_TIMESTAMP_DATE;
        out.time = t;
        bind_buffer(bind, out, MYSQL_TYPE_DATE, &out.time, sizeof out.time);
        return;
    }
    case ValueKind::time: {
        const std::int64_t us = v.get_if<Time>()->since_midnight.count();
        if (us < -max_time_us || us > max_time_us) {
            throw_data_error("time " + v.to_string() +
                             " is outside MySQL's TIME range -838:59:59.999999..838:59:59.999999");
        }
        const auto magnitude = static_cast<std::uint64_t>(us < 0 ? -us : us);
        const std::uint64_t hours = magnitude / us_per_hour;
        MYSQL_TIME t{};
        t.neg = us < 0 ? 1 : 0;
        // Connector/C sends `hour` as one byte: whole days go in `day`.
        t.day = static_cast<unsigned>(hours / 24);
        t.hour = static_cast<unsigned>(hours % 24);
        t.minute = static_cast<unsigned>(magnitude / us_per_minute % 60);
        t.second = static_cast<unsigned>(magnitude / us_per_second % 60);
        t.second_part = static_cast<unsigned long>(magnitude % us_per_second);
        t.time_type = MYSQL_TIMESTAMP_TIME;
        out.time = t;
        bind_buffer(bind, out, MYSQL_TYPE_TIME, &out.time, sizeof out.time);
        return;
    }
    case ValueKind::timestamp: {
        const Timestamp ts = *v.get_if<Timestamp>();
        const auto day = std::chrono::floor<std::chrono::days>(ts);
        // Checked on the day count: year_month_day would wrap far-off years.
        if (day < min_day || day > max_day) {
            // Not formatted: format_timestamp overflows near the ends of the range.
            throw_data_error("timestamp " + std::to_string(ts.time_since_epoch().count()) +
                             "us since 1970-01-01 is outside MySQL's years 0000-9999");
        }
        const std::int64_t clock = (ts - day).count();  // 0 .. one day - 1us
        MYSQL_TIME t{};
        bind_date_parts(t, std::chrono::year_month_day{day}, "timestamp");
        t.hour = static_cast<unsigned>(clock / us_per_hour);
        t.minute = static_cast<unsigned>(clock / us_per_minute % 60);
        t.second = static_cast<unsigned>(clock / us_per_second % 60);
        t.second_part = static_cast<unsigned long>(clock % us_per_second);
        t.time_type = MYSQL_TIMESTAMP_DATETIME;
        out.time = t;
        bind_buffer(bind, out, MYSQL_TYPE_DATETIME, &out.time, sizeof out.time);
        return;
    }
    case ValueKind::uuid:
        bind_string(bind, out, MYSQL_TYPE_STRING, v.get_if<Uuid>()->to_string());
        return;
    case ValueKind::json:
        bind_string(bind, out, MYSQL_TYPE_STRING, v.get_if<Json>()->text);
        return;
    case ValueKind::interval:
        throw_data_error(
            "MySQL has no interval type: bind a number (e.g. seconds) and use "
            "INTERVAL ? SECOND in the statement");
    case ValueKind::array:
        throw_data_error(
            "MySQL has no array type: bind the elements one by one or as a JSON document");
    }
    throw_data_error("unknown value kind");
}

}  // namespace asyncsql::mysql
