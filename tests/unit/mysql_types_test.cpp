// Unit tests of the MySQL/MariaDB value forms (mysql_types) and the error
// number table (mysql_errors). Result buffers are filled by hand the way
// mysql_stmt_fetch fills them (Connector/C 3.3's ma_stmt_codec.c): integers
// and floats in native byte order at their width, dates and times as a
// MYSQL_TIME, strings as their bytes, BIT as its big-endian bytes. Text
// fields are what MariaDB 10.11 prints in the text protocol.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <mysql.h>

#include "asyncsql/error.hpp"
#include "asyncsql/types/value.hpp"
#include "backends/mysql/driver/mysql_errors.hpp"
#include "backends/mysql/driver/mysql_types.hpp"

namespace asyncsql {
void PrintTo(const Value& v, std::ostream* os) { *os << to_string(v.kind()) << ' ' << v.to_string(); }
}  // namespace asyncsql

namespace {

using namespace asyncsql;
using namespace asyncsql::mysql;
using namespace std::chrono_literals;
using std::chrono::microseconds;
using std::chrono::sys_days;
using std::chrono::year;

// ---------------------------------------------------------------- helpers

constexpr unsigned utf8mb4 = 45;   // utf8mb4_general_ci
constexpr unsigned utf8mb4_bin = 46;
constexpr unsigned binary = 63;

ColumnType col(enum_field_types type, unsigned flags = 0, unsigned charset = binary,
               ColumnFormat format = ColumnFormat::plain) {
    ColumnType c;
    c.type = type;
    c.flags = flags;
    c.charset = charset;
    c.format = format;
    return c;
}

ColumnType text_col(enum_field_types type, unsigned flags = 0) { return col(type, flags, utf8mb4); }
ColumnType unsigned_col(enum_field_types type) { return col(type, UNSIGNED_FLAG); }

// The bytes of `v` as a result buffer holds them (native order).
template <class T>
std::string raw(T v) {
    std::string out(sizeof v, '\0');
    std::memcpy(out.data(), &v, sizeof v);
    return out;
}

MYSQL_TIME mysql_time(unsigned y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0,
                      unsigned s = 0, unsigned long us = 0, bool neg = false,
                      enum_mysql_timestamp_type type = MYSQL_TIMESTAMP_DATETIME) {
    MYSQL_TIME t{};
    t.year = y;
    t.month = mo;
    t.day = d;
    t.hour = h;
    t.minute = mi;
    t.second = s;
    t.second_part = us;
    t.neg = neg ? 1 : 0;
    t.time_type = type;
    return t;
}

// A TIME as mysql_stmt_fetch leaves it: all hours in `hour`, day 0.
MYSQL_TIME time_value(unsigned h, unsigned mi, unsigned s, unsigned long us = 0, bool neg = false) {
    return mysql_time(0, 0, 0, h, mi, s, us, neg, MYSQL_TIMESTAMP_TIME);
}

std::string bytes_of(std::initializer_list<unsigned> values) {
    std::string out;
    for (unsigned v : values) out += static_cast<char>(v);
    return out;
}

Value i64(std::int64_t v) { return Value(v); }
Value str(std::string s) { return Value(std::move(s)); }
Value dec(std::string s) { return Value(Decimal{std::move(s)}); }
Value json(std::string s) { return Value(Json{std::move(s)}); }
Value null_value() { return Value(); }
Value date(std::chrono::year_month_day d) { return Value(Date{d}); }
Value time_of_day(microseconds us) { return Value(Time{us}); }
Value ts(sys_days day, microseconds time = {}) { return Value(Timestamp{day} + time); }

Value bytes(std::string_view s) {
    Bytes out;
    for (char c : s) out.push_back(static_cast<std::byte>(c));
    return Value(std::move(out));
}

const Uuid sample_uuid = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

// The DataError message `f` throws; a test failure when it throws nothing
// or something else.
template <class F>
std::string data_error(F&& f) {
    try {
        f();
    } catch (const DataError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
        return e.message();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected DataError, got another exception: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected DataError, nothing was thrown";
    return {};
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

#define EXPECT_CONTAINS(haystack, needle) \
    EXPECT_TRUE(contains((haystack), (needle))) << "  text: " << (haystack) << "\n  missing: " << (needle)

template <class Case>
std::string case_name(const testing::TestParamInfo<Case>& info) {
    return info.param.name;
}

constexpr auto int64_min = std::numeric_limits<std::int64_t>::min();
constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();

// ---------------------------------------------------------------- result buffers

struct FieldCase {
    std::string name;
    ColumnType column;
    std::string buffer;
    Value expected;
};

void PrintTo(const FieldCase& c, std::ostream* os) { *os << c.name; }

std::vector<FieldCase> field_cases() {
    const auto json_blob = col(MYSQL_TYPE_BLOB, BLOB_FLAG, utf8mb4_bin, ColumnFormat::json);
    const auto uuid_string = col(MYSQL_TYPE_STRING, 0, binary, ColumnFormat::uuid);
    return {
        {"tiny", col(MYSQL_TYPE_TINY), raw<std::int8_t>(-128), i64(-128)},
        {"tiny_unsigned", unsigned_col(MYSQL_TYPE_TINY), raw<std::uint8_t>(255), i64(255)},
        {"tiny_boolean", col(MYSQL_TYPE_TINY), raw<std::int8_t>(1), i64(1)},
        {"short", col(MYSQL_TYPE_SHORT), raw<std::int16_t>(-32768), i64(-32768)},
        {"short_unsigned", unsigned_col(MYSQL_TYPE_SHORT), raw<std::uint16_t>(65535), i64(65535)},
        {"year", col(MYSQL_TYPE_YEAR, UNSIGNED_FLAG | ZEROFILL_FLAG), raw<std::uint16_t>(2024), i64(2024)},
        {"year_zero", col(MYSQL_TYPE_YEAR, UNSIGNED_FLAG | ZEROFILL_FLAG), raw<std::uint16_t>(0), i64(0)},
        {"int24", col(MYSQL_TYPE_INT24), raw<std::int32_t>(-8388608), i64(-8388608)},
        {"int24_unsigned", unsigned_col(MYSQL_TYPE_INT24), raw<std::uint32_t>(16777215), i64(16777215)},
        {"long_min", col(MYSQL_TYPE_LONG), raw<std::int32_t>(-2147483647 - 1), i64(-2147483648LL)},
        {"long_unsigned_max", unsigned_col(MYSQL_TYPE_LONG), raw<std::uint32_t>(4294967295u),
         i64(4294967295LL)},
        {"longlong_min", col(MYSQL_TYPE_LONGLONG), raw<std::int64_t>(int64_min), i64(int64_min)},
        {"longlong_max", col(MYSQL_TYPE_LONGLONG), raw<std::int64_t>(int64_max), i64(int64_max)},
        {"longlong_minus_one", col(MYSQL_TYPE_LONGLONG), raw<std::int64_t>(-1), i64(-1)},
        {"longlong_unsigned_int64_max", unsigned_col(MYSQL_TYPE_LONGLONG),
         raw<std::uint64_t>(9223372036854775807ULL), i64(int64_max)},
        {"longlong_unsigned_above_int64", unsigned_col(MYSQL_TYPE_LONGLONG),
         raw<std::uint64_t>(9223372036854775808ULL), dec("9223372036854775808")},
        {"longlong_unsigned_max", unsigned_col(MYSQL_TYPE_LONGLONG),
         raw<std::uint64_t>(18446744073709551615ULL), dec("18446744073709551615")},
        {"float_tenth_widened", col(MYSQL_TYPE_FLOAT), raw<float>(0.1f), Value(static_cast<double>(0.1f))},
        {"float_minus_half", col(MYSQL_TYPE_FLOAT), raw<float>(-0.5f), Value(-0.5)},
        {"double", col(MYSQL_TYPE_DOUBLE), raw<double>(1.5), Value(1.5)},
        {"double_large", col(MYSQL_TYPE_DOUBLE), raw<double>(1e300), Value(1e300)},
        {"newdecimal", col(MYSQL_TYPE_NEWDECIMAL, 0, binary), "-12.340", dec("-12.340")},
        {"newdecimal_big", col(MYSQL_TYPE_NEWDECIMAL), "12345678901234567890.000001",
         dec("12345678901234567890.000001")},
        {"newdecimal_integer", col(MYSQL_TYPE_NEWDECIMAL), "42", dec("42")},
        {"decimal_old", col(MYSQL_TYPE_DECIMAL), "0.5", dec("0.5")},
        {"bit_1", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG), bytes_of({0x01}), i64(1)},
        {"bit_2_bytes", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG), bytes_of({0x01, 0x02}), i64(258)},
        {"bit_64_int64_max", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG),
         bytes_of({0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), i64(int64_max)},
        {"bit_64_all_ones", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG),
         bytes_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), dec("18446744073709551615")},
        {"date", col(MYSQL_TYPE_DATE), raw(mysql_time(2024, 2, 29, 0, 0, 0, 0, false, MYSQL_TIMESTAMP_DATE)),
         date(2024y / 2 / 29)},
        {"date_year_0", col(MYSQL_TYPE_DATE), raw(mysql_time(0, 1, 1)), date(year{0} / 1 / 1)},
        {"date_max", col(MYSQL_TYPE_DATE), raw(mysql_time(9999, 12, 31)), date(9999y / 12 / 31)},
        {"newdate", col(MYSQL_TYPE_NEWDATE), raw(mysql_time(1999, 12, 31)), date(1999y / 12 / 31)},
        {"time", col(MYSQL_TYPE_TIME), raw(time_value(10, 11, 12, 500000)),
         time_of_day(10h + 11min + 12s + 500ms)},
        {"time_zero", col(MYSQL_TYPE_TIME), raw(time_value(0, 0, 0)), time_of_day(0us)},
        {"time_over_24h", col(MYSQL_TYPE_TIME), raw(time_value(100, 0, 1)), time_of_day(100h + 1s)},
        {"time_negative", col(MYSQL_TYPE_TIME), raw(time_value(1, 30, 0, 0, true)),
         time_of_day(-(1h + 30min))},
        {"time_min", col(MYSQL_TYPE_TIME), raw(time_value(838, 59, 59, 999999, true)),
         time_of_day(-(838h + 59min + 59s + 999999us))},
        {"time_max", col(MYSQL_TYPE_TIME), raw(time_value(838, 59, 59)), time_of_day(838h + 59min + 59s)},
        {"time_days_counted", col(MYSQL_TYPE_TIME),
         raw(mysql_time(0, 0, 2, 3, 0, 0, 0, false, MYSQL_TIMESTAMP_TIME)), time_of_day(51h)},
        {"datetime", col(MYSQL_TYPE_DATETIME), raw(mysql_time(2024, 1, 2, 3, 4, 5, 123456)),
         ts(sys_days{2024y / 1 / 2}, 3h + 4min + 5s + 123456us)},
        {"datetime_max", col(MYSQL_TYPE_DATETIME), raw(mysql_time(9999, 12, 31, 23, 59, 59, 999999)),
         ts(sys_days{9999y / 12 / 31}, 23h + 59min + 59s + 999999us)},
        {"datetime_year_1000", col(MYSQL_TYPE_DATETIME), raw(mysql_time(1000, 1, 1)),
         ts(sys_days{1000y / 1 / 1})},
        {"timestamp_epoch", col(MYSQL_TYPE_TIMESTAMP, TIMESTAMP_FLAG), raw(mysql_time(1970, 1, 1)),
         ts(sys_days{1970y / 1 / 1})},
        {"timestamp", col(MYSQL_TYPE_TIMESTAMP), raw(mysql_time(2038, 1, 19, 3, 14, 7)),
         ts(sys_days{2038y / 1 / 19}, 3h + 14min + 7s)},
        {"varchar_utf8", text_col(MYSQL_TYPE_VAR_STRING), "h\xc3\xa9llo", str("h\xc3\xa9llo")},
        {"varchar_empty", text_col(MYSQL_TYPE_VAR_STRING), "", str("")},
        {"varchar_type_15", text_col(MYSQL_TYPE_VARCHAR), "x", str("x")},
        {"char", text_col(MYSQL_TYPE_STRING), "ab", str("ab")},
        {"char_with_nul", text_col(MYSQL_TYPE_STRING), std::string("a\0b", 3), str(std::string("a\0b", 3))},
        {"enum", text_col(MYSQL_TYPE_STRING, ENUM_FLAG), "small", str("small")},
        {"set", text_col(MYSQL_TYPE_STRING, SET_FLAG), "a,b", str("a,b")},
        {"text", text_col(MYSQL_TYPE_BLOB, BLOB_FLAG), "long text", str("long text")},
        {"mediumtext", text_col(MYSQL_TYPE_MEDIUM_BLOB, BLOB_FLAG), "m", str("m")},
        {"binary", col(MYSQL_TYPE_STRING, BINARY_FLAG), bytes_of({0x00, 0xff}), bytes(bytes_of({0x00, 0xff}))},
        {"varbinary", col(MYSQL_TYPE_VAR_STRING, BINARY_FLAG), "ab", bytes("ab")},
        {"blob", col(MYSQL_TYPE_BLOB, BLOB_FLAG | BINARY_FLAG), bytes_of({0x5c, 0x00}),
         bytes(bytes_of({0x5c, 0x00}))},
        {"tinyblob", col(MYSQL_TYPE_TINY_BLOB, BLOB_FLAG | BINARY_FLAG), "", bytes("")},
        {"longblob", col(MYSQL_TYPE_LONG_BLOB, BLOB_FLAG | BINARY_FLAG), "z", bytes("z")},
        {"json_mysql_binary_charset", col(MYSQL_TYPE_JSON, BLOB_FLAG | BINARY_FLAG), "{\"a\": 1}",
         json("{\"a\": 1}")},
        {"json_mariadb_extended_metadata", json_blob, "[1, 2]", json("[1, 2]")},
        {"uuid_mariadb", uuid_string, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Value(sample_uuid)},
        {"geometry", col(MYSQL_TYPE_GEOMETRY, BLOB_FLAG | BINARY_FLAG), bytes_of({0, 0, 0, 0, 1, 1}),
         bytes(bytes_of({0, 0, 0, 0, 1, 1}))},
        {"null_type", col(MYSQL_TYPE_NULL), "", null_value()},
    };
}

