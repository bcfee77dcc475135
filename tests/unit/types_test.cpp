// Unit tests of the types layer: Value, codec<T>, Decimal, Uuid and the ISO
// date/time text functions.

#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "asyncsql/error.hpp"
#include "asyncsql/types/codec.hpp"
#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"

// A user-defined type made bindable and readable through codec<T>: an amount
// of money in cents, stored as a DECIMAL with two places.
namespace demo {
struct Money {
    std::int64_t cents = 0;
    friend bool operator==(const Money&, const Money&) = default;
};
}  // namespace demo

template <>
struct asyncsql::codec<demo::Money> {
    static Value encode(const demo::Money& m) {
        const std::uint64_t magnitude =
            m.cents < 0 ? 0 - static_cast<std::uint64_t>(m.cents) : static_cast<std::uint64_t>(m.cents);
        std::string fraction = std::to_string(magnitude % 100);
        if (fraction.size() < 2) fraction.insert(0, "0");
        return Value(Decimal{(m.cents < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." +
                             fraction});
    }
    static demo::Money decode(const Value& v, std::string_view column) {
        const Decimal d = v.as<Decimal>(column);  // decimal, integer or decimal text
        const std::string_view text = d.text;
        const auto dot = text.find('.');
        if (dot == std::string_view::npos) {
            return demo::Money{v.as<std::int64_t>(column) * 100};
        }
        if (text.size() - dot != 3 || text.find_first_of("eE") != std::string_view::npos)
            detail::throw_decode_error(v, "Money", column, "expected two decimal places");
        const bool negative = text.front() == '-';
        const std::int64_t units =
            Value(Decimal{std::string(text.substr(0, dot))}).as<std::int64_t>(column);
        const std::int64_t cents = (text[dot + 1] - '0') * 10 + (text[dot + 2] - '0');
        return demo::Money{negative ? units * 100 - cents : units * 100 + cents};
    }
};

namespace asyncsql {
// Readable failure output for Value and the small structs.
void PrintTo(const Value& v, std::ostream* os) {
    *os << to_string(v.kind()) << ' ' << v.to_string();
}
void PrintTo(const Time& t, std::ostream* os) { *os << format_time(t); }
void PrintTo(const Uuid& u, std::ostream* os) { *os << u.to_string(); }
void PrintTo(const Decimal& d, std::ostream* os) { *os << "Decimal " << d.text; }
void PrintTo(const Json& j, std::ostream* os) { *os << "Json " << j.text; }
}  // namespace asyncsql

namespace {

using namespace asyncsql;
using namespace std::chrono_literals;
using std::chrono::sys_days;

// ---------------------------------------------------------------- helpers

// The DataError message `f` throws; a test failure when it throws nothing.
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

template <class T>
std::string decode_error(const Value& v, std::string_view column = "c") {
    return data_error([&] { (void)v.as<T>(column); });
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

#define EXPECT_CONTAINS(haystack, needle) \
    EXPECT_TRUE(contains((haystack), (needle))) << "  text: " << (haystack) << "\n  missing: " << (needle)

Value text(std::string s) { return Value(std::move(s)); }

Bytes bytes(std::initializer_list<unsigned> values) {
    Bytes out;
    for (unsigned v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

Time hms(std::chrono::microseconds us) { return Time{us}; }

Timestamp at(sys_days day, std::chrono::microseconds time_of_day = {}) {
    return Timestamp{day} + time_of_day;
}

const Uuid sample_uuid = [] {
    Uuid u;
    const std::uint8_t b[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
    for (int i = 0; i < 16; ++i) u.bytes[static_cast<std::size_t>(i)] = b[i];
    return u;
}();
constexpr std::string_view sample_uuid_text = "123e4567-e89b-12d3-a456-426614174000";

// One row of a conversion table: reading `input` as T gives `expected`, or,
// when `expected` is empty, a DataError whose message contains `error`.
template <class T>
struct Row {
    std::string what;
    Value input;
    std::optional<T> expected;
    std::string error = {};
};

template <class T>
void run_rows(const std::vector<Row<T>>& rows) {
    for (const auto& row : rows) {
        SCOPED_TRACE(row.what);
        if (row.expected) {
            try {
                EXPECT_EQ(row.input.template as<T>("c"), *row.expected);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "unexpected exception: " << e.what();
            }
        } else {
            const std::string message = decode_error<T>(row.input, "c");
            EXPECT_EQ(message.rfind("column 'c': cannot read ", 0), 0u) << message;
            EXPECT_CONTAINS(message, row.error);
        }
    }
}

template <class T>
Row<T> ok(std::string what, Value input, T expected) {
    return Row<T>{std::move(what), std::move(input), std::move(expected)};
}
template <class T>
Row<T> bad(std::string what, Value input, std::string error = {}) {
    return Row<T>{std::move(what), std::move(input), std::nullopt, std::move(error)};
}

// Values of the kinds a numeric target never reads.
std::vector<std::pair<std::string, Value>> non_numeric_values() {
    return {
        {"bytes", Value(bytes({1, 2}))},
        {"date", Value(Date{2024y / 2 / 29})},
        {"time", Value(hms(1s))},
        {"timestamp", Value(at(sys_days{2024y / 1 / 1}))},
        {"uuid", Value(sample_uuid)},
        {"json", Value(Json{"1"})},
    };
}

// ---------------------------------------------------------------- concepts

static_assert(Encodable<int> && Decodable<int>);
static_assert(Encodable<std::uint64_t> && Decodable<std::uint64_t>);
static_assert(Encodable<std::string_view> && !Decodable<std::string_view>);
static_assert(Encodable<const char*> && !Decodable<const char*>);
static_assert(!Encodable<char> && !Decodable<char>);
static_assert(Encodable<std::optional<int>> && Decodable<std::optional<int>>);
static_assert(Encodable<demo::Money> && Decodable<demo::Money>);
static_assert(Encodable<std::optional<demo::Money>> && Decodable<std::optional<demo::Money>>);
static_assert(Decodable<std::chrono::sys_time<std::chrono::seconds>>);
struct NotMapped {};
static_assert(!Encodable<NotMapped> && !Decodable<NotMapped>);
static_assert(!std::is_constructible_v<Value, NotMapped>);

// ---------------------------------------------------------------- Value

TEST(ValueKindTest, NamesEveryKind) {
    const std::pair<ValueKind, std::string_view> names[] = {
        {ValueKind::null, "null"},         {ValueKind::boolean, "boolean"},
        {ValueKind::integer, "integer"},   {ValueKind::real, "real"},
        {ValueKind::decimal, "decimal"},   {ValueKind::text, "text"},
        {ValueKind::bytes, "bytes"},       {ValueKind::date, "date"},
        {ValueKind::time, "time"},         {ValueKind::timestamp, "timestamp"},
        {ValueKind::uuid, "uuid"},         {ValueKind::json, "json"},
    };
    for (const auto& [kind, name] : names) EXPECT_EQ(to_string(kind), name);
}

TEST(ValueTest, KindFollowsTheStoredType) {
    EXPECT_EQ(Value().kind(), ValueKind::null);
    EXPECT_TRUE(Value().is_null());
    EXPECT_EQ(Value(null).kind(), ValueKind::null);
    EXPECT_EQ(Value(true).kind(), ValueKind::boolean);
    EXPECT_EQ(Value(std::int64_t{1}).kind(), ValueKind::integer);
    EXPECT_EQ(Value(1).kind(), ValueKind::integer);
    EXPECT_EQ(Value(1u).kind(), ValueKind::integer);
    EXPECT_EQ(Value(1.5).kind(), ValueKind::real);
    EXPECT_EQ(Value(1.5f).kind(), ValueKind::real);
    EXPECT_EQ(Value(Decimal{"1"}).kind(), ValueKind::decimal);
    EXPECT_EQ(Value("x").kind(), ValueKind::text);
    EXPECT_EQ(Value(bytes({})).kind(), ValueKind::bytes);
    EXPECT_EQ(Value(Date{2024y / 1 / 1}).kind(), ValueKind::date);
    EXPECT_EQ(Value(Time{}).kind(), ValueKind::time);
    EXPECT_EQ(Value(Timestamp{}).kind(), ValueKind::timestamp);
    EXPECT_EQ(Value(Uuid{}).kind(), ValueKind::uuid);
    EXPECT_EQ(Value(Json{"{}"}).kind(), ValueKind::json);
    EXPECT_FALSE(Value(0).is_null());
}

TEST(ValueTest, ToStringIsHumanReadable) {
    const std::pair<Value, std::string> rows[] = {
        {Value(), "NULL"},
        {Value(true), "true"},
        {Value(false), "false"},
        {Value(std::int64_t{-42}), "-42"},
        {Value(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808"},
        {Value(0.1), "0.1"},
        {Value(3.0), "3"},
        {Value(-2.5), "-2.5"},
        {Value(1e300), "1e+300"},
        {Value(1.0 / 3.0), "0.3333333333333333"},
        {Value(Decimal{"-12.340"}), "-12.340"},
        {text("it's"), "it's"},
        {text(""), ""},
        {Value(bytes({0x0a, 0x1b})), "\\x0a1b"},
        {Value(bytes({0x00, 0xff})), "\\x00ff"},
        {Value(bytes({})), "\\x"},
        {Value(Date{2024y / 2 / 29}), "2024-02-29"},
        {Value(hms(12h + 34min + 56s + 7us)), "12:34:56.000007"},
        {Value(at(sys_days{1969y / 12 / 31}, 23h + 59min + 59s + 500ms)),
         "1969-12-31 23:59:59.500000"},
        {Value(sample_uuid), std::string(sample_uuid_text)},
        {Value(Json{R"({"a": 1})"}), R"({"a": 1})"},
    };
    for (const auto& [value, expected] : rows) EXPECT_EQ(value.to_string(), expected);
}

TEST(ValueTest, ToStringOfDoublesRoundTrips) {
    for (double d : {0.1, 1e-310, 123456789.125, -7.0e22, std::numeric_limits<double>::max(),
                     std::numeric_limits<double>::denorm_min()}) {
        const std::string s = Value(d).to_string();
        double back = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), back);
        EXPECT_TRUE(ec == std::errc{} && end == s.data() + s.size()) << s;
        EXPECT_EQ(back, d) << s;
    }
}

TEST(ValueTest, EqualityComparesKindAndContent) {
    EXPECT_EQ(Value(std::int64_t{1}), Value(1));
    EXPECT_NE(Value(std::int64_t{1}), Value(true));
    EXPECT_NE(Value(1.0), Value(1));
    EXPECT_NE(text("1"), Value(Decimal{"1"}));
    EXPECT_NE(text("{}"), Value(Json{"{}"}));
    EXPECT_EQ(Value(), Value(null));
    EXPECT_EQ(Value(bytes({1, 2})), Value(bytes({1, 2})));
    EXPECT_NE(Value(bytes({1, 2})), Value(bytes({1, 3})));
}

// ---------------------------------------------------------------- encoding

TEST(EncodeTest, StandardTypesBecomeTheirKind) {
    const std::pair<Value, Value> rows[] = {
        {Value(std::int8_t{-128}), Value(std::int64_t{-128})},
        {Value(std::uint8_t{255}), Value(std::int64_t{255})},
        {Value(short{-300}), Value(std::int64_t{-300})},
        {Value(std::uint16_t{65535}), Value(std::int64_t{65535})},
        {Value(-5), Value(std::int64_t{-5})},
        {Value(4'000'000'000u), Value(std::int64_t{4'000'000'000})},
        {Value(-9'000'000'000'000'000'000LL), Value(std::int64_t{-9'000'000'000'000'000'000})},
        {Value(std::uint64_t{9'223'372'036'854'775'807ULL}),
         Value(std::numeric_limits<std::int64_t>::max())},
        {Value(2.5f), Value(2.5)},
        {Value("abc"), text("abc")},
        {Value(std::string_view("view")), text("view")},
        {Value(static_cast<const char*>("ptr")), text("ptr")},
        {Value(static_cast<const char*>(nullptr)), Value()},
        {Value(std::nullopt), Value()},
        {Value(null), Value()},
        {Value(std::optional<int>{7}), Value(std::int64_t{7})},
        {Value(std::optional<int>{}), Value()},
        {Value(std::optional<std::string>{"s"}), text("s")},
        {Value(std::vector<std::uint8_t>{1, 254}), Value(bytes({1, 254}))},
        {Value(sys_days{2024y / 2 / 29}), Value(Date{2024y / 2 / 29})},
        {Value(std::chrono::sys_seconds{sys_days{1970y / 1 / 2}}), Value(Timestamp{86'400'000'000us})},
    };
    for (const auto& [encoded, expected] : rows) EXPECT_EQ(encoded, expected);
}

TEST(EncodeTest, MutableCharPointerBindsAsText) {
    char buffer[] = "mutable";
    char* p = buffer;
    EXPECT_EQ(Value(p), text("mutable"));
}

TEST(EncodeTest, FinerTimePointsAreTruncatedToMicroseconds) {
    const std::chrono::sys_time<std::chrono::nanoseconds> t{1'500'999ns};
    EXPECT_EQ(Value(t), Value(Timestamp{1'500us}));
}

TEST(EncodeTest, Uint64AboveInt64MaxFails) {
    const std::string message = data_error([] { Value v(std::numeric_limits<std::uint64_t>::max()); });
    EXPECT_CONTAINS(message, "18446744073709551615");
    EXPECT_CONTAINS(message, "signed 64-bit");
    EXPECT_FALSE(data_error([] { Value v(std::uint64_t{9'223'372'036'854'775'808ULL}); }).empty());
    EXPECT_FALSE(data_error([] { Value v(std::optional<std::uint64_t>{1ULL << 63}); }).empty());
}

TEST(EncodeTest, ThrowEncodeErrorThrowsDataError) {
    EXPECT_EQ(data_error([] { detail::throw_encode_error("too big"); }), "too big");
}

// ---------------------------------------------------------------- integers

template <class T>
class IntegerWidthTest : public ::testing::Test {};
using IntegerTypes = ::testing::Types<std::int8_t, std::int16_t, std::int32_t, std::int64_t,
                                      std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t>;
TYPED_TEST_SUITE(IntegerWidthTest, IntegerTypes);

TYPED_TEST(IntegerWidthTest, LimitsRoundTrip) {
    using T = TypeParam;
    constexpr T lo = std::numeric_limits<T>::min();
    constexpr T hi = std::numeric_limits<T>::max();
    EXPECT_EQ(Value(lo).template as<T>("n"), lo);
    EXPECT_EQ(Value(T{1}).template as<T>("n"), T{1});
    if constexpr (std::is_same_v<T, std::uint64_t>) {
        EXPECT_FALSE(data_error([&] { Value v(hi); }).empty());
        EXPECT_EQ(Value(Decimal{"18446744073709551615"}).template as<T>("n"), hi);
        EXPECT_EQ(Value(18446744073709549568.0).template as<T>("n"), 18446744073709549568ULL);
    } else {
        EXPECT_EQ(Value(hi).kind(), ValueKind::integer);
        EXPECT_EQ(Value(hi).template as<T>("n"), hi);
        EXPECT_EQ(Value(Decimal{std::to_string(hi)}).template as<T>("n"), hi);
        EXPECT_EQ(Value(Decimal{std::to_string(lo)}).template as<T>("n"), lo);
    }
    EXPECT_EQ(Value(std::optional<T>{hi / 2}).template as<std::optional<T>>("n"), hi / 2);
}

TYPED_TEST(IntegerWidthTest, OneBeyondEitherEndFailsNamingColumnAndValue) {
    using T = TypeParam;
    constexpr T lo = std::numeric_limits<T>::min();
    constexpr T hi = std::numeric_limits<T>::max();
    const std::string name(detail::integer_name<T>());
    const std::string range = "out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";

    if constexpr (sizeof(T) < 8) {
        const std::int64_t above = static_cast<std::int64_t>(hi) + 1;
        EXPECT_EQ(decode_error<T>(Value(above), "n"),
                  "column 'n': cannot read integer " + std::to_string(above) + " as " + name + ": " + range);
        EXPECT_EQ(decode_error<T>(Value(static_cast<double>(above)), "n"),
                  "column 'n': cannot read real " + std::to_string(above) + " as " + name + ": " + range);
    } else if constexpr (std::is_signed_v<T>) {
        EXPECT_EQ(decode_error<T>(Value(Decimal{"9223372036854775808"}), "n"),
                  "column 'n': cannot read decimal 9223372036854775808 as int64: " + range);
        EXPECT_EQ(decode_error<T>(Value(9223372036854775808.0), "n"),
                  "column 'n': cannot read real " + Value(9223372036854775808.0).to_string() +
                      " as int64: " + range);
    } else {
        EXPECT_EQ(decode_error<T>(Value(Decimal{"18446744073709551616"}), "n"),
                  "column 'n': cannot read decimal 18446744073709551616 as uint64: " + range);
        EXPECT_CONTAINS(decode_error<T>(Value(18446744073709551616.0), "n"), range);
    }

    if constexpr (std::is_unsigned_v<T>) {
        EXPECT_EQ(decode_error<T>(Value(std::int64_t{-1}), "n"),
                  "column 'n': cannot read integer -1 as " + name +
                      ": negative value for an unsigned type");
        EXPECT_CONTAINS(decode_error<T>(Value(-1.0), "n"), "negative");
        EXPECT_CONTAINS(decode_error<T>(Value(Decimal{"-1"}), "n"), "negative");
        EXPECT_EQ(Value(Decimal{"-0"}).template as<T>("n"), T{0});
        EXPECT_EQ(Value(-0.0).template as<T>("n"), T{0});
    } else if constexpr (sizeof(T) < 8) {
        const std::int64_t below = static_cast<std::int64_t>(lo) - 1;
        EXPECT_EQ(decode_error<T>(Value(below), "n"),
                  "column 'n': cannot read integer " + std::to_string(below) + " as " + name + ": " + range);
    } else {
        EXPECT_EQ(decode_error<T>(Value(Decimal{"-9223372036854775809"}), "n"),
                  "column 'n': cannot read decimal -9223372036854775809 as int64: " + range);
        EXPECT_EQ(Value(-9223372036854775808.0).template as<T>("n"), lo);
    }
}

TYPED_TEST(IntegerWidthTest, ReadsBooleanIntegralRealAndIntegralDecimal) {
    using T = TypeParam;
    run_rows<T>({
        ok<T>("true", Value(true), T{1}),
        ok<T>("false", Value(false), T{0}),
        ok<T>("integer", Value(std::int64_t{42}), T{42}),
        ok<T>("integral real", Value(42.0), T{42}),
        ok<T>("decimal", Value(Decimal{"42"}), T{42}),
        ok<T>("decimal with zero fraction", Value(Decimal{"42.000"}), T{42}),
        ok<T>("decimal with exponent", Value(Decimal{"4.2e1"}), T{42}),
        ok<T>("decimal with negative exponent", Value(Decimal{"4200E-2"}), T{42}),
        ok<T>("decimal with plus signs", Value(Decimal{"+0.42e+2"}), T{42}),
        ok<T>("zero with a huge exponent", Value(Decimal{"0e999999999999"}), T{0}),
        ok<T>("leading zeros", Value(Decimal{"000000000000000000000000042"}), T{42}),
        bad<T>("fractional real", Value(42.5), "not an integer"),
        bad<T>("NaN", Value(std::nan("")), "not a finite number"),
        bad<T>("infinity", Value(std::numeric_limits<double>::infinity()), "not a finite number"),
        bad<T>("fractional decimal", Value(Decimal{"42.5"}), "not an integer"),
        bad<T>("tiny decimal", Value(Decimal{"1e-999999999999"}), "not an integer"),
        bad<T>("huge decimal", Value(Decimal{"1e999999999999"}), "out of range"),
        bad<T>("malformed decimal", Value(Decimal{"4x"}), "malformed decimal"),
    });
    if constexpr (std::is_signed_v<T>) {
        run_rows<T>({
            ok<T>("negative integer", Value(std::int64_t{-42}), T{-42}),
            ok<T>("negative real", Value(-42.0), T{-42}),
            ok<T>("negative decimal", Value(Decimal{"-42.0"}), T{-42}),
        });
    }
}

TYPED_TEST(IntegerWidthTest, RefusesTextAndOtherKinds) {
    using T = TypeParam;
    const std::string name(detail::integer_name<T>());
    EXPECT_EQ(decode_error<T>(text("42"), "age"),
              "column 'age': cannot read text '42' as " + name +
                  ": text is not converted to a number; convert it in SQL or read it as std::string");
    for (const auto& [what, value] : non_numeric_values()) {
        SCOPED_TRACE(what);
        EXPECT_EQ(decode_error<T>(value, "c").rfind("column 'c': cannot read " + what + " ", 0), 0u);
    }
}

TYPED_TEST(IntegerWidthTest, NullReadsOnlyAsOptional) {
    using T = TypeParam;
    EXPECT_EQ(Value().template as<std::optional<T>>("n"), std::nullopt);
    EXPECT_EQ(decode_error<T>(Value(), "n"),
              "column 'n': cannot read NULL as " + std::string(detail::integer_name<T>()) +
                  ": read a column that may be NULL as std::optional<T>");
}

// ---------------------------------------------------------------- other targets

TEST(RealCodecTest, ConversionTable) {
    run_rows<double>({
        ok("real", Value(2.5), 2.5),
        ok("integer", Value(std::int64_t{-3}), -3.0),
        ok("large integer", Value(std::int64_t{1} << 60), 1152921504606846976.0),
        ok("decimal", Value(Decimal{"1.25"}), 1.25),
        ok("decimal with exponent", Value(Decimal{"-3e2"}), -300.0),
        ok("decimal with plus", Value(Decimal{"+.5"}), 0.5),
        bad<double>("decimal beyond double", Value(Decimal{"1e400"}), "out of range for double"),
        bad<double>("malformed decimal", Value(Decimal{"1.2.3"}), "malformed decimal"),
        bad<double>("text", text("1.5"), "text is not converted to a number"),
        bad<double>("boolean", Value(true), "cannot read boolean true as double"),
        bad<double>("bytes", Value(bytes({1})), "cannot read bytes \\x01 as double"),
        bad<double>("date", Value(Date{2024y / 1 / 1}), "cannot read date 2024-01-01 as double"),
        bad<double>("NULL", Value(), "std::optional"),
    });
}

TEST(RealCodecTest, FloatGoesThroughDouble) {
    EXPECT_EQ(Value(2.5f).as<float>(), 2.5f);
    EXPECT_EQ(Value(std::int64_t{3}).as<float>(), 3.0f);
    EXPECT_EQ(Value().as<std::optional<float>>(), std::nullopt);
    EXPECT_CONTAINS(decode_error<float>(text("x"), "f"), "column 'f'");
}

TEST(BoolCodecTest, ConversionTable) {
    run_rows<bool>({
        ok("true", Value(true), true),
        ok("false", Value(false), false),
        ok("integer 1", Value(std::int64_t{1}), true),
        ok("integer 0", Value(std::int64_t{0}), false),
        bad<bool>("integer 2", Value(std::int64_t{2}), "cannot read integer 2 as bool: only 0 and 1"),
        bad<bool>("integer -1", Value(std::int64_t{-1}), "only 0 and 1"),
        bad<bool>("real", Value(1.0), "cannot read real 1 as bool"),
        bad<bool>("text", text("true"), "cannot read text 'true' as bool"),
        bad<bool>("decimal", Value(Decimal{"1"}), "cannot read decimal 1 as bool"),
        bad<bool>("NULL", Value(), "cannot read NULL as bool: read a column that may be NULL"),
    });
}

TEST(TextCodecTest, ConversionTable) {
    run_rows<std::string>({
        ok<std::string>("text", text("héllo"), "héllo"),
        ok<std::string>("empty text", text(""), ""),
        ok<std::string>("decimal", Value(Decimal{"1.50"}), "1.50"),
        ok<std::string>("json", Value(Json{"[1,2]"}), "[1,2]"),
        ok<std::string>("uuid", Value(sample_uuid), std::string(sample_uuid_text)),
        ok<std::string>("date", Value(Date{2024y / 2 / 29}), "2024-02-29"),
        ok<std::string>("time", Value(hms(12h + 34min + 56s + 500ms)), "12:34:56.500000"),
        ok<std::string>("timestamp", Value(at(sys_days{2024y / 2 / 29}, 12h)), "2024-02-29 12:00:00"),
        bad<std::string>("integer", Value(std::int64_t{5}), "cannot read integer 5 as std::string"),
        bad<std::string>("real", Value(0.5), "cannot read real 0.5 as std::string"),
        bad<std::string>("bytes", Value(bytes({0x61})), "cannot read bytes \\x61 as std::string"),
        bad<std::string>("boolean", Value(false), "cannot read boolean false as std::string"),
        bad<std::string>("NULL", Value(), "std::optional"),
    });
}

TEST(BytesCodecTest, ConversionTable) {
    run_rows<Bytes>({
        ok("bytes", Value(bytes({0, 1, 255})), bytes({0, 1, 255})),
        ok("empty bytes", Value(bytes({})), bytes({})),
        ok("text gives its bytes", text("ab\xc3\xa9"), bytes({0x61, 0x62, 0xc3, 0xa9})),
        bad<Bytes>("integer", Value(std::int64_t{1}), "cannot read integer 1 as Bytes"),
        bad<Bytes>("uuid", Value(sample_uuid), "as Bytes"),
        bad<Bytes>("NULL", Value(), "std::optional"),
    });
    EXPECT_EQ(Value(bytes({7, 200})).as<std::vector<std::uint8_t>>(),
              (std::vector<std::uint8_t>{7, 200}));
    EXPECT_EQ(text("A").as<std::vector<std::uint8_t>>(), std::vector<std::uint8_t>{65});
}

TEST(DecimalCodecTest, ConversionTable) {
    run_rows<Decimal>({
        ok("decimal", Value(Decimal{"-0.001"}), Decimal{"-0.001"}),
        ok("integer", Value(std::int64_t{-7}), Decimal{"-7"}),
        ok("integer min", Value(std::numeric_limits<std::int64_t>::min()),
           Decimal{"-9223372036854775808"}),
        ok("text", text("12.50"), Decimal{"12.50"}),
        ok("text with plus", text("+1e3"), Decimal{"1e3"}),
        bad<Decimal>("malformed text", text("12,5"),
                     "cannot read text '12,5' as Decimal: expected [+-]digits[.digits][e[+-]digits]"),
        bad<Decimal>("real", Value(1.5), "cannot read real 1.5 as Decimal"),
        bad<Decimal>("boolean", Value(true), "as Decimal"),
        bad<Decimal>("NULL", Value(), "std::optional"),
    });
}

TEST(DateCodecTest, ConversionTable) {
    run_rows<Date>({
        ok("date", Value(Date{2024y / 2 / 29}), Date{2024y / 2 / 29}),
        ok("text", text("2024-02-29"), Date{2024y / 2 / 29}),
        ok("text before 1970", text("1969-07-20"), Date{1969y / 7 / 20}),
        bad<Date>("text, no leap day", text("2023-02-29"),
                  "cannot read text '2023-02-29' as Date: day out of range for the month"),
        bad<Date>("text with time", text("2024-01-01 10:00:00"), "unexpected text after the date"),
        bad<Date>("timestamp", Value(at(sys_days{2024y / 1 / 1})), "cannot read timestamp"),
        bad<Date>("integer", Value(std::int64_t{20240101}), "cannot read integer 20240101 as Date"),
        bad<Date>("NULL", Value(), "std::optional"),
    });
    EXPECT_EQ(text("2000-01-01").as<sys_days>(), sys_days{2000y / 1 / 1});
}

TEST(TimeCodecTest, ConversionTable) {
    run_rows<Time>({
        ok("time", Value(hms(1s)), hms(1s)),
        ok("text", text("12:34:56.789"), hms(12h + 34min + 56s + 789ms)),
        ok("text without seconds", text("07:05"), hms(7h + 5min)),
        bad<Time>("bad text", text("12:60"), "cannot read text '12:60' as Time: minute out of range"),
        bad<Time>("integer", Value(std::int64_t{1}), "cannot read integer 1 as Time"),
        bad<Time>("timestamp", Value(Timestamp{}), "as Time"),
        bad<Time>("NULL", Value(), "std::optional"),
    });
}

TEST(TimestampCodecTest, ConversionTable) {
    const Timestamp noon = at(sys_days{2024y / 2 / 29}, 12h);
    run_rows<Timestamp>({
        ok("timestamp", Value(noon), noon),
        ok("text", text("2024-02-29 12:00:00"), noon),
        ok("text with T and offset", text("2024-02-29T14:30:00+02:30"), noon),
        ok("date is midnight", Value(Date{2024y / 2 / 29}), at(sys_days{2024y / 2 / 29})),
        ok("date before 1970", Value(Date{1969y / 12 / 31}), Timestamp{-86'400'000'000us}),
        bad<Timestamp>("bad text", text("2024-02-29 12:00:00+25"), "zone offset out of range"),
        bad<Timestamp>("invalid date", Value(Date{2023y / 2 / 29}), "invalid date"),
        bad<Timestamp>("time", Value(hms(1s)), "cannot read time 00:00:01 as Timestamp"),
        bad<Timestamp>("integer", Value(std::int64_t{0}), "cannot read integer 0 as Timestamp"),
        bad<Timestamp>("NULL", Value(), "std::optional"),
    });
}

TEST(TimestampCodecTest, OtherResolutions) {
    const Value v = text("2024-01-01 00:00:01.999999");
    EXPECT_EQ(v.as<std::chrono::sys_seconds>(), std::chrono::sys_seconds{sys_days{2024y / 1 / 1}} + 1s);
    EXPECT_EQ(v.as<std::chrono::sys_time<std::chrono::milliseconds>>(),
              std::chrono::sys_time<std::chrono::milliseconds>{sys_days{2024y / 1 / 1}} + 1999ms);
    EXPECT_EQ(v.as<std::chrono::sys_time<std::chrono::nanoseconds>>().time_since_epoch().count() % 1000, 0);
}

TEST(UuidCodecTest, ConversionTable) {
    Bytes raw;
    for (auto b : sample_uuid.bytes) raw.push_back(static_cast<std::byte>(b));
    Bytes short_raw(raw.begin(), raw.end() - 1);
    run_rows<Uuid>({
        ok("uuid", Value(sample_uuid), sample_uuid),
        ok("text", text(std::string(sample_uuid_text)), sample_uuid),
        ok("upper-case text in braces", text("{123E4567-E89B-12D3-A456-426614174000}"), sample_uuid),
        ok("16 bytes", Value(raw), sample_uuid),
        bad<Uuid>("15 bytes", Value(short_raw), "expected 16 bytes, got 15"),
        bad<Uuid>("bad text", text("123e4567"), "cannot read text '123e4567' as Uuid: expected"),
        bad<Uuid>("integer", Value(std::int64_t{1}), "as Uuid"),
        bad<Uuid>("NULL", Value(), "std::optional"),
    });
}

TEST(JsonCodecTest, ConversionTable) {
    run_rows<Json>({
        ok("json", Value(Json{"{}"}), Json{"{}"}),
        ok("text", text("[1]"), Json{"[1]"}),
        bad<Json>("integer", Value(std::int64_t{1}), "cannot read integer 1 as Json"),
        bad<Json>("bytes", Value(bytes({0x7b, 0x7d})), "as Json"),
        bad<Json>("NULL", Value(), "std::optional"),
    });
}

TEST(ValueCodecTest, ValueReadsAsItself) {
    for (const Value& v : {Value(), Value(1), text("x"), Value(sample_uuid)}) EXPECT_EQ(v.as<Value>(), v);
}

// ---------------------------------------------------------------- NULL and optional

TEST(NullTest, EveryOptionalReadsNullAsNullopt) {
    const Value n;
    EXPECT_EQ(n.as<std::optional<bool>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<int>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<double>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<std::string>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Bytes>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Decimal>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Date>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Time>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Timestamp>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Uuid>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<Json>>(), std::nullopt);
    EXPECT_EQ(n.as<std::optional<demo::Money>>(), std::nullopt);
}

TEST(NullTest, OptionalReadsPresentValuesThroughTheInnerCodec) {
    EXPECT_EQ(Value(std::int64_t{5}).as<std::optional<int>>(), 5);
    EXPECT_EQ(text("2024-01-01").as<std::optional<Date>>(), Date{2024y / 1 / 1});
    // The inner codec's errors still apply.
    EXPECT_CONTAINS(decode_error<std::optional<int>>(text("5"), "qty"),
                    "column 'qty': cannot read text '5' as int32");
    EXPECT_CONTAINS(decode_error<std::optional<std::int8_t>>(Value(std::int64_t{128}), "qty"),
                    "out of range [-128, 127]");
}

TEST(NullTest, NonOptionalTargetsRefuseNullNamingColumn) {
    const Value n;
    const std::vector<std::pair<std::string, std::string>> messages = {
        {"bool", decode_error<bool>(n, "flag")},
        {"double", decode_error<double>(n, "flag")},
        {"std::string", decode_error<std::string>(n, "flag")},
        {"Bytes", decode_error<Bytes>(n, "flag")},
        {"Decimal", decode_error<Decimal>(n, "flag")},
        {"Date", decode_error<Date>(n, "flag")},
        {"Time", decode_error<Time>(n, "flag")},
        {"Timestamp", decode_error<Timestamp>(n, "flag")},
        {"Uuid", decode_error<Uuid>(n, "flag")},
        {"Json", decode_error<Json>(n, "flag")},
    };
    for (const auto& [target, message] : messages) {
        EXPECT_EQ(message, "column 'flag': cannot read NULL as " + target +
                               ": read a column that may be NULL as std::optional<T>");
    }
}

// ---------------------------------------------------------------- messages

TEST(DecodeErrorTest, SaysValueWhenThereIsNoColumnName) {
    EXPECT_EQ(decode_error<bool>(Value(1.5), ""), "value: cannot read real 1.5 as bool");
    EXPECT_EQ(decode_error<int>(Value(), ""),
              "value: cannot read NULL as int32: read a column that may be NULL as std::optional<T>");
}

TEST(DecodeErrorTest, FormatWithAndWithoutReason) {
    EXPECT_EQ(data_error([] { detail::throw_decode_error(text("abc"), "int32", "age", "why not"); }),
              "column 'age': cannot read text 'abc' as int32: why not");
    EXPECT_EQ(data_error([] { detail::throw_decode_error(Value(true), "Money", "price"); }),
              "column 'price': cannot read boolean true as Money");
}

TEST(DecodeErrorTest, IsADataErrorWithDataExceptionKind) {
    try {
        (void)Value().as<int>("x");
        FAIL() << "nothing thrown";
    } catch (const DatabaseError& e) {
        EXPECT_NE(dynamic_cast<const DataError*>(&e), nullptr);
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
    }
}

TEST(DecodeErrorTest, LongValuesAreCut) {
    const std::string long_text(100, 'a');
    const std::string message = decode_error<int>(text(long_text), "c");
    EXPECT_CONTAINS(message, "'" + std::string(40, 'a') + "...'");
    EXPECT_FALSE(contains(message, std::string(41, 'a'))) << message;

    // The cut never splits a UTF-8 character: 1 + 2*19 bytes fit, the 20th 'é' does not.
    std::string accents = "a";
    for (int i = 0; i < 30; ++i) accents += "\xc3\xa9";
    std::string expected_shown = "a";
    for (int i = 0; i < 19; ++i) expected_shown += "\xc3\xa9";
    EXPECT_CONTAINS(decode_error<int>(text(accents), "c"), "'" + expected_shown + "...'");

    const std::string blob = decode_error<int>(Value(Bytes(100, std::byte{0xab})), "c");
    std::string hex = "\\x";
    for (int i = 0; i < 19; ++i) hex += "ab";
    EXPECT_CONTAINS(blob, "cannot read bytes " + hex + "... as int32");

    const std::string json = decode_error<int>(Value(Json{std::string(50, '1')}), "c");
    EXPECT_CONTAINS(json, "'" + std::string(40, '1') + "...'");
}

// ---------------------------------------------------------------- round trips

template <class T>
void expect_round_trip(const T& x) {
    const Value v(x);
    EXPECT_EQ(v.as<T>("c"), x);
    EXPECT_EQ(v.as<Value>(), v);
    EXPECT_EQ(Value(std::optional<T>(x)).template as<std::optional<T>>("c"), x);
}

TEST(RoundTripTest, EveryKindComesBackUnchanged) {
    expect_round_trip(true);
    expect_round_trip(false);
    expect_round_trip(std::numeric_limits<std::int64_t>::min());
    expect_round_trip(-0.1);
    expect_round_trip(std::numeric_limits<double>::infinity());
    expect_round_trip(Decimal{"-123456789012345678901234567890.000001"});
    expect_round_trip(std::string("text with \0 inside", 18));
    expect_round_trip(bytes({0, 1, 2, 255}));
    expect_round_trip(Date{1969y / 12 / 31});
    expect_round_trip(hms(23h + 59min + 59s + 999999us));
    expect_round_trip(at(sys_days{1900y / 1 / 1}, 1us));
    expect_round_trip(sample_uuid);
    expect_round_trip(Json{R"({"k": [1, 2.5, null]})"});
    expect_round_trip(demo::Money{-1234});
    EXPECT_TRUE(std::isnan(Value(std::nan("")).as<double>()));
}

TEST(RoundTripTest, ThroughTextAsSqliteStoresThem) {
    const Date date{2024y / 2 / 29};
    EXPECT_EQ(Value(Value(date).as<std::string>()).as<Date>(), date);
    const Time time = hms(1h + 2min + 3s + 4us);
    EXPECT_EQ(Value(Value(time).as<std::string>()).as<Time>(), time);
    const Timestamp ts = at(sys_days{1969y / 12 / 31}, 23h + 59min + 59s + 999999us);
    EXPECT_EQ(Value(Value(ts).as<std::string>()).as<Timestamp>(), ts);
    EXPECT_EQ(Value(Value(sample_uuid).as<std::string>()).as<Uuid>(), sample_uuid);
    const Decimal d{"-0.5e-3"};
    EXPECT_EQ(Value(Value(d).as<std::string>()).as<Decimal>(), d);
    const Json j{"[]"};
    EXPECT_EQ(Value(Value(j).as<std::string>()).as<Json>(), j);
}

// ---------------------------------------------------------------- user-defined codec

TEST(UserCodecTest, MoneyBindsAndReads) {
    const Value v = demo::Money{1234};
    EXPECT_EQ(v.kind(), ValueKind::decimal);
    EXPECT_EQ(v.to_string(), "12.34");
    EXPECT_EQ(Value(demo::Money{-5}).to_string(), "-0.05");
    EXPECT_EQ(Value(demo::Money{700}).to_string(), "7.00");
    EXPECT_EQ(v.as<demo::Money>("price"), demo::Money{1234});
    EXPECT_EQ(text("-0.05").as<demo::Money>("price"), demo::Money{-5});
    EXPECT_EQ(Value(std::int64_t{3}).as<demo::Money>("price"), demo::Money{300});
    EXPECT_EQ(Value(std::optional<demo::Money>{demo::Money{5}}), Value(Decimal{"0.05"}));
    EXPECT_EQ(Value(std::optional<demo::Money>{}), Value());
}

TEST(UserCodecTest, ErrorsNameTheColumn) {
    EXPECT_EQ(decode_error<demo::Money>(text("1.5"), "price"),
              "column 'price': cannot read text '1.5' as Money: expected two decimal places");
    EXPECT_CONTAINS(decode_error<demo::Money>(text("abc"), "price"),
                    "column 'price': cannot read text 'abc' as Decimal");
    EXPECT_CONTAINS(decode_error<demo::Money>(Value(), "price"), "std::optional");
}

// ---------------------------------------------------------------- Decimal

TEST(DecimalParseTest, AcceptsTheGrammarAndKeepsTheText) {
    const std::pair<std::string_view, std::string_view> rows[] = {
        {"0", "0"},
        {"-12.340", "-12.340"},
        {"+5", "5"},
        {"007", "007"},
        {"1e10", "1e10"},
        {"1.5E-3", "1.5E-3"},
        {"-2e+7", "-2e+7"},
        {".5", ".5"},
        {"5.", "5."},
        {"123456789012345678901234567890.123456789", "123456789012345678901234567890.123456789"},
    };
    for (const auto& [input, kept] : rows) {
        SCOPED_TRACE(input);
        EXPECT_EQ(Decimal::parse(input).text, kept);
    }
}

TEST(DecimalParseTest, RejectsEverythingElse) {
    for (std::string_view input : {"", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "abc", " 1", "1 ",
                                   "1,5", "NaN", "inf", "0x10", "--1", "+-1", "1e5.5", "1_000"}) {
        SCOPED_TRACE(input);
        const std::string message = data_error([&] { (void)Decimal::parse(input); });
        EXPECT_EQ(message, "invalid decimal '" + std::string(input) +
                               "': expected [+-]digits[.digits][e[+-]digits]");
    }
}

// ---------------------------------------------------------------- Uuid

TEST(UuidParseTest, AcceptedForms) {
    for (std::string_view input : {"123e4567-e89b-12d3-a456-426614174000",
                                   "123E4567-E89B-12D3-A456-426614174000",
                                   "{123e4567-e89b-12d3-a456-426614174000}",
                                   "123e4567e89b12d3a456426614174000",
                                   "{123E4567E89B12D3A456426614174000}"}) {
        SCOPED_TRACE(input);
        EXPECT_EQ(Uuid::parse(input), sample_uuid);
    }
}

TEST(UuidParseTest, ToStringIsLowerCaseCanonical) {
    EXPECT_EQ(sample_uuid.to_string(), sample_uuid_text);
    EXPECT_EQ(Uuid{}.to_string(), "00000000-0000-0000-0000-000000000000");
    Uuid all;
    all.bytes.fill(0xff);
    EXPECT_EQ(all.to_string(), "ffffffff-ffff-ffff-ffff-ffffffffffff");
    EXPECT_EQ(Uuid::parse(all.to_string()), all);
}

TEST(UuidParseTest, RejectsMalformedText) {
    for (std::string_view input : {
             "",
             "{}",
             "123e4567-e89b-12d3-a456-42661417400",     // 35 characters
             "123e4567-e89b-12d3-a456-4266141740000",   // 37 characters
             "123e4567e-89b-12d3-a456-426614174000",    // dash misplaced
             "123e4567+e89b-12d3-a456-426614174000",
             "g23e4567-e89b-12d3-a456-426614174000",
             "123e4567e89b12d3a45642661417400",         // 31 digits
             "123e4567e89b12d3a45642661417400z",
             "{123e4567-e89b-12d3-a456-426614174000",
             "123e4567-e89b-12d3-a456-426614174000}",
             " 123e4567-e89b-12d3-a456-426614174000",
         }) {
        SCOPED_TRACE(input);
        EXPECT_CONTAINS(data_error([&] { (void)Uuid::parse(input); }),
                        "invalid UUID '" + std::string(input) + "': expected 8-4-4-4-12");
    }
}

// ---------------------------------------------------------------- dates

TEST(DateTextTest, ParsesValidDates) {
    const std::pair<std::string_view, Date> rows[] = {
        {"2024-02-29", Date{2024y / 2 / 29}},   // leap year
        {"2000-02-29", Date{2000y / 2 / 29}},   // divisible by 400
        {"1969-12-31", Date{1969y / 12 / 31}},
        {"1970-01-01", Date{1970y / 1 / 1}},
        {"0001-01-01", Date{1y / 1 / 1}},
        {"0000-03-01", Date{0y / 3 / 1}},
        {"9999-12-31", Date{9999y / 12 / 31}},
        {"2024-04-30", Date{2024y / 4 / 30}},
        {"12345-06-07", Date{12345y / 6 / 7}},
        {"-0044-03-15", Date{-44y / 3 / 15}},
    };
    for (const auto& [input, expected] : rows) {
        SCOPED_TRACE(input);
        EXPECT_EQ(parse_date(input), expected);
        EXPECT_EQ(format_date(expected), input);
    }
}

TEST(DateTextTest, RejectsInvalidDates) {
    const std::pair<std::string_view, std::string_view> rows[] = {
        {"2023-02-29", "day out of range for the month"},
        {"1900-02-29", "day out of range for the month"},
        {"2024-04-31", "day out of range for the month"},
        {"2024-01-00", "day out of range for the month"},
        {"2024-13-01", "month out of range"},
        {"2024-00-10", "month out of range"},
        {"99999-01-01", "year out of range"},
        {"2024-1-01", "expected YYYY-MM-DD"},
        {"24-01-01", "expected YYYY-MM-DD"},
        {"2024/01/01", "expected YYYY-MM-DD"},
        {"2024-01-0a", "expected YYYY-MM-DD"},
        {" 2024-01-01", "expected YYYY-MM-DD"},
        {"", "expected YYYY-MM-DD"},
        {"2024-01-01 ", "unexpected text after the date"},
        {"2024-01-01T00:00", "unexpected text after the date"},
    };
    for (const auto& row : rows) {
        const std::string_view input = row.first, why = row.second;  // lambdas capture these
        SCOPED_TRACE(input);
        EXPECT_EQ(data_error([&] { (void)parse_date(input); }),
                  "invalid date '" + std::string(input) + "': " + std::string(why));
        Date out;
        EXPECT_EQ(detail::try_parse_date(input, out), why);
    }
}

TEST(DateTextTest, FormatsWithFourDigitYears) {
    EXPECT_EQ(format_date(2024y / 1 / 5), "2024-01-05");
    EXPECT_EQ(format_date(33y / 12 / 1), "0033-12-01");
    EXPECT_EQ(format_date(-1y / 1 / 1), "-0001-01-01");
}

TEST(DateTextTest, LongBadTextIsCutInTheMessage) {
    const std::string input(500, '9');
    const std::string message = data_error([&] { (void)parse_date(input); });
    EXPECT_LT(message.size(), 120u) << message;
    EXPECT_CONTAINS(message, "invalid date '9999");
}

// ---------------------------------------------------------------- times

TEST(TimeTextTest, ParsesValidTimes) {
    const std::pair<std::string_view, std::chrono::microseconds> rows[] = {
        {"00:00", 0us},
        {"00:00:00", 0us},
        {"12:34", 12h + 34min},
        {"12:34:56", 12h + 34min + 56s},
        {"23:59:59.999999", 24h - 1us},
        {"12:34:56.5", 12h + 34min + 56s + 500ms},
        {"12:34:56.000001", 12h + 34min + 56s + 1us},
        {"12:34:56.1234567", 12h + 34min + 56s + 123456us},  // truncated, not rounded
        {"12:34:56.9999999", 12h + 34min + 56s + 999999us},
        {"24:00:00", 24h},
        {"24:00", 24h},
    };
    for (const auto& [input, expected] : rows) {
        SCOPED_TRACE(input);
        EXPECT_EQ(parse_time(input), Time{expected});
    }
}

TEST(TimeTextTest, RejectsInvalidTimes) {
    const std::pair<std::string_view, std::string_view> rows[] = {
        {"24:00:01", "hour out of range"},
        {"25:00", "hour out of range"},
        {"12:60", "minute out of range"},
        {"12:00:60", "second out of range"},
        {"12:00:00.", "expected digits after '.'"},
        {"1:00", "expected HH:MM[:SS[.ffffff]]"},
        {"12:00:0", "expected HH:MM[:SS[.ffffff]]"},
        {"12-00", "expected HH:MM[:SS[.ffffff]]"},
        {"", "expected HH:MM[:SS[.ffffff]]"},
        {"12:00:00Z", "unexpected text after the time"},
        {"12:00:00.12a", "unexpected text after the time"},
        {"12:00 ", "unexpected text after the time"},
    };
    for (const auto& row : rows) {
        const std::string_view input = row.first, why = row.second;  // lambdas capture these
        SCOPED_TRACE(input);
        EXPECT_EQ(data_error([&] { (void)parse_time(input); }),
                  "invalid time '" + std::string(input) + "': " + std::string(why));
    }
}

TEST(TimeTextTest, FormatsFractionOnlyWhenNonZero) {
    EXPECT_EQ(format_time(Time{}), "00:00:00");
    EXPECT_EQ(format_time(hms(12h + 34min + 56s)), "12:34:56");
    EXPECT_EQ(format_time(hms(12h + 34min + 56s + 7us)), "12:34:56.000007");
    EXPECT_EQ(format_time(hms(500ms)), "00:00:00.500000");
    EXPECT_EQ(format_time(hms(24h)), "24:00:00");
    EXPECT_EQ(format_time(hms(-1s)), "-00:00:01");
}

// ---------------------------------------------------------------- timestamps

TEST(TimestampTextTest, ParsesIsoForms) {
    const sys_days jan1{2024y / 1 / 1};
    const std::pair<std::string_view, Timestamp> rows[] = {
        {"1970-01-01 00:00:00", Timestamp{}},
        {"1970-01-01", Timestamp{}},
        {"1970-01-01T00:00:00Z", Timestamp{}},
        {"1970-01-01t00:00:00z", Timestamp{}},
        {"2024-02-29 12:00:00", at(sys_days{2024y / 2 / 29}, 12h)},
        {"2024-02-29", at(sys_days{2024y / 2 / 29})},
        {"2024-01-01 10:00", at(jan1, 10h)},
        {"1969-12-31 23:59:59.999999", Timestamp{-1us}},
        {"1969-12-31T23:59:59.5Z", Timestamp{-500000us}},
        {"1969-12-31 00:00:00", Timestamp{-86400s}},
        {"1900-01-01 00:00:00", at(sys_days{1900y / 1 / 1})},
        {"2024-01-01 10:00:00.1234567", at(jan1, 10h + 123456us)},
        // Offsets are applied so that the result is UTC.
        {"2024-01-01T10:00:00+02:00", at(jan1, 8h)},
        {"2024-01-01T10:00:00-05:30", at(jan1, 15h + 30min)},
        {"2024-01-01 10:00:00+0530", at(jan1, 4h + 30min)},
        {"2024-01-01 10:00:00+05", at(jan1, 5h)},
        {"2024-01-01 10:00:00-00:00", at(jan1, 10h)},
        {"2024-01-01 10:00:00 +02:00", at(jan1, 8h)},
        {"2024-01-01 10:00:00 Z", at(jan1, 10h)},
        {"2024-01-01 10:00:00.25+01:00", at(jan1, 9h + 250ms)},
        {"2024-01-01 10:00+01", at(jan1, 9h)},
        {"2024-01-01 10:00:00+00:19:32", at(jan1, 9h + 40min + 28s)},
        {"2024-01-01 01:00:00+02:00", at(sys_days{2023y / 12 / 31}, 23h)},   // back over midnight
        {"2023-12-31 23:00:00-01:00", at(jan1)},                            // forward over midnight
        {"1970-01-01 00:30:00+01:00", Timestamp{-30min}},                   // into 1969
        {"2024-01-01 24:00:00", at(sys_days{2024y / 1 / 2})},
    };
    for (const auto& [input, expected] : rows) {
        SCOPED_TRACE(input);
        EXPECT_EQ(parse_timestamp(input), expected);
    }
}

TEST(TimestampTextTest, RejectsInvalidTimestamps) {
    const std::pair<std::string_view, std::string_view> rows[] = {
        {"", "expected YYYY-MM-DD"},
        {"now", "expected YYYY-MM-DD"},
        {"2023-02-29 00:00:00", "day out of range for the month"},
        {"2024-01-01X10:00:00", "expected ' ' or 'T' between date and time"},
        {"2024-01-01Z", "expected ' ' or 'T' between date and time"},
        {"2024-01-01 10", "expected HH:MM[:SS[.ffffff]]"},
        {"2024-01-01 ", "expected HH:MM[:SS[.ffffff]]"},
        {"2024-01-01 10:00:61", "second out of range"},
        {"2024-01-01 10:00:00 ", "unexpected text after the time"},
        {"2024-01-01 10:00:00x", "unexpected text after the time"},
        {"2024-01-01 10:00:00+2", "expected a zone offset Z, +HH, +HHMM or +HH:MM"},
        {"2024-01-01 10:00:00+02:", "expected a zone offset Z, +HH, +HHMM or +HH:MM"},
        {"2024-01-01 10:00:00++02", "expected a zone offset Z, +HH, +HHMM or +HH:MM"},
        {"2024-01-01 10:00:00+24:00", "zone offset out of range"},
        {"2024-01-01 10:00:00+02:60", "zone offset out of range"},
        {"2024-01-01 10:00:00+02:00 extra", "unexpected text after the zone offset"},
        {"2024-01-01 10:00:00+0200Z", "unexpected text after the zone offset"},
        {"2024-01-01 10:00:00ZZ", "unexpected text after the zone offset"},
    };
    for (const auto& row : rows) {
        const std::string_view input = row.first, why = row.second;  // lambdas capture these
        SCOPED_TRACE(input);
        EXPECT_EQ(data_error([&] { (void)parse_timestamp(input); }),
                  "invalid timestamp '" + std::string(input) + "': " + std::string(why));
        Timestamp out;
        EXPECT_EQ(detail::try_parse_timestamp(input, out), why);
    }
}

TEST(TimestampTextTest, Formats) {
    const std::pair<Timestamp, std::string_view> rows[] = {
        {Timestamp{}, "1970-01-01 00:00:00"},
        {Timestamp{-1us}, "1969-12-31 23:59:59.999999"},
        {Timestamp{-500000us}, "1969-12-31 23:59:59.500000"},
        {Timestamp{-86400s}, "1969-12-31 00:00:00"},
        {at(sys_days{2024y / 2 / 29}, 23h + 59min + 59s), "2024-02-29 23:59:59"},
        {at(sys_days{2024y / 3 / 1}, 1us), "2024-03-01 00:00:00.000001"},
        {at(sys_days{1y / 1 / 1}), "0001-01-01 00:00:00"},
        {at(sys_days{9999y / 12 / 31}, 24h - 1us), "9999-12-31 23:59:59.999999"},
    };
    for (const auto& [ts, expected] : rows) {
        EXPECT_EQ(format_timestamp(ts), expected);
        EXPECT_EQ(parse_timestamp(expected), ts);
    }
}

TEST(TimestampTextTest, FormatThenParseIsIdentityAcrossCenturies) {
    // Steps of about 330 days plus odd microseconds, from 1787 to 2152.
    for (std::int64_t k = -200; k <= 200; ++k) {
        const Timestamp ts{std::chrono::microseconds{k * 7919 * 3'600'000'000LL + k * 104'729}};
        const std::string text = format_timestamp(ts);
        ASSERT_EQ(parse_timestamp(text), ts) << text;
        // The date part agrees with the calendar of <chrono>.
        const auto day = std::chrono::floor<std::chrono::days>(ts);
        ASSERT_EQ(parse_date(text.substr(0, 10)), Date{day}) << text;
    }
}

}  // namespace

namespace asyncsql {
namespace {

TEST(IntervalTest, FormatsLikePostgres) {
    using namespace std::chrono;
    EXPECT_EQ(format_interval(Interval{}), "00:00:00");
    EXPECT_EQ(format_interval(Interval{.months = 14, .days = 3, .time = hours(4) + minutes(5) + seconds(6) + microseconds(500000)}),
              "1 year 2 mons 3 days 04:05:06.500000");
    EXPECT_EQ(format_interval(Interval{.months = 0, .days = 1, .time = microseconds(0)}), "1 day");
    EXPECT_EQ(format_interval(Interval{.months = 0, .days = 0, .time = -hours(30)}), "-30:00:00");
    EXPECT_EQ(Value(Interval{.months = 1, .days = 0, .time = {}}).as<Interval>().months, 1);
    EXPECT_THROW(Value(5).as<Interval>(), DataError);
}

TEST(ArrayTest, VectorsEncodeAsArraysAndDecodeBack) {
    const Value v = std::vector<int>{1, 2, 3};
    EXPECT_EQ(v.kind(), ValueKind::array);
    EXPECT_EQ(v.to_string(), "[1, 2, 3]");
    EXPECT_EQ(v.as<std::vector<std::int64_t>>(), (std::vector<std::int64_t>{1, 2, 3}));
    const Value with_null = std::vector<std::optional<std::string>>{"a", std::nullopt};
    EXPECT_EQ(with_null.to_string(), "['a', NULL]");
    EXPECT_EQ(with_null.as<std::vector<std::optional<std::string>>>()[1], std::nullopt);
    EXPECT_THROW(with_null.as<std::vector<std::string>>(), DataError) << "NULL element into non-optional";
    EXPECT_THROW(Value(1).as<std::vector<int>>(), DataError);
    EXPECT_EQ(Value(Bytes{std::byte{1}}).kind(), ValueKind::bytes) << "byte vectors stay bytes";
}

}  // namespace
}  // namespace asyncsql

namespace asyncsql {
namespace {

TEST(TimestampFormat, ExtremeValuesDoNotOverflow) {
    using std::chrono::microseconds;
    const Timestamp lowest{microseconds{std::numeric_limits<std::int64_t>::min()}};
    const Timestamp highest{microseconds{std::numeric_limits<std::int64_t>::max()}};
    // Beyond std::chrono::year's ±32767 the year is not meaningful, but
    // formatting stays defined behaviour (UBSan checks it in CI).
    EXPECT_FALSE(format_timestamp(lowest).empty());
    EXPECT_FALSE(format_timestamp(highest).empty());
    EXPECT_EQ(format_timestamp(Timestamp{microseconds{-1}}), "1969-12-31 23:59:59.999999");
}

}  // namespace
}  // namespace asyncsql
