// Unit tests of the PostgreSQL wire forms (pg_types) and the SQLSTATE table
// (sqlstate). Binary inputs are the bytes PostgreSQL 15 sends (taken from
// COPY ... (FORMAT binary)), written as hex; text inputs are what it prints
// with DateStyle ISO, IntervalStyle postgres and bytea_output hex.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asyncsql/error.hpp"
#include "asyncsql/types/value.hpp"
#include "backends/postgresql/driver/pg_types.hpp"
#include "backends/postgresql/driver/sqlstate.hpp"

namespace asyncsql {
void PrintTo(const Value& v, std::ostream* os) { *os << to_string(v.kind()) << ' ' << v.to_string(); }
}  // namespace asyncsql

namespace {

using namespace asyncsql;
using namespace asyncsql::postgresql;
using namespace std::chrono_literals;
using std::chrono::microseconds;
using std::chrono::sys_days;
using std::chrono::year;

// ---------------------------------------------------------------- helpers

std::string unhex(std::string_view hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    }
    return out;
}

Value i64(std::int64_t v) { return Value(v); }
Value str(std::string s) { return Value(std::move(s)); }
Value dec(std::string s) { return Value(Decimal{std::move(s)}); }
Value json(std::string s) { return Value(Json{std::move(s)}); }
Value arr(std::initializer_list<Value> values) { return Value(Array(values)); }
Value null_value() { return Value(); }

Value bytes(std::initializer_list<unsigned> values) {
    Bytes out;
    for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
    return Value(std::move(out));
}

Value date(std::chrono::year_month_day d) { return Value(Date{d}); }
Value time_of_day(microseconds us) { return Value(Time{us}); }
Value ts(sys_days day, microseconds time = {}) { return Value(Timestamp{day} + time); }
Value interval(std::int32_t months, std::int32_t days, microseconds time) {
    return Value(Interval{months, days, time});
}

const Uuid sample_uuid = Uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