class FieldDecode : public testing::TestWithParam<FieldCase> {};

TEST_P(FieldDecode, GivesTheValue) {
    const FieldCase& c = GetParam();
    EXPECT_EQ(decode_field(c.column, c.buffer.data(), static_cast<unsigned long>(c.buffer.size())),
              c.expected);
}

INSTANTIATE_TEST_SUITE_P(MysqlTypes, FieldDecode, testing::ValuesIn(field_cases()), case_name<FieldCase>);

TEST(FieldDecodeSpecial, NullDataIsNull) {
    for (auto type : {MYSQL_TYPE_LONG, MYSQL_TYPE_DATETIME, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_BIT}) {
        EXPECT_TRUE(decode_field(col(type), nullptr, 0).is_null()) << type;
        EXPECT_TRUE(decode_text_field(col(type), nullptr, 0).is_null()) << type;
    }
}

TEST(FieldDecodeSpecial, BooleanColumnsReadAsBool) {
    // BOOLEAN is TINYINT(1): an integer that as<bool> takes when 0 or 1.
    const auto column = col(MYSQL_TYPE_TINY);
    const std::string one = raw<std::int8_t>(1);
    const std::string zero = raw<std::int8_t>(0);
    const std::string two = raw<std::int8_t>(2);
    EXPECT_TRUE(decode_field(column, one.data(), 1).as<bool>());
    EXPECT_FALSE(decode_field(column, zero.data(), 1).as<bool>());
    EXPECT_FALSE(data_error([&] { (void)decode_field(column, two.data(), 1).as<bool>(); }).empty());
    EXPECT_TRUE(decode_text_field(column, "1", 1).as<bool>());
}

TEST(FieldDecodeSpecial, NegativeZeroAndNaNKeepTheirForm) {
    const std::string nz = raw<double>(-0.0);
    const Value v = decode_field(col(MYSQL_TYPE_DOUBLE), nz.data(), 8);
    ASSERT_NE(v.get_if<double>(), nullptr);
    EXPECT_TRUE(std::signbit(*v.get_if<double>()));
    const std::string nan = raw<float>(std::numeric_limits<float>::quiet_NaN());
    const Value f = decode_field(col(MYSQL_TYPE_FLOAT), nan.data(), 4);
    ASSERT_NE(f.get_if<double>(), nullptr);
    EXPECT_TRUE(std::isnan(*f.get_if<double>()));
}

TEST(FieldDecodeSpecial, ReadsOnlyLengthBytes) {
    // A string buffer holds more than the value: only `length` bytes count.
    const char buffer[] = "abcdef";
    EXPECT_EQ(decode_field(text_col(MYSQL_TYPE_VAR_STRING), buffer, 3), str("abc"));
    EXPECT_EQ(decode_field(col(MYSQL_TYPE_NEWDECIMAL), "1.50garbage", 4), dec("1.50"));
    EXPECT_EQ(decode_field(col(MYSQL_TYPE_BIT), "\x01\x02\x03", 1), i64(1));
}

struct FieldErrorCase {
    std::string name;
    ColumnType column;
    std::string buffer;
    std::string message_part;
};

void PrintTo(const FieldErrorCase& c, std::ostream* os) { *os << c.name; }

std::vector<FieldErrorCase> field_error_cases() {
    return {
        {"tiny_wrong_length", col(MYSQL_TYPE_TINY), raw<std::int16_t>(1), "expected a buffer of 1 byte, got 2"},
        {"short_wrong_length", col(MYSQL_TYPE_SHORT), "x", "MySQL type SMALLINT"},
        {"long_wrong_length", unsigned_col(MYSQL_TYPE_LONG), raw<std::int64_t>(1), "INT UNSIGNED"},
        {"longlong_wrong_length", col(MYSQL_TYPE_LONGLONG), raw<std::int32_t>(1), "got 4 bytes"},
        {"float_wrong_length", col(MYSQL_TYPE_FLOAT), raw<double>(1), "FLOAT"},
        {"double_wrong_length", col(MYSQL_TYPE_DOUBLE), "", "got 0 bytes"},
        {"time_struct_truncated", col(MYSQL_TYPE_DATETIME), raw(mysql_time(2024, 1, 1)).substr(0, 8),
         "expected a MYSQL_TIME"},
        {"zero_date", col(MYSQL_TYPE_DATE), raw(mysql_time(0, 0, 0)), "MySQL zero date '0000-00-00' in a DATE"},
        {"zero_datetime", col(MYSQL_TYPE_DATETIME), raw(mysql_time(0, 0, 0)),
         "MySQL zero date '0000-00-00 00:00:00' in a DATETIME column cannot be represented as a Timestamp"},
        {"zero_timestamp", col(MYSQL_TYPE_TIMESTAMP), raw(mysql_time(0, 0, 0)), "NULLIF(column, '0000-00-00 00:00:00')"},
        {"zero_month", col(MYSQL_TYPE_DATE), raw(mysql_time(2024, 0, 15)), "zero month or day '2024-00-15'"},
        {"zero_day", col(MYSQL_TYPE_DATETIME), raw(mysql_time(2024, 3, 0, 10)),
         "zero month or day '2024-03-00 10:00:00'"},
        {"day_past_month", col(MYSQL_TYPE_DATE), raw(mysql_time(2023, 2, 29)), "day 29 out of range"},
        {"month_13", col(MYSQL_TYPE_DATE), raw(mysql_time(2023, 13, 1)), "month 13 out of range"},
        {"year_10000", col(MYSQL_TYPE_DATETIME), raw(mysql_time(10000, 1, 1)), "year 10000 out of range"},
        {"hour_24", col(MYSQL_TYPE_DATETIME), raw(mysql_time(2024, 1, 1, 24)), "hour 24 out of range"},
        {"minute_60", col(MYSQL_TYPE_DATETIME), raw(mysql_time(2024, 1, 1, 1, 60)), "minute 60"},
        {"second_60", col(MYSQL_TYPE_TIME), raw(time_value(1, 0, 60)), "second 60"},
        {"micros_1e6", col(MYSQL_TYPE_DATETIME), raw(mysql_time(2024, 1, 1, 0, 0, 0, 1000000)),
         "microseconds 1000000"},
        {"time_839h", col(MYSQL_TYPE_TIME), raw(time_value(839, 0, 0)), "outside the TIME range"},
        {"time_huge_hours", col(MYSQL_TYPE_TIME), raw(time_value(4294967295u, 0, 0)), "outside the TIME range"},
        {"time_huge_days", col(MYSQL_TYPE_TIME),
         raw(mysql_time(0, 0, 4294967295u, 0, 0, 0, 0, false, MYSQL_TIMESTAMP_TIME)), "outside the TIME range"},
        {"bit_empty", col(MYSQL_TYPE_BIT), "", "empty BIT value"},
        {"bit_9_bytes", col(MYSQL_TYPE_BIT), std::string(9, '\x01'), "BIT value of 9 bytes, at most 8"},
        {"decimal_letters", col(MYSQL_TYPE_NEWDECIMAL), "abc", "invalid value of MySQL type DECIMAL 'abc'"},
        {"decimal_empty", col(MYSQL_TYPE_NEWDECIMAL), "", "expected [-]digits[.digits]"},
        {"decimal_exponent", col(MYSQL_TYPE_NEWDECIMAL), "1e5", "DECIMAL"},
        {"decimal_plus", col(MYSQL_TYPE_NEWDECIMAL), "+1", "DECIMAL"},
        {"decimal_dot_only", col(MYSQL_TYPE_NEWDECIMAL), "1.", "DECIMAL"},
        {"decimal_leading_dot", col(MYSQL_TYPE_NEWDECIMAL), ".5", "DECIMAL"},
        {"decimal_control_bytes_hidden", col(MYSQL_TYPE_NEWDECIMAL), std::string("1\n2", 3), "'1?2'"},
        {"uuid_malformed", col(MYSQL_TYPE_STRING, 0, binary, ColumnFormat::uuid), "not-a-uuid",
         "invalid value of MySQL type UUID 'not-a-uuid'"},
    };
}

class FieldDecodeError : public testing::TestWithParam<FieldErrorCase> {};

TEST_P(FieldDecodeError, ThrowsDataErrorNamingTheType) {
    const FieldErrorCase& c = GetParam();
    const std::string message = data_error(
        [&] { (void)decode_field(c.column, c.buffer.data(), static_cast<unsigned long>(c.buffer.size())); });
    EXPECT_CONTAINS(message, c.message_part);
}

INSTANTIATE_TEST_SUITE_P(MysqlTypes, FieldDecodeError, testing::ValuesIn(field_error_cases()),
                         case_name<FieldErrorCase>);

TEST(FieldDecodeSpecial, LongMessagesAreClipped) {
    const std::string text(500, '7');
    const std::string message = data_error([&] {
        (void)decode_field(col(MYSQL_TYPE_NEWDECIMAL), (text + "x").data(), 501);
    });
    EXPECT_CONTAINS(message, "...");
    EXPECT_LT(message.size(), 200u);
}

// ---------------------------------------------------------------- buffer binding

struct BufferCase {
    std::string name;
    ColumnType column;
    enum_field_types buffer_type;
    std::size_t size;  // with max_length 10
};

void PrintTo(const BufferCase& c, std::ostream* os) { *os << c.name; }

std::vector<BufferCase> buffer_cases() {
    constexpr std::size_t time_size = sizeof(MYSQL_TIME);
    return {
        {"null", col(MYSQL_TYPE_NULL), MYSQL_TYPE_NULL, 0},
        {"tiny", col(MYSQL_TYPE_TINY), MYSQL_TYPE_TINY, 1},
        {"short", col(MYSQL_TYPE_SHORT), MYSQL_TYPE_SHORT, 2},
        {"year", col(MYSQL_TYPE_YEAR, UNSIGNED_FLAG | ZEROFILL_FLAG), MYSQL_TYPE_SHORT, 2},
        {"int24", col(MYSQL_TYPE_INT24), MYSQL_TYPE_LONG, 4},
        {"long", col(MYSQL_TYPE_LONG), MYSQL_TYPE_LONG, 4},
        {"longlong", unsigned_col(MYSQL_TYPE_LONGLONG), MYSQL_TYPE_LONGLONG, 8},
        {"float", col(MYSQL_TYPE_FLOAT), MYSQL_TYPE_FLOAT, 4},
        {"double", col(MYSQL_TYPE_DOUBLE), MYSQL_TYPE_DOUBLE, 8},
        {"newdecimal", col(MYSQL_TYPE_NEWDECIMAL), MYSQL_TYPE_STRING, 11},
        {"decimal", col(MYSQL_TYPE_DECIMAL), MYSQL_TYPE_STRING, 11},
        {"bit", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG), MYSQL_TYPE_BLOB, 8},
        {"date", col(MYSQL_TYPE_DATE), MYSQL_TYPE_DATE, time_size},
        {"newdate", col(MYSQL_TYPE_NEWDATE), MYSQL_TYPE_DATE, time_size},
        {"time", col(MYSQL_TYPE_TIME), MYSQL_TYPE_TIME, time_size},
        {"datetime", col(MYSQL_TYPE_DATETIME), MYSQL_TYPE_DATETIME, time_size},
        {"timestamp", col(MYSQL_TYPE_TIMESTAMP), MYSQL_TYPE_TIMESTAMP, time_size},
        {"varchar", text_col(MYSQL_TYPE_VAR_STRING), MYSQL_TYPE_STRING, 11},
        {"varchar_15", text_col(MYSQL_TYPE_VARCHAR), MYSQL_TYPE_STRING, 11},
        {"char", text_col(MYSQL_TYPE_STRING), MYSQL_TYPE_STRING, 11},
        {"enum", text_col(MYSQL_TYPE_STRING, ENUM_FLAG), MYSQL_TYPE_STRING, 11},
        {"text", text_col(MYSQL_TYPE_BLOB, BLOB_FLAG), MYSQL_TYPE_STRING, 11},
        {"varbinary", col(MYSQL_TYPE_VAR_STRING), MYSQL_TYPE_BLOB, 11},
        {"blob", col(MYSQL_TYPE_BLOB), MYSQL_TYPE_BLOB, 11},
        {"longblob", col(MYSQL_TYPE_LONG_BLOB), MYSQL_TYPE_BLOB, 11},
        {"json_mysql", col(MYSQL_TYPE_JSON), MYSQL_TYPE_STRING, 11},
        {"json_mariadb", col(MYSQL_TYPE_BLOB, 0, utf8mb4_bin, ColumnFormat::json), MYSQL_TYPE_STRING, 11},
        {"geometry", col(MYSQL_TYPE_GEOMETRY), MYSQL_TYPE_BLOB, 11},
    };
}