// The DataError message `f` throws; a test failure when it throws nothing
// or something else.
template <class F>
std::string data_error(F&& f) {
    try {
        f();
    } catch (const DataError& e) {
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

// ---------------------------------------------------------------- type OIDs

TEST(PgTypeOids, ArrayElementAndArrayOf) {
    const std::pair<Oid, Oid> pairs[] = {
        {oid::boolean_array, oid::boolean}, {oid::bytea_array, oid::bytea},
        {oid::char_array, oid::char_},      {oid::name_array, oid::name},
        {oid::int2_array, oid::int2},       {oid::int4_array, oid::int4},
        {oid::text_array, oid::text},       {oid::bpchar_array, oid::bpchar},
        {oid::varchar_array, oid::varchar}, {oid::int8_array, oid::int8},
        {oid::float4_array, oid::float4},   {oid::float8_array, oid::float8},
        {oid::oid_array, oid::oid},         {oid::timestamp_array, oid::timestamp},
        {oid::date_array, oid::date},       {oid::time_array, oid::time},
        {oid::timestamptz_array, oid::timestamptz}, {oid::interval_array, oid::interval},
        {oid::numeric_array, oid::numeric}, {oid::uuid_array, oid::uuid},
        {oid::json_array, oid::json},       {oid::jsonb_array, oid::jsonb},
    };
    for (const auto& [array, element] : pairs) {
        EXPECT_EQ(array_element(array), element) << array;
        EXPECT_EQ(array_of(element), array) << element;
        EXPECT_TRUE(has_binary_decoder(array)) << array;
        EXPECT_TRUE(has_binary_decoder(element)) << element;
        EXPECT_EQ(array_element(element), 0u) << element;
        EXPECT_EQ(std::string(type_name(array)), std::string(type_name(element)) + "[]");
    }
    EXPECT_EQ(oid::int4_array, 1007u);
    EXPECT_EQ(oid::jsonb_array, 3807u);
    EXPECT_EQ(oid::json_array, 199u);
    EXPECT_TRUE(has_binary_decoder(oid::unknown));
    EXPECT_EQ(array_of(oid::unknown), 0u);
    EXPECT_EQ(array_element(600), 0u);  // point
    EXPECT_FALSE(has_binary_decoder(600));
    EXPECT_FALSE(has_binary_decoder(0));
    EXPECT_EQ(type_name(oid::timestamptz), "timestamptz");
    EXPECT_EQ(type_name(600), "");
}

// ---------------------------------------------------------------- binary decoding

struct BinaryCase {
    std::string name;
    Oid type;
    std::string hex;
    Value expected;
};

std::vector<BinaryCase> binary_cases() {
    const auto y2k = sys_days{2000y / 1 / 1};
    return {
        {"bool_true", oid::boolean, "01", Value(true)},
        {"bool_false", oid::boolean, "00", Value(false)},
        {"int2_negative", oid::int2, "ff85", i64(-123)},
        {"int2_min", oid::int2, "8000", i64(-32768)},
        {"int4_max", oid::int4, "7fffffff", i64(2147483647)},
        {"int4_minus_one", oid::int4, "ffffffff", i64(-1)},
        {"int8_min", oid::int8, "8000000000000000", i64(std::numeric_limits<std::int64_t>::min())},
        {"int8_one", oid::int8, "0000000000000001", i64(1)},
        {"oid_max", oid::oid, "ffffffff", i64(4294967295)},
        {"float4_one", oid::float4, "3f800000", Value(1.0)},
        {"float4_minus_half", oid::float4, "bf000000", Value(-0.5)},
        {"float4_tenth_widened", oid::float4, "3dcccccd", Value(static_cast<double>(0.1f))},
        {"float4_infinity", oid::float4, "7f800000", Value(std::numeric_limits<double>::infinity())},
        {"float8_one_and_half", oid::float8, "3ff8000000000000", Value(1.5)},
        {"float8_minus_infinity", oid::float8, "fff0000000000000",
         Value(-std::numeric_limits<double>::infinity())},
        {"float8_denormal_min", oid::float8, "0000000000000001", Value(5e-324)},
        // numeric: ndigits, weight, sign, dscale, base-10000 digits
        {"numeric_zero", oid::numeric, "0000000000000000", dec("0")},
        {"numeric_minus_half", oid::numeric, "0001ffff400000011388", dec("-0.5")},
        {"numeric_big_with_fraction", oid::numeric, "000700040000000604d2162e23340d801ed200000064",
         dec("12345678901234567890.000001")},
        {"numeric_1e_minus_20", oid::numeric, "0001fffb000000140001", dec("0.00000000000000000001")},
        {"numeric_nan", oid::numeric, "00000000c0000000", dec("NaN")},
        {"numeric_infinity", oid::numeric, "00000000d0000020", dec("Infinity")},
        {"numeric_minus_infinity", oid::numeric, "00000000f0000020", dec("-Infinity")},
        {"numeric_one_point_zero", oid::numeric, "00010000000000010001", dec("1.0")},
        {"numeric_trailing_zero_groups", oid::numeric, "0001000100000000000a", dec("100000")},
        {"numeric_scale_4", oid::numeric, "0002000040000004007b1194", dec("-123.4500")},
        {"numeric_zero_with_scale", oid::numeric, "0000000000000003", dec("0.000")},
        {"numeric_digits_past_scale_truncated", oid::numeric, "000200000000000200010d80", dec("1.34")},
        {"text_utf8", oid::text, "68c3a9", str("h\xc3\xa9")},
        {"text_empty", oid::text, "", str("")},
        {"varchar", oid::varchar, "6162", str("ab")},
        {"bpchar_padded", oid::bpchar, "616220", str("ab ")},
        {"name", oid::name, "70675f636c617373", str("pg_class")},
        {"char", oid::char_, "41", str("A")},
        {"char_nul_is_empty", oid::char_, "00", str("")},
        {"unknown", oid::unknown, "78", str("x")},
        {"bytea", oid::bytea, "00ff5c", bytes({0x00, 0xff, 0x5c})},
        {"bytea_empty", oid::bytea, "", bytes({})},
        {"date_epoch", oid::date, "00000000", date(2000y / 1 / 1)},
        {"date_day_before_epoch", oid::date, "ffffffff", date(1999y / 12 / 31)},
        {"date_leap_day", oid::date, "00002279", date(2024y / 2 / 29)},
        {"date_44_bc", oid::date, "fff49d7b", date(year{-43} / 3 / 15)},
        {"time", oid::time, "000000036c9361a0", time_of_day(4h + 5min + 6s + 500ms)},
        {"time_end_of_day", oid::time, "000000141dd76000", time_of_day(24h)},
        {"timestamp", oid::timestamp, "0002b0de36ada800", ts(sys_days{2024y / 1 / 1}, 10h)},
        {"timestamptz_is_utc", oid::timestamptz, "0002b0dc89866000", ts(sys_days{2024y / 1 / 1}, 8h)},
        {"timestamp_before_2000", oid::timestamp, "fffca2fec4c82001",
         ts(sys_days{1970y / 1 / 1}, 1us)},
        {"timestamp_pg_epoch", oid::timestamp, "0000000000000000", ts(y2k)},
        {"interval", oid::interval, "000000036c9361a0000000030000000e",
         interval(14, 3, 4h + 5min + 6s + 500ms)},
        {"interval_mixed_signs", oid::interval, "00000001ad274800ffffffff00000000",
         interval(0, -1, 2h)},
        {"uuid", oid::uuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11", Value(sample_uuid)},
        {"json", oid::json, "7b2261223a20317d", json("{\"a\": 1}")},
        {"jsonb", oid::jsonb, "017b2261223a20317d", json("{\"a\": 1}")},
        {"int4_array_with_null", oid::int4_array,
         "000000010000000100000017000000030000000100000004000000010000000400000002ffffffff",
         arr({i64(1), i64(2), null_value()})},
        {"int4_array_empty", oid::int4_array, "000000000000000000000017", arr({})},
        {"int4_array_lower_bound_0", oid::int4_array,
         "000000010000000000000017000000020000000000000004000000070000000400000008",
         arr({i64(7), i64(8)})},
        {"text_array", oid::text_array,
         "000000010000000100000019000000030000000100000003612062ffffffff00000000",
         arr({str("a b"), null_value(), str("")})},
        {"numeric_array", oid::numeric_array,
         "0000000100000001000006a400000002000000010000000c000200000000000100011388ffffffff",
         arr({dec("1.5"), null_value()})},
        {"date_array", oid::date_array, "00000001000000000000043a0000000100000001000000040000223e",
         arr({date(2024y / 1 / 1)})},
        {"bool_array", oid::boolean_array,
         "000000010000000000000010000000020000000100000001010000000100",
         arr({Value(true), Value(false)})},
        {"all_null_array", oid::int8_array, "00000001000000010000001400000002" "00000001ffffffffffffffff",
         arr({null_value(), null_value()})},
    };
}

void PrintTo(const BinaryCase& c, std::ostream* os) { *os << c.name; }

class BinaryDecode : public testing::TestWithParam<BinaryCase> {};

TEST_P(BinaryDecode, GivesTheValue) {
    const BinaryCase& c = GetParam();
    EXPECT_EQ(decode_binary(c.type, unhex(c.hex)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(PgTypes, BinaryDecode, testing::ValuesIn(binary_cases()),
                         case_name<BinaryCase>);

TEST(BinaryDecodeSpecial, FloatNaN) {
    const Value v4 = decode_binary(oid::float4, unhex("7fc00000"));
    const Value v8 = decode_binary(oid::float8, unhex("7ff8000000000000"));
    ASSERT_NE(v4.get_if<double>(), nullptr);
    ASSERT_NE(v8.get_if<double>(), nullptr);
    EXPECT_TRUE(std::isnan(*v4.get_if<double>()));
    EXPECT_TRUE(std::isnan(*v8.get_if<double>()));
}

TEST(BinaryDecodeSpecial, NegativeZeroKeepsItsSign) {
    const Value v = decode_binary(oid::float8, unhex("8000000000000000"));
    ASSERT_NE(v.get_if<double>(), nullptr);
    EXPECT_TRUE(std::signbit(*v.get_if<double>()));
}

TEST(BinaryDecodeSpecial, UnsupportedTypeIsNotSupportedError) {
    try {
        (void)decode_binary(600, unhex("00"));
        FAIL() << "nothing thrown";
    } catch (const NotSupportedError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::not_supported);
        EXPECT_CONTAINS(e.message(), "600");
    }
}

struct BinaryErrorCase {
    std::string name;
    Oid type;
    std::string hex;
    std::string message_part;
};

std::vector<BinaryErrorCase> binary_error_cases() {
    return {
        {"bool_empty", oid::boolean, "", "bool: expected 1 byte, got 0"},
        {"bool_two_bytes", oid::boolean, "0101", "expected 1 byte, got 2"},
        {"int2_short", oid::int2, "01", "int2: expected 2 bytes, got 1"},
        {"int4_short", oid::int4, "000001", "int4: expected 4 bytes, got 3"},
        {"int8_long", oid::int8, "000000000000000001", "int8: expected 8 bytes, got 9"},
        {"oid_short", oid::oid, "00", "oid: expected 4 bytes"},
        {"float4_long", oid::float4, "3f80000000", "float4: expected 4 bytes, got 5"},
        {"float8_short", oid::float8, "3ff8", "float8: expected 8 bytes, got 2"},
        {"numeric_empty", oid::numeric, "", "numeric: truncated"},
        {"numeric_header_truncated", oid::numeric, "0001ffff4000", "numeric: truncated"},
        {"numeric_missing_digits", oid::numeric, "0001000000000000", "1 digits need 2 bytes, got 0"},
        {"numeric_extra_bytes", oid::numeric, "000000000000000000", "0 digits need 0 bytes, got 1"},
        {"numeric_negative_ndigits", oid::numeric, "ffff000000000000", "negative digit count"},
        {"numeric_bad_sign", oid::numeric, "0000000012340000", "invalid sign"},
        {"numeric_bad_scale", oid::numeric, "0000000000004000", "invalid display scale"},
        {"numeric_digit_too_big", oid::numeric, "00010000000000002710", "digit out of range"},
        {"date_short", oid::date, "000000", "date: expected 4 bytes, got 3"},
        {"date_infinity", oid::date, "7fffffff", "infinite"},
        {"date_minus_infinity", oid::date, "80000000", "infinite"},
        {"date_beyond_year_32767", oid::date, "7ffffffe", "out of range"},
        {"time_short", oid::time, "00000001", "time: expected 8 bytes, got 4"},
        {"time_past_24h", oid::time, "000000141dd76001", "time of day out of range"},
        {"time_negative", oid::time, "ffffffffffffffff", "time of day out of range"},
        {"timestamp_short", oid::timestamp, "0002b0de36ada8", "timestamp: expected 8 bytes, got 7"},
        {"timestamp_infinity", oid::timestamp, "7fffffffffffffff", "infinite"},
        {"timestamptz_minus_infinity", oid::timestamptz, "8000000000000000", "infinite"},
        {"timestamp_overflow", oid::timestamp, "7ffffffffffffffe", "out of range"},
        {"interval_short", oid::interval, "000000036c9361a0000000030000", "interval: expected 16 bytes"},
        {"uuid_short", oid::uuid, "a0eebc999c0b4ef8bb6d6bb9bd380a", "uuid: expected 16 bytes, got 15"},
        {"jsonb_empty", oid::jsonb, "", "jsonb: missing version byte"},
        {"jsonb_version_2", oid::jsonb, "027b7d", "unsupported version 2"},
        {"array_empty_input", oid::int4_array, "", "int4[]: truncated"},
        {"array_header_truncated", oid::int4_array, "0000000100000000", "int4[]: truncated"},
        {"array_two_dimensions", oid::int4_array,
         "000000020000000000000017000000020000000100000002000000010000000400000001000000040000000200000004"
         "000000030000000400000004",
         "multi-dimensional arrays are not supported"},
        {"array_negative_ndim", oid::int4_array, "ffffffff0000000000000017", "negative number of dimensions"},
        {"array_bad_flags", oid::int4_array, "000000000000000200000017", "invalid flags"},
        {"array_wrong_element_oid", oid::int8_array, "000000000000000000000017",
         "element type OID 23, expected 20"},
        {"array_missing_dimension", oid::int4_array, "000000010000000000000017", "truncated"},
        {"array_negative_size", oid::int4_array, "000000010000000000000017ffffffff00000001",
         "negative array size"},
        {"array_huge_size_without_data", oid::int4_array, "0000000100000000000000177fffffff00000001",
         "truncated"},
        {"array_element_past_end", oid::int4_array,
         "000000010000000000000017000000010000000100000008000000010000",
         "truncated: needs 8 bytes more, 6 left"},
        {"array_negative_element_length", oid::int4_array,
         "0000000100000000000000170000000100000001" "fffffffe", "negative element length"},
        {"array_trailing_bytes", oid::int4_array, "00000000000000000000001700", "unexpected trailing 1 byte"},
        {"array_empty_with_trailing_bytes", oid::int4_array,
         "0000000100000000000000170000000000000001ff", "unexpected trailing 1 byte"},
        {"array_bad_element", oid::int4_array,
         "000000010000000000000017000000010000000100000002ffff", "int4: expected 4 bytes, got 2"},
        {"array_infinite_date_element", oid::date_array,
         "00000001000000000000043a0000000100000001000000047fffffff", "infinite"},
    };
}

void PrintTo(const BinaryErrorCase& c, std::ostream* os) { *os << c.name; }

class BinaryDecodeError : public testing::TestWithParam<BinaryErrorCase> {};

TEST_P(BinaryDecodeError, ThrowsDataErrorNamingTheType) {
    const BinaryErrorCase& c = GetParam();
    const std::string message = data_error([&] { (void)decode_binary(c.type, unhex(c.hex)); });
    EXPECT_CONTAINS(message, c.message_part);
}

INSTANTIATE_TEST_SUITE_P(PgTypes, BinaryDecodeError, testing::ValuesIn(binary_error_cases()),
                         case_name<BinaryErrorCase>);

// Every prefix of every well-formed input is rejected cleanly (no read past
// the end; sanitizer builds check the reads).
TEST(BinaryDecodeSpecial, EveryTruncationIsADataError) {
    for (const BinaryCase& c : binary_cases()) {
        const std::string full = unhex(c.hex);
        for (std::size_t n = 0; n < full.size(); ++n) {
            const std::string prefix = full.substr(0, n);
            const bool variable_length = c.type == oid::text || c.type == oid::varchar ||
                                         c.type == oid::bpchar || c.type == oid::name ||
                                         c.type == oid::char_ || c.type == oid::unknown ||
                                         c.type == oid::bytea || c.type == oid::json ||
                                         c.type == oid::jsonb;
            if (variable_length) continue;
            try {
                (void)decode_binary(c.type, prefix);
                ADD_FAILURE() << c.name << ": prefix of " << n << " bytes accepted";
            } catch (const DataError&) {
            }
        }
    }
}

// ---------------------------------------------------------------- text decoding

struct TextCase {
    std::string name;
    Oid type;
    std::string text;
    Value expected;
};

std::vector<TextCase> text_cases() {
    return {
        {"bool_t", oid::boolean, "t", Value(true)},
        {"bool_f", oid::boolean, "f", Value(false)},
        {"bool_true", oid::boolean, "true", Value(true)},
        {"int2_min", oid::int2, "-32768", i64(-32768)},
        {"int4_max", oid::int4, "2147483647", i64(2147483647)},
        {"int8_min", oid::int8, "-9223372036854775808", i64(std::numeric_limits<std::int64_t>::min())},
        {"oid_max", oid::oid, "4294967295", i64(4294967295)},
        {"float8", oid::float8, "1.5", Value(1.5)},
        {"float8_exponent", oid::float8, "1e+100", Value(1e100)},
        {"float8_infinity", oid::float8, "Infinity", Value(std::numeric_limits<double>::infinity())},
        {"float8_minus_infinity", oid::float8, "-Infinity", Value(-std::numeric_limits<double>::infinity())},
        {"float8_denormal", oid::float8, "5e-324", Value(5e-324)},
        {"float4_same_as_binary", oid::float4, "1.1", Value(static_cast<double>(1.1f))},
        {"numeric", oid::numeric, "-123.4500", dec("-123.4500")},
        {"numeric_big", oid::numeric, "12345678901234567890.000001", dec("12345678901234567890.000001")},
        {"numeric_nan", oid::numeric, "NaN", dec("NaN")},
        {"numeric_infinity", oid::numeric, "Infinity", dec("Infinity")},
        {"numeric_minus_infinity", oid::numeric, "-Infinity", dec("-Infinity")},
        {"text", oid::text, "h\xc3\xa9 llo", str("h\xc3\xa9 llo")},
        {"varchar_empty", oid::varchar, "", str("")},
        {"bpchar", oid::bpchar, "ab  ", str("ab  ")},
        {"name", oid::name, "pg_class", str("pg_class")},
        {"char", oid::char_, "A", str("A")},
        {"char_high_bit_octal", oid::char_, "\\303", str("\xc3")},
        {"unknown", oid::unknown, "x", str("x")},
        {"other_oid_is_text", 600, "(1,2)", str("(1,2)")},
        {"bytea_hex", oid::bytea, "\\x00ff5c", bytes({0x00, 0xff, 0x5c})},
        {"bytea_hex_upper", oid::bytea, "\\xABcd", bytes({0xab, 0xcd})},
        {"bytea_empty", oid::bytea, "\\x", bytes({})},
        {"bytea_escape_format", oid::bytea, "\\000\\001\\\\\\177\\200\\377A",
         bytes({0x00, 0x01, 0x5c, 0x7f, 0x80, 0xff, 0x41})},
        {"date", oid::date, "2024-02-29", date(2024y / 2 / 29)},
        {"date_bc", oid::date, "0044-03-15 BC", date(year{-43} / 3 / 15)},
        {"date_1_bc_is_year_0", oid::date, "0001-01-01 BC", date(year{0} / 1 / 1)},
        {"date_five_digit_year", oid::date, "10000-01-01", date(year{10000} / 1 / 1)},
        {"time", oid::time, "04:05:06.5", time_of_day(4h + 5min + 6s + 500ms)},
        {"time_end_of_day", oid::time, "24:00:00", time_of_day(24h)},
        {"timestamp", oid::timestamp, "2024-01-01 10:00:00", ts(sys_days{2024y / 1 / 1}, 10h)},
        {"timestamp_fraction", oid::timestamp, "2000-01-01 00:00:00.5", ts(sys_days{2000y / 1 / 1}, 500ms)},
        {"timestamp_bc", oid::timestamp, "0044-03-15 12:00:00 BC", ts(sys_days{year{-43} / 3 / 15}, 12h)},
        {"timestamptz_offset_applied", oid::timestamptz, "2024-01-01 10:00:00+02",
         ts(sys_days{2024y / 1 / 1}, 8h)},
        {"timestamptz_half_hour_offset", oid::timestamptz, "2024-01-01 13:30:00+05:30",
         ts(sys_days{2024y / 1 / 1}, 8h)},
        {"timestamptz_negative_offset", oid::timestamptz, "2023-12-31 19:00:00-05",
         ts(sys_days{2024y / 1 / 1})},
        {"timestamptz_lmt_seconds_offset", oid::timestamptz, "1900-01-01 01:39:49+01:39:49",
         ts(sys_days{1900y / 1 / 1})},
        {"timestamptz_bc", oid::timestamptz, "0044-03-15 13:39:49+01:39:49 BC",
         ts(sys_days{year{-43} / 3 / 15}, 12h)},
        {"interval_full", oid::interval, "1 year 2 mons 3 days 04:05:06.5",
         interval(14, 3, 4h + 5min + 6s + 500ms)},
        {"interval_negative_days_positive_clock", oid::interval, "-1 days +02:00:00", interval(0, -1, 2h)},
        {"interval_zero", oid::interval, "00:00:00", interval(0, 0, 0us)},
        {"interval_one_mon", oid::interval, "1 mon", interval(1, 0, 0us)},
        {"interval_negative_years_mons", oid::interval, "-1 years -2 mons", interval(-14, 0, 0us)},
        {"interval_one_day_minus_second", oid::interval, "1 day -00:00:01", interval(0, 1, -1s)},
        {"interval_hours_past_24", oid::interval, "100:00:00", interval(0, 0, 100h)},
        {"interval_microsecond", oid::interval, "00:00:00.000001", interval(0, 0, 1us)},
        {"interval_max", oid::interval, "2147483647 days 2562047788:00:54.775807",
         interval(0, 2147483647, microseconds{std::numeric_limits<std::int64_t>::max()})},
        {"interval_min_clock", oid::interval, "-2562047788:00:54.775808",
         interval(0, 0, microseconds{std::numeric_limits<std::int64_t>::min()})},
        {"interval_explicit_signs", oid::interval, "+1 years -2 mons +3 days -4:05:06",
         interval(10, 3, -(4h + 5min + 6s))},
        {"interval_many_years", oid::interval, "-178000000 years", interval(-2136000000, 0, 0us)},
        {"uuid", oid::uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", Value(sample_uuid)},
        {"json", oid::json, "{\"a\": [1, 2]}", json("{\"a\": [1, 2]}")},
        {"jsonb", oid::jsonb, "{\"a\": [1, 2]}", json("{\"a\": [1, 2]}")},
        {"int4_array", oid::int4_array, "{1,2,NULL}", arr({i64(1), i64(2), null_value()})},
        {"int4_array_empty", oid::int4_array, "{}", arr({})},
        {"int4_array_lower_bound", oid::int4_array, "[0:2]={7,8,9}", arr({i64(7), i64(8), i64(9)})},
        {"int4_array_spaces", oid::int4_array, " { 1 , 2 } ", arr({i64(1), i64(2)})},
        {"text_array_quoting", oid::text_array,
         R"({"a b","c\"d",NULL,"NULL","","back\\slash","{x}",é,"a,b"})",
         arr({str("a b"), str("c\"d"), null_value(), str("NULL"), str(""), str("back\\slash"),
              str("{x}"), str("\xc3\xa9"), str("a,b")})},
        {"text_array_unquoted_null_any_case", oid::text_array, "{null,Null,nullx}",
         arr({null_value(), null_value(), str("nullx")})},
        {"text_array_escaped_unquoted", oid::text_array, R"({a\,b,\NULL,c\ })",
         arr({str("a,b"), str("NULL"), str("c ")})},
        {"varchar_array_empty_string", oid::varchar_array, R"({"","x y"})", arr({str(""), str("x y")})},
        {"bytea_array", oid::bytea_array, R"({"\\x0102",NULL})", arr({bytes({1, 2}), null_value()})},
        {"numeric_array", oid::numeric_array, "{1.50,NaN,-0.001}",
         arr({dec("1.50"), dec("NaN"), dec("-0.001")})},
        {"timestamptz_array", oid::timestamptz_array,
         R"({"2024-01-01 12:00:00+02",NULL,"0044-03-15 13:39:49+01:39:49 BC"})",
         arr({ts(sys_days{2024y / 1 / 1}, 10h), null_value(), ts(sys_days{year{-43} / 3 / 15}, 12h)})},
        {"bool_array", oid::boolean_array, "{t,f,NULL}", arr({Value(true), Value(false), null_value()})},
        {"date_array", oid::date_array, R"({2024-01-01,"0001-01-01 BC"})",
         arr({date(2024y / 1 / 1), date(year{0} / 1 / 1)})},
        {"time_array", oid::time_array, "{24:00:00,01:02:03.4}",
         arr({time_of_day(24h), time_of_day(1h + 2min + 3s + 400ms)})},
        {"interval_array", oid::interval_array, R"({"1 year -2 days +03:00:00","-1 days +02:00:00"})",
         arr({interval(12, -2, 3h), interval(0, -1, 2h)})},
        {"float8_array", oid::float8_array, "{1.5,-Infinity}",
         arr({Value(1.5), Value(-std::numeric_limits<double>::infinity())})},
        {"uuid_array", oid::uuid_array, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}",
         arr({Value(sample_uuid), null_value()})},
        {"jsonb_array", oid::jsonb_array, R"({"{\"a\": 1}",null})", arr({json("{\"a\": 1}"), null_value()})},
        {"char_array", oid::char_array, R"({a,"\\303"})", arr({str("a"), str("\xc3")})},
    };
}