class ResultBuffer : public testing::TestWithParam<BufferCase> {};

TEST_P(ResultBuffer, TypeAndSize) {
    const BufferCase& c = GetParam();
    EXPECT_EQ(result_buffer_type(c.column), c.buffer_type);
    EXPECT_EQ(result_buffer_size(c.column, 10), c.size);
    EXPECT_EQ(result_buffer_unsigned(c.column), (c.column.flags & UNSIGNED_FLAG) != 0);
}

INSTANTIATE_TEST_SUITE_P(MysqlTypes, ResultBuffer, testing::ValuesIn(buffer_cases()), case_name<BufferCase>);

TEST(ResultBufferSpecial, UnknownMaxLengthGivesTheInitialSize) {
    EXPECT_EQ(result_buffer_size(text_col(MYSQL_TYPE_VAR_STRING), 0), initial_string_buffer);
    EXPECT_EQ(result_buffer_size(col(MYSQL_TYPE_BLOB), 0), initial_string_buffer);
    EXPECT_EQ(result_buffer_size(col(MYSQL_TYPE_LONG), 0), 4u);
    EXPECT_EQ(result_buffer_size(col(MYSQL_TYPE_BIT), 0), 8u);
    EXPECT_EQ(result_buffer_size(col(MYSQL_TYPE_BLOB), 1000000), 1000001u);
}

// ---------------------------------------------------------------- column types

TEST(ColumnTypes, FromFieldWithoutExtendedMetadata) {
    MYSQL_FIELD field{};
    field.type = MYSQL_TYPE_LONGLONG;
    field.flags = UNSIGNED_FLAG | NOT_NULL_FLAG;
    field.charsetnr = binary;
    field.decimals = 0;
    const ColumnType c = column_type(field);
    EXPECT_EQ(c.type, MYSQL_TYPE_LONGLONG);
    EXPECT_EQ(c.flags, UNSIGNED_FLAG | NOT_NULL_FLAG);
    EXPECT_EQ(c.charset, binary);
    EXPECT_EQ(c.decimals, 0u);
    EXPECT_EQ(c.format, ColumnFormat::plain);
    EXPECT_TRUE(c.is_unsigned());
    EXPECT_TRUE(c.is_binary());

    field.type = MYSQL_TYPE_DATETIME;
    field.flags = 0;
    field.decimals = 6;
    EXPECT_EQ(column_type(field).decimals, 6u);
}

TEST(ColumnTypes, Names) {
    EXPECT_EQ(type_name(col(MYSQL_TYPE_LONG)), "INT");
    EXPECT_EQ(type_name(unsigned_col(MYSQL_TYPE_LONGLONG)), "BIGINT UNSIGNED");
    EXPECT_EQ(type_name(unsigned_col(MYSQL_TYPE_TINY)), "TINYINT UNSIGNED");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_INT24)), "MEDIUMINT");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_NEWDECIMAL)), "DECIMAL");
    EXPECT_EQ(type_name(text_col(MYSQL_TYPE_VAR_STRING)), "VARCHAR");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_VAR_STRING)), "VARBINARY");
    EXPECT_EQ(type_name(text_col(MYSQL_TYPE_STRING)), "CHAR");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_STRING)), "BINARY");
    EXPECT_EQ(type_name(text_col(MYSQL_TYPE_STRING, ENUM_FLAG)), "ENUM");
    EXPECT_EQ(type_name(text_col(MYSQL_TYPE_STRING, SET_FLAG)), "SET");
    EXPECT_EQ(type_name(text_col(MYSQL_TYPE_BLOB)), "TEXT");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_BLOB)), "BLOB");
    EXPECT_EQ(type_name(text_col(MYSQL_TYPE_LONG_BLOB)), "LONGTEXT");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_BLOB, 0, utf8mb4_bin, ColumnFormat::json)), "JSON");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_STRING, 0, binary, ColumnFormat::uuid)), "UUID");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_JSON)), "JSON");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_TIMESTAMP)), "TIMESTAMP");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_GEOMETRY)), "GEOMETRY");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_YEAR)), "YEAR");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_BIT)), "BIT");
    EXPECT_EQ(type_name(col(MYSQL_TYPE_NULL)), "NULL");
}

// ---------------------------------------------------------------- text protocol

struct TextCase {
    std::string name;
    ColumnType column;
    std::string text;
    Value expected;
};

void PrintTo(const TextCase& c, std::ostream* os) { *os << c.name; }

std::vector<TextCase> text_cases() {
    return {
        {"tiny", col(MYSQL_TYPE_TINY), "-128", i64(-128)},
        {"tiny_unsigned", unsigned_col(MYSQL_TYPE_TINY), "255", i64(255)},
        {"short", col(MYSQL_TYPE_SHORT), "-32768", i64(-32768)},
        {"int24", col(MYSQL_TYPE_INT24), "8388607", i64(8388607)},
        {"long", col(MYSQL_TYPE_LONG), "-2147483648", i64(-2147483648LL)},
        {"long_zerofill", col(MYSQL_TYPE_LONG, UNSIGNED_FLAG | ZEROFILL_FLAG), "0000000042", i64(42)},
        {"longlong_min", col(MYSQL_TYPE_LONGLONG), "-9223372036854775808", i64(int64_min)},
        {"longlong_max", col(MYSQL_TYPE_LONGLONG), "9223372036854775807", i64(int64_max)},
        {"longlong_unsigned_small", unsigned_col(MYSQL_TYPE_LONGLONG), "7", i64(7)},
        {"longlong_unsigned_above_int64", unsigned_col(MYSQL_TYPE_LONGLONG), "9223372036854775808",
         dec("9223372036854775808")},
        {"longlong_unsigned_max", unsigned_col(MYSQL_TYPE_LONGLONG), "18446744073709551615",
         dec("18446744073709551615")},
        {"year", col(MYSQL_TYPE_YEAR, UNSIGNED_FLAG | ZEROFILL_FLAG), "2024", i64(2024)},
        {"year_zero", col(MYSQL_TYPE_YEAR, UNSIGNED_FLAG | ZEROFILL_FLAG), "0000", i64(0)},
        {"float_printed_digits", col(MYSQL_TYPE_FLOAT), "0.1", Value(0.1)},
        {"double", col(MYSQL_TYPE_DOUBLE), "-1.5", Value(-1.5)},
        {"double_exponent", col(MYSQL_TYPE_DOUBLE), "1e300", Value(1e300)},
        {"double_negative_exponent", col(MYSQL_TYPE_DOUBLE), "1.2345e-7", Value(1.2345e-7)},
        {"decimal", col(MYSQL_TYPE_NEWDECIMAL), "-12.340", dec("-12.340")},
        {"decimal_zero", col(MYSQL_TYPE_NEWDECIMAL), "0.00", dec("0.00")},
        {"bit_raw_bytes", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG), bytes_of({0x00, 0x05}), i64(5)},
        {"bit_all_ones", col(MYSQL_TYPE_BIT, UNSIGNED_FLAG), std::string(8, '\xff'), dec("18446744073709551615")},
        {"date", col(MYSQL_TYPE_DATE), "2024-02-29", date(2024y / 2 / 29)},
        {"date_year_0", col(MYSQL_TYPE_DATE), "0000-01-01", date(year{0} / 1 / 1)},
        {"time", col(MYSQL_TYPE_TIME), "10:11:12", time_of_day(10h + 11min + 12s)},
        {"time_fraction", col(MYSQL_TYPE_TIME), "10:11:12.5", time_of_day(10h + 11min + 12s + 500ms)},
        {"time_micros", col(MYSQL_TYPE_TIME), "00:00:00.000001", time_of_day(1us)},
        {"time_negative", col(MYSQL_TYPE_TIME), "-01:30:00", time_of_day(-(1h + 30min))},
        {"time_three_digit_hours", col(MYSQL_TYPE_TIME), "838:59:59.000000", time_of_day(838h + 59min + 59s)},
        {"time_min", col(MYSQL_TYPE_TIME), "-838:59:59.999999", time_of_day(-(838h + 59min + 59s + 999999us))},
        {"datetime", col(MYSQL_TYPE_DATETIME), "2024-01-02 03:04:05", ts(sys_days{2024y / 1 / 2}, 3h + 4min + 5s)},
        {"datetime_fraction", col(MYSQL_TYPE_DATETIME), "2024-01-02 03:04:05.123456",
         ts(sys_days{2024y / 1 / 2}, 3h + 4min + 5s + 123456us)},
        {"datetime_3_digits", col(MYSQL_TYPE_DATETIME), "2024-01-02 03:04:05.120",
         ts(sys_days{2024y / 1 / 2}, 3h + 4min + 5s + 120ms)},
        {"timestamp", col(MYSQL_TYPE_TIMESTAMP), "1970-01-01 00:00:00", ts(sys_days{1970y / 1 / 1})},
        {"varchar", text_col(MYSQL_TYPE_VAR_STRING), "h\xc3\xa9", str("h\xc3\xa9")},
        {"varchar_empty", text_col(MYSQL_TYPE_VAR_STRING), "", str("")},
        {"text", text_col(MYSQL_TYPE_BLOB, BLOB_FLAG), "t", str("t")},
        {"enum", text_col(MYSQL_TYPE_STRING, ENUM_FLAG), "b", str("b")},
        {"varbinary", col(MYSQL_TYPE_VAR_STRING), bytes_of({0x01, 0x00}), bytes(bytes_of({0x01, 0x00}))},
        {"blob", col(MYSQL_TYPE_BLOB), "b", bytes("b")},
        {"json_mysql", col(MYSQL_TYPE_JSON), "{\"k\": [1]}", json("{\"k\": [1]}")},
        {"json_mariadb", col(MYSQL_TYPE_BLOB, BLOB_FLAG, utf8mb4_bin, ColumnFormat::json), "{}", json("{}")},
        {"uuid_mariadb", col(MYSQL_TYPE_STRING, 0, utf8mb4, ColumnFormat::uuid),
         "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", Value(sample_uuid)},
        {"geometry", col(MYSQL_TYPE_GEOMETRY), bytes_of({0, 0, 0, 0, 1}), bytes(bytes_of({0, 0, 0, 0, 1}))},
        {"null_type", col(MYSQL_TYPE_NULL), "", null_value()},
    };
}

class TextDecode : public testing::TestWithParam<TextCase> {};

TEST_P(TextDecode, GivesTheValue) {
    const TextCase& c = GetParam();
    EXPECT_EQ(decode_text_field(c.column, c.text.data(), static_cast<unsigned long>(c.text.size())),
              c.expected);
}

INSTANTIATE_TEST_SUITE_P(MysqlTypes, TextDecode, testing::ValuesIn(text_cases()), case_name<TextCase>);

TEST(TextDecodeSpecial, FromMysqlField) {
    MYSQL_FIELD field{};
    field.type = MYSQL_TYPE_LONGLONG;
    field.flags = UNSIGNED_FLAG;
    field.charsetnr = binary;
    EXPECT_EQ(decode_text_field(field, "18446744073709551615", 20), dec("18446744073709551615"));
    EXPECT_TRUE(decode_text_field(field, nullptr, 0).is_null());
    field.type = MYSQL_TYPE_VAR_STRING;
    field.flags = 0;
    field.charsetnr = utf8mb4;
    EXPECT_EQ(decode_text_field(field, "abc", 2), str("ab"));
    field.charsetnr = binary;
    EXPECT_EQ(decode_text_field(field, "abc", 1), bytes("a"));
}

struct TextErrorCase {
    std::string name;
    ColumnType column;
    std::string text;
    std::string message_part;
};

void PrintTo(const TextErrorCase& c, std::ostream* os) { *os << c.name; }

std::vector<TextErrorCase> text_error_cases() {
    return {
        {"int_empty", col(MYSQL_TYPE_LONG), "", "invalid value of MySQL type INT '': expected [-]digits"},
        {"int_letters", col(MYSQL_TYPE_LONG), "12a", "'12a'"},
        {"int_plus", col(MYSQL_TYPE_LONG), "+1", "expected [-]digits"},
        {"int_space", col(MYSQL_TYPE_LONG), " 1", "expected [-]digits"},
        {"int_fraction", col(MYSQL_TYPE_LONGLONG), "1.0", "BIGINT"},
        {"longlong_overflow", col(MYSQL_TYPE_LONGLONG), "9223372036854775808", "out of range"},
        {"longlong_underflow", col(MYSQL_TYPE_LONGLONG), "-9223372036854775809", "out of range"},
        {"unsigned_negative", unsigned_col(MYSQL_TYPE_LONGLONG), "-1", "BIGINT UNSIGNED '-1': expected digits"},
        {"unsigned_overflow", unsigned_col(MYSQL_TYPE_LONGLONG), "18446744073709551616", "out of range"},
        {"float_letters", col(MYSQL_TYPE_DOUBLE), "abc", "expected a number"},
        {"float_trailing", col(MYSQL_TYPE_FLOAT), "1.5x", "FLOAT"},
        {"float_empty", col(MYSQL_TYPE_DOUBLE), "", "DOUBLE"},
        {"float_overflow", col(MYSQL_TYPE_DOUBLE), "1e999", "out of range"},
        {"decimal_letters", col(MYSQL_TYPE_NEWDECIMAL), "1.2.3", "DECIMAL"},
        {"bit_empty", col(MYSQL_TYPE_BIT), "", "empty BIT value"},
        {"bit_too_long", col(MYSQL_TYPE_BIT), "123456789", "at most 8"},
        {"date_short_month", col(MYSQL_TYPE_DATE), "2024-1-01", "expected YYYY-MM-DD"},
        {"date_trailing", col(MYSQL_TYPE_DATE), "2024-01-01 ", "expected YYYY-MM-DD"},
        {"date_empty", col(MYSQL_TYPE_DATE), "", "expected YYYY-MM-DD"},
        {"zero_date", col(MYSQL_TYPE_DATE), "0000-00-00", "MySQL zero date '0000-00-00' in a DATE"},
        {"zero_datetime", col(MYSQL_TYPE_DATETIME), "0000-00-00 00:00:00",
         "MySQL zero date '0000-00-00 00:00:00' in a DATETIME"},
        {"zero_timestamp", col(MYSQL_TYPE_TIMESTAMP), "0000-00-00 00:00:00", "TIMESTAMP column"},
        {"zero_day", col(MYSQL_TYPE_DATE), "2024-05-00", "zero month or day '2024-05-00'"},
        {"date_feb_30", col(MYSQL_TYPE_DATE), "2024-02-30", "day 30 out of range"},
        {"date_month_13", col(MYSQL_TYPE_DATE), "2024-13-01", "month 13"},
        {"datetime_t_separator", col(MYSQL_TYPE_DATETIME), "2024-01-01T00:00:00", "expected YYYY-MM-DD HH:MM:SS"},
        {"datetime_no_seconds", col(MYSQL_TYPE_DATETIME), "2024-01-01 00:00", "expected YYYY-MM-DD HH:MM:SS"},
        {"datetime_7_fraction_digits", col(MYSQL_TYPE_DATETIME), "2024-01-01 00:00:00.1234567", "DATETIME"},
        {"datetime_empty_fraction", col(MYSQL_TYPE_DATETIME), "2024-01-01 00:00:00.", "DATETIME"},
        {"datetime_zone", col(MYSQL_TYPE_DATETIME), "2024-01-01 00:00:00+01:00", "DATETIME"},
        {"datetime_hour_25", col(MYSQL_TYPE_DATETIME), "2024-01-01 25:00:00", "hour 25"},
        {"time_one_digit_hour", col(MYSQL_TYPE_TIME), "1:00:00", "expected [-]HH:MM:SS[.ffffff]"},
        {"time_no_seconds", col(MYSQL_TYPE_TIME), "10:00", "expected [-]HH:MM:SS"},
        {"time_minute_60", col(MYSQL_TYPE_TIME), "10:60:00", "minute 60"},
        {"time_839h", col(MYSQL_TYPE_TIME), "839:00:00", "outside the TIME range"},
        {"time_many_hour_digits", col(MYSQL_TYPE_TIME), "0000001:00:00", "expected [-]HH:MM:SS"},
        {"time_double_minus", col(MYSQL_TYPE_TIME), "--1:00:00", "TIME"},
    };
}