void PrintTo(const TextCase& c, std::ostream* os) { *os << c.name; }

class TextDecode : public testing::TestWithParam<TextCase> {};

TEST_P(TextDecode, GivesTheValue) {
    const TextCase& c = GetParam();
    EXPECT_EQ(decode_text(c.type, c.text), c.expected);
}

INSTANTIATE_TEST_SUITE_P(PgTypes, TextDecode, testing::ValuesIn(text_cases()), case_name<TextCase>);

TEST(TextDecodeSpecial, FloatNaN) {
    for (const Oid type : {oid::float4, oid::float8}) {
        const Value v = decode_text(type, "NaN");
        ASSERT_NE(v.get_if<double>(), nullptr);
        EXPECT_TRUE(std::isnan(*v.get_if<double>()));
    }
}

struct TextErrorCase {
    std::string name;
    Oid type;
    std::string text;
    std::string message_part;
};

std::vector<TextErrorCase> text_error_cases() {
    return {
        {"bool_word", oid::boolean, "yes", "bool 'yes': expected t or f"},
        {"int2_overflow", oid::int2, "32768", "int2 '32768': out of range"},
        {"int4_fraction", oid::int4, "1.5", "expected an integer"},
        {"int8_overflow", oid::int8, "9223372036854775808", "out of range"},
        {"int8_empty", oid::int8, "", "expected an integer"},
        {"int8_plus_sign", oid::int8, "+1", "expected an integer"},
        {"oid_negative", oid::oid, "-1", "out of range"},
        {"float8_word", oid::float8, "abc", "float8 'abc': expected a number"},
        {"float8_trailing", oid::float8, "1.5x", "expected a number"},
        {"float8_overflow", oid::float8, "1e999", "out of range"},
        {"float4_overflow", oid::float4, "1e39", "out of range"},
        {"numeric_two_points", oid::numeric, "1.2.3", "invalid decimal"},
        {"bytea_odd_hex", oid::bytea, "\\x0", "odd number of hex digits"},
        {"bytea_bad_hex", oid::bytea, "\\xzz", "expected hex digits"},
        {"bytea_bad_escape", oid::bytea, "\\9", "invalid backslash escape"},
        {"bytea_trailing_backslash", oid::bytea, "ab\\", "invalid backslash escape"},
        {"date_invalid_day", oid::date, "2024-02-30", "day out of range"},
        {"date_infinity", oid::date, "infinity", "infinite"},
        {"date_minus_infinity", oid::date, "-infinity", "infinite"},
        {"date_no_year_0_bc", oid::date, "0000-01-01 BC", "there is no year 0 BC"},
        {"date_bc_short_year", oid::date, "44-03-15 BC", "expected a year of 4 to 6 digits"},
        {"date_year_too_big", oid::date, "5874897-12-31", "invalid date"},
        {"time_hour", oid::time, "25:00:00", "hour out of range"},
        {"timestamp_infinity", oid::timestamp, "infinity", "infinite"},
        {"timestamptz_minus_infinity", oid::timestamptz, "-infinity", "infinite"},
        {"timestamptz_bad_offset", oid::timestamptz, "2024-01-01 10:00:00+25", "zone offset out of range"},
        {"interval_unknown_unit", oid::interval, "1 fortnight", "interval '1 fortnight'"},
        {"interval_empty", oid::interval, "", "IntervalStyle postgres"},
        {"interval_number_without_unit", oid::interval, "1 year 2", "IntervalStyle postgres"},
        {"interval_clock_not_last", oid::interval, "04:05:06 1 day", "IntervalStyle postgres"},
        {"interval_iso_style", oid::interval, "P1Y2M", "IntervalStyle postgres"},
        {"interval_days_overflow", oid::interval, "2147483648 days", "IntervalStyle postgres"},
        {"interval_months_overflow", oid::interval, "1 year 2147483647 mons", "out of range"},
        {"interval_clock_overflow", oid::interval, "9999999999:00:00", "IntervalStyle postgres"},
        {"interval_clock_just_past_max", oid::interval, "2562047788:00:54.775808", "IntervalStyle postgres"},
        {"interval_clock_just_past_min", oid::interval, "-2562047788:00:54.775809", "IntervalStyle postgres"},
        {"interval_bad_minutes", oid::interval, "01:60:00", "IntervalStyle postgres"},
        {"uuid_short", oid::uuid, "a0eebc99", "invalid UUID"},
        {"array_no_braces", oid::int4_array, "1,2", "int4[] '1,2': expected '{'"},
        {"array_unterminated", oid::int4_array, "{1,2", "expected ',' or '}'"},
        {"array_two_dimensions", oid::int4_array, "{{1,2},{3,4}}", "multi-dimensional arrays are not supported"},
        {"array_two_dimension_bounds", oid::int4_array, "[1:2][1:2]={{1,2},{3,4}}",
         "multi-dimensional arrays are not supported"},
        {"array_bad_bounds", oid::int4_array, "[1:2]{1,2}", "expected '=' after the dimension"},
        {"array_unterminated_bounds", oid::int4_array, "[1:2", "unterminated dimension"},
        {"array_empty_element", oid::int4_array, "{1,,2}", "empty element"},
        {"array_unterminated_quote", oid::text_array, "{\"a}", "unterminated quoted element"},
        {"array_quote_inside_unquoted", oid::text_array, "{a\"b\"}", "unexpected character"},
        {"array_trailing_text", oid::int4_array, "{1} x", "unexpected text after '}'"},
        {"array_bad_element", oid::int4_array, "{1,x}", "int4 'x': expected an integer"},
        {"array_backslash_at_end", oid::text_array, "{a\\", "backslash at the end"},
    };
}