class TextDecodeError : public testing::TestWithParam<TextErrorCase> {};

TEST_P(TextDecodeError, ThrowsDataError) {
    const TextErrorCase& c = GetParam();
    const std::string message = data_error(
        [&] { (void)decode_text_field(c.column, c.text.data(), static_cast<unsigned long>(c.text.size())); });
    EXPECT_CONTAINS(message, c.message_part);
}

INSTANTIATE_TEST_SUITE_P(MysqlTypes, TextDecodeError, testing::ValuesIn(text_error_cases()),
                         case_name<TextErrorCase>);

// ---------------------------------------------------------------- parameters

// A parameter bound and checked: the MYSQL_BIND points into `out`.
struct Bound {
    BoundParameter out;
    MYSQL_BIND bind;
};

void check_points_into(const Bound& b) {
    EXPECT_EQ(b.bind.length, &b.out.length);
    EXPECT_EQ(b.bind.is_null, &b.out.null_indicator);
    EXPECT_EQ(b.bind.buffer_type, b.out.type);
    EXPECT_EQ(*b.bind.length, b.bind.buffer_length);
    EXPECT_EQ(b.bind.is_unsigned, 0);
    EXPECT_FALSE(b.out.is_unsigned);
    EXPECT_EQ(b.bind.error, nullptr);
}

void bind(const Value& v, Bound& b) {
    std::memset(static_cast<void*>(&b.bind), 0x5a, sizeof b.bind);  // garbage a reset must clear
    bind_parameter(v, b.out, b.bind);
    check_points_into(b);
}

TEST(BindParameter, Null) {
    Bound b;
    bind(Value(), b);
    EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_NULL);
    EXPECT_TRUE(b.out.is_null);
    EXPECT_EQ(*b.bind.is_null, 1);
    EXPECT_EQ(b.bind.buffer, nullptr);
    EXPECT_EQ(b.bind.buffer_length, 0u);
}

TEST(BindParameter, Bool) {
    Bound b;
    bind(Value(true), b);
    EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_TINY);
    EXPECT_FALSE(b.out.is_null);
    EXPECT_EQ(*b.bind.is_null, 0);
    EXPECT_EQ(b.bind.buffer, &b.out.tiny);
    EXPECT_EQ(b.bind.buffer_length, 1u);
    EXPECT_EQ(*static_cast<const signed char*>(b.bind.buffer), 1);
    bind(Value(false), b);
    EXPECT_EQ(*static_cast<const signed char*>(b.bind.buffer), 0);
}

TEST(BindParameter, Integer) {
    for (const std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, int64_min, int64_max}) {
        Bound b;
        bind(Value(v), b);
        EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_LONGLONG);
        EXPECT_EQ(b.bind.buffer, &b.out.integer);
        EXPECT_EQ(b.bind.buffer_length, 8u);
        EXPECT_EQ(*static_cast<const long long*>(b.bind.buffer), v);
    }
}

TEST(BindParameter, Double) {
    Bound b;
    bind(Value(-2.25), b);
    EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_DOUBLE);
    EXPECT_EQ(b.bind.buffer, &b.out.real);
    EXPECT_EQ(b.bind.buffer_length, 8u);
    EXPECT_EQ(*static_cast<const double*>(b.bind.buffer), -2.25);
}

std::string buffer_text(const MYSQL_BIND& bind) {
    return std::string(static_cast<const char*>(bind.buffer), bind.buffer_length);
}

TEST(BindParameter, StringsAndTheirKinds) {
    const struct {
        Value value;
        enum_field_types type;
        std::string bytes;
    } cases[] = {
        {dec("-12.340"), MYSQL_TYPE_NEWDECIMAL, "-12.340"},
        {str("h\xc3\xa9llo"), MYSQL_TYPE_STRING, "h\xc3\xa9llo"},
        {str(""), MYSQL_TYPE_STRING, ""},
        {str(std::string("a\0b", 3)), MYSQL_TYPE_STRING, std::string("a\0b", 3)},
        {bytes(bytes_of({0x00, 0xff, 0x5c})), MYSQL_TYPE_BLOB, bytes_of({0x00, 0xff, 0x5c})},
        {Value(sample_uuid), MYSQL_TYPE_STRING, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
        {json("{\"a\": [1, 2]}"), MYSQL_TYPE_STRING, "{\"a\": [1, 2]}"},
    };
    for (const auto& c : cases) {
        Bound b;
        bind(c.value, b);
        EXPECT_EQ(b.bind.buffer_type, c.type) << c.value.to_string();
        EXPECT_EQ(b.bind.buffer, static_cast<const void*>(b.out.storage.data()));
        EXPECT_NE(b.bind.buffer, nullptr);
        EXPECT_EQ(b.bind.buffer_length, c.bytes.size());
        EXPECT_EQ(buffer_text(b.bind), c.bytes);
        EXPECT_FALSE(b.out.is_null);
    }
}

TEST(BindParameter, Date) {
    Bound b;
    bind(date(2024y / 2 / 29), b);
    EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_DATE);
    EXPECT_EQ(b.bind.buffer, &b.out.time);
    EXPECT_EQ(b.bind.buffer_length, sizeof(MYSQL_TIME));
    EXPECT_EQ(b.out.time.year, 2024u);
    EXPECT_EQ(b.out.time.month, 2u);
    EXPECT_EQ(b.out.time.day, 29u);
    EXPECT_EQ(b.out.time.hour, 0u);
    EXPECT_EQ(b.out.time.time_type, MYSQL_TIMESTAMP_DATE);
    bind(date(year{0} / 1 / 1), b);
    EXPECT_EQ(b.out.time.year, 0u);
}

TEST(BindParameter, Time) {
    const struct {
        microseconds us;
        bool neg;
        unsigned day, hour, minute, second;
        unsigned long micros;
    } cases[] = {
        {10h + 11min + 12s + 500ms, false, 0, 10, 11, 12, 500000},
        {0us, false, 0, 0, 0, 0, 0},
        {-(1h + 30min), true, 0, 1, 30, 0, 0},
        {100h + 1s, false, 4, 4, 0, 1, 0},
        {838h + 59min + 59s + 999999us, false, 34, 22, 59, 59, 999999},
        {-(838h + 59min + 59s + 999999us), true, 34, 22, 59, 59, 999999},
        {-1us, true, 0, 0, 0, 0, 1},
    };
    for (const auto& c : cases) {
        Bound b;
        bind(time_of_day(c.us), b);
        EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_TIME);
        EXPECT_EQ(b.bind.buffer, &b.out.time);
        EXPECT_EQ(b.bind.buffer_length, sizeof(MYSQL_TIME));
        const MYSQL_TIME& t = b.out.time;
        EXPECT_EQ(t.neg != 0, c.neg) << c.us.count();
        EXPECT_EQ(t.year, 0u);
        EXPECT_EQ(t.month, 0u);
        EXPECT_EQ(t.day, c.day) << c.us.count();
        EXPECT_EQ(t.hour, c.hour) << c.us.count();
        EXPECT_EQ(t.minute, c.minute) << c.us.count();
        EXPECT_EQ(t.second, c.second) << c.us.count();
        EXPECT_EQ(t.second_part, c.micros) << c.us.count();
        EXPECT_EQ(t.time_type, MYSQL_TIMESTAMP_TIME);
    }
}

TEST(BindParameter, TimestampIsUtcWallTime) {
    Bound b;
    bind(ts(sys_days{2024y / 1 / 2}, 3h + 4min + 5s + 123456us), b);
    EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_DATETIME);
    EXPECT_EQ(b.bind.buffer, &b.out.time);
    EXPECT_EQ(b.bind.buffer_length, sizeof(MYSQL_TIME));
    const MYSQL_TIME& t = b.out.time;
    EXPECT_EQ(t.year, 2024u);
    EXPECT_EQ(t.month, 1u);
    EXPECT_EQ(t.day, 2u);
    EXPECT_EQ(t.hour, 3u);
    EXPECT_EQ(t.minute, 4u);
    EXPECT_EQ(t.second, 5u);
    EXPECT_EQ(t.second_part, 123456ul);
    EXPECT_EQ(t.neg, 0);
    EXPECT_EQ(t.time_type, MYSQL_TIMESTAMP_DATETIME);

    // Before 1970: the clock part counts forward from the day's midnight.
    bind(Value(Timestamp{sys_days{1970y / 1 / 1}} - 1us), b);
    EXPECT_EQ(b.out.time.year, 1969u);
    EXPECT_EQ(b.out.time.month, 12u);
    EXPECT_EQ(b.out.time.day, 31u);
    EXPECT_EQ(b.out.time.hour, 23u);
    EXPECT_EQ(b.out.time.minute, 59u);
    EXPECT_EQ(b.out.time.second, 59u);
    EXPECT_EQ(b.out.time.second_part, 999999ul);
}

TEST(BindParameter, RebindingResetsTheBind) {
    Bound b;
    bind(str("text"), b);
    bind(Value(std::int64_t{7}), b);
    EXPECT_EQ(b.bind.buffer_type, MYSQL_TYPE_LONGLONG);
    EXPECT_TRUE(b.out.storage.empty());
    bind(Value(), b);
    EXPECT_EQ(b.bind.buffer, nullptr);
    bind(str("x"), b);
    EXPECT_FALSE(b.out.is_null);
    EXPECT_EQ(*b.bind.is_null, 0);
}

TEST(BindParameter, ValuesMysqlCannotTake) {
    const struct {
        Value value;
        std::string message_part;
    } cases[] = {
        {Value(Interval{1, 2, 3s}), "MySQL has no interval type"},
        {Value(Array{i64(1), i64(2)}), "MySQL has no array type"},
        {date(year{10000} / 1 / 1), "outside MySQL's range 0000-9999"},
        {date(year{-1} / 12 / 31), "year -1"},
        {date(2023y / 2 / 29), "not a valid date"},
        {time_of_day(839h), "outside MySQL's TIME range"},
        {time_of_day(-(838h + 59min + 59s + 999999us) - 1us), "TIME range"},
        {time_of_day(microseconds{int64_min}), "TIME range"},
        {ts(sys_days{year{10000} / 1 / 1}), "outside MySQL's years 0000-9999"},
        {ts(sys_days{year{-1} / 12 / 31}, 23h), "0000-9999"},
        {Value(Timestamp{microseconds{int64_max}}), "0000-9999"},
        {Value(Timestamp{microseconds{int64_min}}), "0000-9999"},
    };
    for (const auto& c : cases) {
        Bound b;
        const std::string message = data_error([&] { bind_parameter(c.value, b.out, b.bind); });
        EXPECT_CONTAINS(message, c.message_part);
    }
}

// Parameters decode back through the result side to the value bound.
TEST(BindParameter, RoundTripThroughTheResultSide) {
    const Value values[] = {
        i64(int64_min), Value(0.1), date(2024y / 2 / 29), time_of_day(-(838h + 1us)),
        time_of_day(25h), ts(sys_days{1999y / 12 / 31}, 23h + 59min + 59s + 999999us),
        ts(sys_days{year{0} / 1 / 1}), str("abc"), dec("-0.5"), bytes("\x01\x02"),
    };
    const ColumnType column_of[] = {
        col(MYSQL_TYPE_LONGLONG), col(MYSQL_TYPE_DOUBLE), col(MYSQL_TYPE_DATE), col(MYSQL_TYPE_TIME),
        col(MYSQL_TYPE_TIME), col(MYSQL_TYPE_DATETIME), col(MYSQL_TYPE_DATETIME),
        text_col(MYSQL_TYPE_VAR_STRING), col(MYSQL_TYPE_NEWDECIMAL), col(MYSQL_TYPE_BLOB),
    };
    for (std::size_t i = 0; i < std::size(values); ++i) {
        Bound b;
        bind(values[i], b);
        const char* data = static_cast<const char*>(b.bind.buffer);
        EXPECT_EQ(decode_field(column_of[i], data, *b.bind.length), values[i]) << values[i].to_string();
    }
}

// ---------------------------------------------------------------- error numbers

TEST(MysqlErrors, TableIsSortedAndNamed) {
    const auto table = error_table();
    EXPECT_GT(table.size(), 1200u);  // MariaDB 10.11: ~1220 server and ~70 client errors
    for (std::size_t i = 1; i < table.size(); ++i) EXPECT_LT(table[i - 1].code, table[i].code);
    for (const ErrorNumber& e : table) {
        EXPECT_FALSE(e.name.empty()) << e.code;
        EXPECT_TRUE(e.name.starts_with("ER_") || e.name.starts_with("WARN_") || e.name.starts_with("CR_"))
            << e.name;
        EXPECT_EQ(error_name(e.code), e.name);
        // Range markers of the headers are not errors.
        EXPECT_FALSE(e.name.starts_with("ER_ERROR_FIRST") || e.name.starts_with("ER_ERROR_LAST")) << e.name;
    }
}

TEST(MysqlErrors, Names) {
    const std::pair<unsigned, std::string_view> cases[] = {
        {1000, "ER_HASHCHK"},
        {1028, "ER_FILSORT_ABORT"},
        {1040, "ER_CON_COUNT_ERROR"},
        {1044, "ER_DBACCESS_DENIED_ERROR"},
        {1045, "ER_ACCESS_DENIED_ERROR"},
        {1048, "ER_BAD_NULL_ERROR"},
        {1049, "ER_BAD_DB_ERROR"},
        {1053, "ER_SERVER_SHUTDOWN"},
        {1054, "ER_BAD_FIELD_ERROR"},
        {1062, "ER_DUP_ENTRY"},
        {1064, "ER_PARSE_ERROR"},
        {1146, "ER_NO_SUCH_TABLE"},
        {1149, "ER_SYNTAX_ERROR"},
        {1205, "ER_LOCK_WAIT_TIMEOUT"},
        {1213, "ER_LOCK_DEADLOCK"},
        {1216, "ER_NO_REFERENCED_ROW"},
        {1217, "ER_ROW_IS_REFERENCED"},
        {1235, "ER_NOT_SUPPORTED_YET"},
        {1264, "ER_WARN_DATA_OUT_OF_RANGE"},
        {1265, "WARN_DATA_TRUNCATED"},
        {1292, "ER_TRUNCATED_WRONG_VALUE"},
        {1305, "ER_SP_DOES_NOT_EXIST"},
        {1317, "ER_QUERY_INTERRUPTED"},
        {1364, "ER_NO_DEFAULT_FOR_FIELD"},
        {1366, "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD"},
        {1406, "ER_DATA_TOO_LONG"},
        {1451, "ER_ROW_IS_REFERENCED_2"},
        {1452, "ER_NO_REFERENCED_ROW_2"},
        {1586, "ER_DUP_ENTRY_WITH_KEY_NAME"},
        {1927, "ER_CONNECTION_KILLED"},
        {1969, "ER_STATEMENT_TIMEOUT"},
        {2000, "CR_UNKNOWN_ERROR"},
        {2002, "CR_CONNECTION_ERROR"},
        {2003, "CR_CONN_HOST_ERROR"},
        {2005, "CR_UNKNOWN_HOST"},
        {2006, "CR_SERVER_GONE_ERROR"},
        {2013, "CR_SERVER_LOST"},
        {2014, "CR_COMMANDS_OUT_OF_SYNC"},
        {2026, "CR_SSL_CONNECTION_ERROR"},
        {2055, "CR_SERVER_LOST_EXTENDED"},
        {3024, "ER_QUERY_TIMEOUT"},  // MySQL's; ER_UNUSED_1 in MariaDB
        {3572, "ER_LOCK_NOWAIT"},
        {3819, "ER_CHECK_CONSTRAINT_VIOLATED"},
        {4025, "ER_CONSTRAINT_FAILED"},
        {5026, "CR_ERR_MISSING_ERROR_INFO"},
    };
    for (const auto& [code, name] : cases) EXPECT_EQ(error_name(code), name) << code;
    EXPECT_EQ(error_name(0), "");
    EXPECT_EQ(error_name(999), "");
    EXPECT_EQ(error_name(1899), "");  // between MariaDB's sections
    EXPECT_EQ(error_name(99999), "");
}

struct KindCase {
    unsigned code;
    ErrorKind kind;
};

void PrintTo(const KindCase& c, std::ostream* os) { *os << c.code; }

class MysqlErrorKind : public testing::TestWithParam<KindCase> {};

TEST_P(MysqlErrorKind, Maps) {
    EXPECT_EQ(to_string(error_kind(GetParam().code)), to_string(GetParam().kind)) << GetParam().code;
}