void PrintTo(const TextErrorCase& c, std::ostream* os) { *os << c.name; }

class TextDecodeError : public testing::TestWithParam<TextErrorCase> {};

TEST_P(TextDecodeError, ThrowsDataError) {
    const TextErrorCase& c = GetParam();
    const std::string message = data_error([&] { (void)decode_text(c.type, c.text); });
    EXPECT_CONTAINS(message, c.message_part);
}

INSTANTIATE_TEST_SUITE_P(PgTypes, TextDecodeError, testing::ValuesIn(text_error_cases()),
                         case_name<TextErrorCase>);

// ---------------------------------------------------------------- parameter encoding

struct RoundTripCase {
    std::string name;
    Value value;
    Oid type;       // expected parameter type (0: left to the server)
    int format;     // expected format
    Oid decode_as;  // for text parameters typed 0: the column type to read them back as
};

std::vector<RoundTripCase> round_trip_cases() {
    const Value text_array_value = arr({str("a b"), str("c\"d"), null_value(), str("NULL"), str(""),
                                        str("back\\slash"), str("{x}"), str(" lead "), str("a,b")});
    return {
        {"bool_true", Value(true), oid::boolean, 1, 0},
        {"bool_false", Value(false), oid::boolean, 1, 0},
        {"int64_min", i64(std::numeric_limits<std::int64_t>::min()), oid::int8, 1, 0},
        {"int64_max", i64(std::numeric_limits<std::int64_t>::max()), oid::int8, 1, 0},
        {"int64_zero", i64(0), oid::int8, 1, 0},
        {"double", Value(1.1), oid::float8, 1, 0},
        {"double_max", Value(std::numeric_limits<double>::max()), oid::float8, 1, 0},
        {"double_denormal", Value(5e-324), oid::float8, 1, 0},
        {"double_infinity", Value(-std::numeric_limits<double>::infinity()), oid::float8, 1, 0},
        {"decimal", dec("-12.340"), oid::numeric, 0, oid::numeric},
        {"decimal_tiny", dec("0.00000000000000000001"), oid::numeric, 0, oid::numeric},
        {"decimal_nan", dec("NaN"), oid::numeric, 0, oid::numeric},
        {"decimal_infinity", dec("-Infinity"), oid::numeric, 0, oid::numeric},
        {"string", str("h\xc3\xa9llo 'q' \\"), 0, 0, oid::text},
        {"string_empty", str(""), 0, 0, oid::varchar},
        {"bytes", bytes({0x00, 0xff, 0x5c, 0x78}), oid::bytea, 1, 0},
        {"bytes_empty", bytes({}), oid::bytea, 1, 0},
        {"date", date(2024y / 2 / 29), oid::date, 1, 0},
        {"date_bc", date(year{-43} / 3 / 15), oid::date, 1, 0},
        {"date_min", date(year{-32767} / 1 / 1), oid::date, 1, 0},
        {"date_max", date(year{32767} / 12 / 31), oid::date, 1, 0},
        {"time_midnight", time_of_day(0us), oid::time, 1, 0},
        {"time_end_of_day", time_of_day(24h), oid::time, 1, 0},
        {"time_micros", time_of_day(12h + 34min + 56s + 789012us), oid::time, 1, 0},
        {"timestamp", ts(sys_days{2024y / 1 / 1}, 10h), oid::unspecified, 0, oid::timestamptz},
        {"timestamp_micros_before_1970", ts(sys_days{1970y / 1 / 1}, -1us), oid::unspecified, 0,
         oid::timestamptz},
        {"timestamp_bc", ts(sys_days{year{-43} / 3 / 15}, 1us), oid::unspecified, 0, oid::timestamptz},
        {"timestamp_year_0", ts(sys_days{year{0} / 12 / 31}, 23h), oid::unspecified, 0, oid::timestamptz},
        {"timestamp_five_digit_year", ts(sys_days{year{12345} / 1 / 1}), oid::unspecified, 0,
         oid::timestamptz},
        {"timestamp_as_timestamp_column", ts(sys_days{2024y / 1 / 1}, 10h), oid::unspecified, 0,
         oid::timestamp},
        {"uuid", Value(sample_uuid), oid::uuid, 1, 0},
        {"json", json("{\"a\": [1, 2]}"), 0, 0, oid::jsonb},
        {"interval", interval(14, -3, -7200000001us), oid::interval, 1, 0},
        {"interval_zero", interval(0, 0, 0us), oid::interval, 1, 0},
        {"interval_extremes",
         interval(std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(),
                  microseconds{std::numeric_limits<std::int64_t>::min()}),
         oid::interval, 1, 0},
        {"int64_array", arr({i64(1), null_value(), i64(-5)}), oid::int8_array, 1, 0},
        {"double_array", arr({Value(1.5), Value(-2.25)}), oid::float8_array, 1, 0},
        {"bool_array", arr({Value(true), null_value(), Value(false)}), oid::boolean_array, 1, 0},
        {"bytes_array", arr({bytes({1, 2}), null_value(), bytes({})}), oid::bytea_array, 1, 0},
        {"date_array", arr({date(2024y / 1 / 1), date(year{-43} / 3 / 15)}), oid::date_array, 1, 0},
        {"time_array", arr({time_of_day(1us), time_of_day(24h)}), oid::time_array, 1, 0},
        {"uuid_array", arr({Value(sample_uuid), null_value()}), oid::uuid_array, 1, 0},
        {"interval_array", arr({interval(1, 2, 3us)}), oid::interval_array, 1, 0},
        {"empty_array", arr({}), 0, 0, oid::int4_array},
        {"all_null_array", arr({null_value(), null_value()}), 0, 0, oid::int8_array},
        {"string_array", text_array_value, 0, 0, oid::text_array},
        {"decimal_array", arr({dec("1.50"), null_value(), dec("NaN")}), 0, 0, oid::numeric_array},
        {"timestamp_array", arr({ts(sys_days{2024y / 1 / 1}), ts(sys_days{year{-43} / 3 / 15}, 1h)}), 0, 0,
         oid::timestamptz_array},
        {"json_array", arr({json("{\"a\": \"q\\\"\"}"), null_value()}), 0, 0, oid::jsonb_array},
        {"mixed_numbers_array", arr({Value(1.5), i64(2)}), 0, 0, oid::float8_array},
    };
}