INSTANTIATE_TEST_SUITE_P(
    MysqlTypes, MysqlErrorKind,
    testing::Values(
        KindCase{1213, ErrorKind::deadlock}, KindCase{1205, ErrorKind::lock_timeout},
        KindCase{2006, ErrorKind::connection_lost}, KindCase{2013, ErrorKind::connection_lost},
        KindCase{2055, ErrorKind::connection_lost}, KindCase{1927, ErrorKind::connection_lost},
        KindCase{1053, ErrorKind::connection_lost}, KindCase{2002, ErrorKind::connection_lost},
        KindCase{2003, ErrorKind::connection_lost}, KindCase{2005, ErrorKind::connection_lost},
        KindCase{2026, ErrorKind::connection_lost}, KindCase{1040, ErrorKind::connection_lost},
        KindCase{1203, ErrorKind::connection_lost}, KindCase{1062, ErrorKind::unique_violation},
        KindCase{1586, ErrorKind::unique_violation}, KindCase{1022, ErrorKind::unique_violation},
        KindCase{1169, ErrorKind::unique_violation}, KindCase{1451, ErrorKind::foreign_key_violation},
        KindCase{1452, ErrorKind::foreign_key_violation}, KindCase{1216, ErrorKind::foreign_key_violation},
        KindCase{1217, ErrorKind::foreign_key_violation}, KindCase{1048, ErrorKind::not_null_violation},
        KindCase{1364, ErrorKind::not_null_violation}, KindCase{1263, ErrorKind::not_null_violation},
        KindCase{4025, ErrorKind::check_violation}, KindCase{3819, ErrorKind::check_violation},
        KindCase{1064, ErrorKind::syntax_error}, KindCase{1149, ErrorKind::syntax_error},
        KindCase{1146, ErrorKind::undefined_object}, KindCase{1054, ErrorKind::undefined_object},
        KindCase{1049, ErrorKind::undefined_object}, KindCase{1305, ErrorKind::undefined_object},
        KindCase{1051, ErrorKind::undefined_object}, KindCase{1109, ErrorKind::undefined_object},
        KindCase{1264, ErrorKind::data_exception}, KindCase{1366, ErrorKind::data_exception},
        KindCase{1406, ErrorKind::data_exception}, KindCase{1292, ErrorKind::data_exception},
        KindCase{1265, ErrorKind::data_exception}, KindCase{1365, ErrorKind::data_exception},
        KindCase{1367, ErrorKind::data_exception}, KindCase{1411, ErrorKind::data_exception},
        KindCase{1441, ErrorKind::data_exception}, KindCase{1690, ErrorKind::data_exception},
        KindCase{1153, ErrorKind::data_exception},
        KindCase{1317, ErrorKind::cancelled}, KindCase{1028, ErrorKind::cancelled},
        KindCase{3024, ErrorKind::statement_timeout}, KindCase{1969, ErrorKind::statement_timeout},
        KindCase{3572, ErrorKind::lock_timeout}, KindCase{1235, ErrorKind::not_supported},
        KindCase{1044, ErrorKind::other}, KindCase{1045, ErrorKind::other},
        KindCase{1050, ErrorKind::other}, KindCase{2014, ErrorKind::other},
        KindCase{1000, ErrorKind::other}, KindCase{0, ErrorKind::other},
        KindCase{4294967295u, ErrorKind::other}),
    [](const testing::TestParamInfo<KindCase>& info) { return "errno_" + std::to_string(info.param.code); });

TEST(MysqlTypes, ErrorsThatEndTheConnection) {
    for (unsigned code : {2006u, 2013u, 2055u, 1927u, 1053u, 2014u, 1153u}) EXPECT_TRUE(ends_connection(code)) << code;
    for (unsigned code : {1062u, 1064u, 1205u, 1213u, 1317u, 1366u, 0u}) EXPECT_FALSE(ends_connection(code)) << code;
}

// The name of the most derived class throw_mysql_error threw, and its kind.
std::pair<std::string, ErrorKind> thrown_by(std::int64_t code, ErrorKind preset = ErrorKind::other) {
    ErrorInfo info{.message = "boom", .kind = preset, .sqlstate = "HY000", .native_code = code};
    try {
        throw_mysql_error(std::move(info));
    } catch (const CommitOutcomeUnknownError& e) {
        return {"CommitOutcomeUnknownError", e.kind()};
    } catch (const OperationalError& e) {
        return {"OperationalError", e.kind()};
    } catch (const IntegrityError& e) {
        return {"IntegrityError", e.kind()};
    } catch (const ProgrammingError& e) {
        return {"ProgrammingError", e.kind()};
    } catch (const DataError& e) {
        return {"DataError", e.kind()};
    } catch (const NotSupportedError& e) {
        return {"NotSupportedError", e.kind()};
    } catch (const InternalError& e) {
        return {"InternalError", e.kind()};
    } catch (const DatabaseError& e) {
        return {"DatabaseError", e.kind()};
    } catch (const TimeoutError& e) {
        return {"TimeoutError", e.kind()};
    }
    return {"nothing", ErrorKind::other};
}

TEST(MysqlErrors, ThrowsByKind) {
    const std::pair<std::int64_t, std::string> cases[] = {
        {1062, "IntegrityError"},    {1586, "IntegrityError"},    {1451, "IntegrityError"},
        {1452, "IntegrityError"},    {1216, "IntegrityError"},    {1217, "IntegrityError"},
        {1048, "IntegrityError"},    {1364, "IntegrityError"},    {4025, "IntegrityError"},
        {1064, "ProgrammingError"},  {1149, "ProgrammingError"},  {1146, "ProgrammingError"},
        {1054, "ProgrammingError"},  {1049, "ProgrammingError"},  {1305, "ProgrammingError"},
        {1050, "ProgrammingError"},  {1136, "ProgrammingError"},  {1264, "DataError"},
        {1366, "DataError"},         {1406, "DataError"},         {1292, "DataError"},
        {1265, "DataError"},         {1213, "OperationalError"},  {1205, "OperationalError"},
        {2006, "OperationalError"},  {2013, "OperationalError"},  {1927, "OperationalError"},
        {1040, "OperationalError"},  {1317, "OperationalError"},  {1028, "OperationalError"},
        {1044, "OperationalError"},  {1045, "OperationalError"},  {1142, "OperationalError"},
        {1227, "OperationalError"},  {1969, "TimeoutError"},      {3024, "TimeoutError"},
        {1235, "NotSupportedError"}, {2014, "DatabaseError"},     {1000, "DatabaseError"},
        {0, "DatabaseError"},        {-1, "DatabaseError"},       {99999999999, "DatabaseError"},
    };
    for (const auto& [code, expected] : cases) EXPECT_EQ(thrown_by(code).first, expected) << code;
}

TEST(MysqlErrors, ThrownErrorCarriesKindAndInfo) {
    EXPECT_EQ(thrown_by(1062).second, ErrorKind::unique_violation);
    EXPECT_EQ(thrown_by(1213).second, ErrorKind::deadlock);
    EXPECT_EQ(thrown_by(1317).second, ErrorKind::cancelled);
    EXPECT_EQ(thrown_by(1045).second, ErrorKind::other);
    // A kind the driver chose already (its own timer sent KILL QUERY) is kept.
    EXPECT_EQ(thrown_by(1317, ErrorKind::statement_timeout),
              std::make_pair(std::string("TimeoutError"), ErrorKind::statement_timeout));
    EXPECT_EQ(thrown_by(2013, ErrorKind::commit_outcome_unknown).first, "CommitOutcomeUnknownError");
    // ... even where the number alone would pick another class.
    EXPECT_EQ(thrown_by(1045, ErrorKind::connection_lost).first, "OperationalError");
    EXPECT_EQ(thrown_by(1050, ErrorKind::internal).first, "InternalError");
    // Without a number the class follows the kind.
    EXPECT_EQ(thrown_by(0, ErrorKind::connection_lost),
              std::make_pair(std::string("OperationalError"), ErrorKind::connection_lost));
    try {
        throw_mysql_error(ErrorInfo{.message = "Duplicate entry '1' for key 'PRIMARY'",
                                    .sqlstate = "23000", .native_code = 1062, .statement = "INSERT ..."});
    } catch (const IntegrityError& e) {
        EXPECT_EQ(e.message(), "Duplicate entry '1' for key 'PRIMARY'");
        EXPECT_EQ(e.sqlstate(), "23000");
        EXPECT_EQ(e.native_code(), 1062);
        EXPECT_EQ(e.statement(), "INSERT ...");
        EXPECT_EQ(e.kind(), ErrorKind::unique_violation);
    }
}

}  // namespace