void PrintTo(const RoundTripCase& c, std::ostream* os) { *os << c.name; }

class RoundTrip : public testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTrip, DecodesBackToTheValue) {
    const RoundTripCase& c = GetParam();
    std::string buffer = "prefix";
    const EncodedParameter p = encode_parameter(c.value, buffer);
    EXPECT_EQ(p.type, c.type);
    EXPECT_EQ(p.format, c.format);
    EXPECT_FALSE(p.is_null);
    EXPECT_EQ(p.offset, 6u);
    ASSERT_EQ(p.offset + p.length, buffer.size());
    const std::string_view wire = std::string_view(buffer).substr(p.offset, p.length);
    if (c.name == "mixed_numbers_array") {
        // Mixed kinds go as a text literal; read back as float8[] they are numbers.
        EXPECT_EQ(wire, R"({"1.5","2"})");
        EXPECT_EQ(decode_text(oid::float8_array, wire), arr({Value(1.5), Value(2.0)}));
        return;
    }
    const Value back = p.format == 1 ? decode_binary(p.type, wire) : decode_text(c.decode_as, wire);
    EXPECT_EQ(back, c.value) << "wire: " << (p.format == 1 ? "(binary)" : std::string(wire));
}

INSTANTIATE_TEST_SUITE_P(PgTypes, RoundTrip, testing::ValuesIn(round_trip_cases()),
                         case_name<RoundTripCase>);

// encode_text: the text form of any value, read back as its column type.
std::vector<RoundTripCase> encode_text_cases() {
    std::vector<RoundTripCase> cases = round_trip_cases();
    std::erase_if(cases, [](const RoundTripCase& c) { return c.name == "mixed_numbers_array"; });
    return cases;
}

class EncodeText : public testing::TestWithParam<RoundTripCase> {};

TEST_P(EncodeText, DecodesBackAsTheColumnType) {
    const RoundTripCase& c = GetParam();
    const Oid column = c.decode_as != 0 ? c.decode_as : c.type;
    const std::string text = encode_text(c.value);
    EXPECT_EQ(decode_text(column, text), c.value) << "text: " << text;
}

INSTANTIATE_TEST_SUITE_P(PgTypes, EncodeText, testing::ValuesIn(encode_text_cases()),
                         case_name<RoundTripCase>);

TEST(EncodeTextForms, Exact) {
    EXPECT_EQ(encode_text(i64(-5)), "-5");
    EXPECT_EQ(encode_text(Value(true)), "t");
    EXPECT_EQ(encode_text(Value(0.1)), "0.1");
    EXPECT_EQ(encode_text(Value(std::numeric_limits<double>::quiet_NaN())), "NaN");
    EXPECT_EQ(encode_text(bytes({0x00, 0xab})), "\\x00ab");
    EXPECT_EQ(encode_text(date(year{-43} / 3 / 15)), "0044-03-15 BC");
    EXPECT_EQ(encode_text(time_of_day(4h + 5min + 6s + 500ms)), "04:05:06.500000");
    EXPECT_EQ(encode_text(interval(14, 3, 4h + 5min + 6s + 500ms)), "+1 years +2 mons +3 days +4:05:06.500000");
    EXPECT_EQ(encode_text(interval(-1, 0, -1s)), "-1 mons -0:00:01");
    EXPECT_EQ(encode_text(interval(0, 0, 0us)), "+0:00:00");
    EXPECT_EQ(encode_text(interval(0, -1, 100h)), "-1 days +100:00:00");
    EXPECT_EQ(encode_text(arr({i64(1), null_value()})), R"({"1",NULL})");
    EXPECT_EQ(encode_text(Value(sample_uuid)), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

TEST(EncodeParameter, NullAppendsNothing) {
    std::string buffer = "abc";
    const EncodedParameter p = encode_parameter(Value(), buffer);
    EXPECT_TRUE(p.is_null);
    EXPECT_EQ(p.type, 0u);
    EXPECT_EQ(p.offset, 3u);
    EXPECT_EQ(p.length, 0u);
    EXPECT_EQ(buffer, "abc");
}

TEST(EncodeParameter, ParametersShareOneBuffer) {
    std::string buffer;
    const EncodedParameter a = encode_parameter(i64(1), buffer);
    const EncodedParameter b = encode_parameter(Value(), buffer);
    const EncodedParameter c = encode_parameter(str("xy"), buffer);
    const EncodedParameter d = encode_parameter(Value(true), buffer);
    EXPECT_EQ(a.offset, 0u);
    EXPECT_EQ(a.length, 8u);
    EXPECT_EQ(b.offset, 8u);
    EXPECT_EQ(c.offset, 8u);
    EXPECT_EQ(c.length, 2u);
    EXPECT_EQ(d.offset, 10u);
    EXPECT_EQ(d.length, 1u);
    EXPECT_EQ(buffer, unhex("0000000000000001") + "xy" + unhex("01"));
}

TEST(EncodeParameter, ExactWireForms) {
    auto wire = [](const Value& v) {
        std::string buffer;
        const EncodedParameter p = encode_parameter(v, buffer);
        return buffer.substr(p.offset, p.length);
    };
    EXPECT_EQ(wire(i64(-2)), unhex("fffffffffffffffe"));
    EXPECT_EQ(wire(Value(1.5)), unhex("3ff8000000000000"));
    EXPECT_EQ(wire(date(2000y / 1 / 1)), unhex("00000000"));
    EXPECT_EQ(wire(date(year{-43} / 3 / 15)), unhex("fff49d7b"));
    EXPECT_EQ(wire(time_of_day(4h + 5min + 6s + 500ms)), unhex("000000036c9361a0"));
    EXPECT_EQ(wire(interval(14, 3, 4h + 5min + 6s + 500ms)), unhex("000000036c9361a0000000030000000e"));
    EXPECT_EQ(wire(Value(sample_uuid)), unhex("a0eebc999c0b4ef8bb6d6bb9bd380a11"));
    EXPECT_EQ(wire(ts(sys_days{2024y / 1 / 1}, 10h)), "2024-01-01 10:00:00+00");
    EXPECT_EQ(wire(ts(sys_days{2024y / 1 / 1}, 10h + 500ms)), "2024-01-01 10:00:00.500000+00");
    EXPECT_EQ(wire(ts(sys_days{year{-43} / 3 / 15}, 12h)), "0044-03-15 12:00:00+00 BC");
    EXPECT_EQ(wire(dec("-12.340")), "-12.340");
    EXPECT_EQ(wire(arr({i64(1), null_value()})),
              unhex("00000001000000010000001400000002000000010000000800000000000000" "01ffffffff"));
    EXPECT_EQ(wire(arr({str("a b"), str("c\"d\\"), null_value()})), R"({"a b","c\"d\\",NULL})");
    EXPECT_EQ(wire(arr({date(year{-43} / 3 / 15), dec("1")})), R"({"0044-03-15 BC","1"})");
    EXPECT_EQ(wire(arr({})), "{}");
}

TEST(EncodeParameter, InvalidValuesThrowAndLeaveTheBufferAlone) {
    const Value bad[] = {
        date(2023y / 2 / 29),
        time_of_day(-1us),
        time_of_day(24h + 1us),
        arr({arr({i64(1)})}),
        arr({date(2024y / 1 / 1), date(2023y / 2 / 30)}),
        arr({str("x"), time_of_day(25h)}),
        ts(sys_days{year{-32767} / 1 / 1}, -1us),
    };
    for (const Value& v : bad) {
        std::string buffer = "keep";
        const std::string message = data_error([&] { (void)encode_parameter(v, buffer); });
        EXPECT_FALSE(message.empty()) << v.to_string();
        EXPECT_EQ(buffer, "keep") << v.to_string();
    }
}

// ---------------------------------------------------------------- SQLSTATE

TEST(SqlState, TableIsSortedAndComplete) {
    const auto table = sqlstate_table();
    EXPECT_EQ(table.size(), 260u);  // PostgreSQL 15
    for (std::size_t i = 1; i < table.size(); ++i) EXPECT_LT(table[i - 1].code, table[i].code);
    for (const SqlState& s : table) {
        EXPECT_EQ(s.code.size(), 5u);
        EXPECT_FALSE(s.name.empty());
        EXPECT_EQ(sqlstate_name(s.code), s.name);
    }
}

TEST(SqlState, Names) {
    EXPECT_EQ(sqlstate_name("23505"), "unique_violation");
    EXPECT_EQ(sqlstate_name("40P01"), "deadlock_detected");
    EXPECT_EQ(sqlstate_name("00000"), "successful_completion");
    EXPECT_EQ(sqlstate_name("XX000"), "internal_error");
    EXPECT_EQ(sqlstate_name("57014"), "query_canceled");
    // Listed twice in errcodes.txt, once without a condition name.
    EXPECT_EQ(sqlstate_name("22008"), "datetime_field_overflow");
    EXPECT_EQ(sqlstate_name("3D000"), "invalid_catalog_name");
    EXPECT_EQ(sqlstate_name("ZZZZZ"), "");
    EXPECT_EQ(sqlstate_name("2350"), "");
    EXPECT_EQ(sqlstate_name(""), "");
    EXPECT_EQ(sqlstate_name("235050"), "");
}

struct KindCase {
    std::string code;
    ErrorKind kind;
};

void PrintTo(const KindCase& c, std::ostream* os) { *os << c.code; }

class SqlStateKind : public testing::TestWithParam<KindCase> {};

TEST_P(SqlStateKind, Maps) {
    EXPECT_EQ(to_string(sqlstate_kind(GetParam().code)), to_string(GetParam().kind)) << GetParam().code;
}

INSTANTIATE_TEST_SUITE_P(
    PgTypes, SqlStateKind,
    testing::Values(
        KindCase{"40P01", ErrorKind::deadlock}, KindCase{"40001", ErrorKind::serialization_failure},
        KindCase{"40002", ErrorKind::other}, KindCase{"08000", ErrorKind::connection_lost},
        KindCase{"08006", ErrorKind::connection_lost}, KindCase{"08P01", ErrorKind::other},
        KindCase{"57P01", ErrorKind::connection_lost}, KindCase{"57P02", ErrorKind::connection_lost},
        KindCase{"57P03", ErrorKind::connection_lost}, KindCase{"57014", ErrorKind::cancelled},
        KindCase{"57000", ErrorKind::other}, KindCase{"55P03", ErrorKind::lock_timeout},
        KindCase{"55000", ErrorKind::other}, KindCase{"23505", ErrorKind::unique_violation},
        KindCase{"23503", ErrorKind::foreign_key_violation},
        KindCase{"23502", ErrorKind::not_null_violation}, KindCase{"23514", ErrorKind::check_violation},
        KindCase{"23P01", ErrorKind::other}, KindCase{"23000", ErrorKind::other},
        KindCase{"42601", ErrorKind::syntax_error}, KindCase{"42P01", ErrorKind::undefined_object},
        KindCase{"42703", ErrorKind::undefined_object}, KindCase{"42883", ErrorKind::undefined_object},
        KindCase{"42704", ErrorKind::undefined_object}, KindCase{"3F000", ErrorKind::undefined_object},
        KindCase{"3D000", ErrorKind::undefined_object}, KindCase{"42501", ErrorKind::other},
        KindCase{"42P07", ErrorKind::syntax_error}, KindCase{"22012", ErrorKind::data_exception},
        KindCase{"22P02", ErrorKind::data_exception}, KindCase{"0A000", ErrorKind::not_supported},
        KindCase{"XX000", ErrorKind::internal}, KindCase{"XX001", ErrorKind::internal},
        KindCase{"53100", ErrorKind::other}, KindCase{"P0001", ErrorKind::other},
        KindCase{"", ErrorKind::other}, KindCase{"08", ErrorKind::other},
        KindCase{"40P011", ErrorKind::other}),
    [](const testing::TestParamInfo<KindCase>& info) {
        return "code_" + (info.param.code.empty() ? std::string("empty") : info.param.code) + "_" +
               std::to_string(info.index);
    });

// The name of the most derived class throw_sqlstate_error threw, and its kind.
std::pair<std::string, ErrorKind> thrown_by(std::string code, ErrorKind preset = ErrorKind::other) {
    ErrorInfo info{.message = "boom", .kind = preset, .sqlstate = code};
    try {
        throw_sqlstate_error(std::move(info));
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
    }
    return {"nothing", ErrorKind::other};
}

TEST(SqlState, ThrowsByClass) {
    const std::pair<std::string, std::string> cases[] = {
        {"08006", "OperationalError"}, {"53100", "OperationalError"}, {"54000", "OperationalError"},
        {"55P03", "OperationalError"}, {"57014", "OperationalError"}, {"57P01", "OperationalError"},
        {"58030", "OperationalError"}, {"40001", "OperationalError"}, {"40P01", "OperationalError"},
        {"F0000", "OperationalError"}, {"HV000", "OperationalError"}, {"23505", "IntegrityError"},
        {"23P01", "IntegrityError"},   {"42601", "ProgrammingError"}, {"42P01", "ProgrammingError"},
        {"26000", "ProgrammingError"}, {"34000", "ProgrammingError"}, {"3D000", "ProgrammingError"},
        {"3F000", "ProgrammingError"}, {"2BP01", "ProgrammingError"}, {"22012", "DataError"},
        {"0A000", "NotSupportedError"}, {"XX000", "InternalError"},   {"25P02", "DatabaseError"},
        {"P0001", "DatabaseError"},    {"", "DatabaseError"},          {"ZZZZZ", "DatabaseError"},
        {"2200", "DatabaseError"},
    };
    for (const auto& [code, expected] : cases) {
        EXPECT_EQ(thrown_by(code).first, expected) << code;
    }
}

TEST(SqlState, ThrownErrorCarriesKindAndInfo) {
    EXPECT_EQ(thrown_by("23505").second, ErrorKind::unique_violation);
    EXPECT_EQ(thrown_by("40P01").second, ErrorKind::deadlock);
    EXPECT_EQ(thrown_by("57014").second, ErrorKind::cancelled);
    // A kind the driver chose already (its own timer fired) is kept.
    EXPECT_EQ(thrown_by("57014", ErrorKind::statement_timeout).second, ErrorKind::statement_timeout);
    // Without a SQLSTATE the class follows the kind.
    EXPECT_EQ(thrown_by("", ErrorKind::connection_lost),
              std::make_pair(std::string("OperationalError"), ErrorKind::connection_lost));
    EXPECT_EQ(thrown_by("", ErrorKind::unique_violation).first, "IntegrityError");
    try {
        throw_sqlstate_error(ErrorInfo{.message = "duplicate key", .sqlstate = "23505",
                                       .detail = "Key (id)=(1) already exists."});
    } catch (const IntegrityError& e) {
        EXPECT_EQ(e.message(), "duplicate key");
        EXPECT_EQ(e.sqlstate(), "23505");
        EXPECT_EQ(e.detail(), "Key (id)=(1) already exists.");
        EXPECT_CONTAINS(std::string(e.what()), "SQLSTATE: 23505");
    }
}

}  // namespace
