#pragma once
// Value: one SQL value of any backend, owning its data.

#include <array>
#include <chrono>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace asyncsql {

struct Null {
    friend bool operator==(Null, Null) = default;
};
inline constexpr Null null{};

using Bytes = std::vector<std::byte>;

// Exact decimal number kept as its canonical text ("-12.340"), so that no
// precision is lost on the way between the database and the caller.
struct Decimal {
    std::string text;

    // Throws DataError when `text` is not [+-]digits[.digits][e[+-]digits].
    static Decimal parse(std::string_view text);
    friend bool operator==(const Decimal&, const Decimal&) = default;
};

using Date = std::chrono::year_month_day;

// Time of day without a date or zone, microsecond resolution.
struct Time {
    std::chrono::microseconds since_midnight{0};
    friend auto operator<=>(const Time&, const Time&) = default;
};

// A point in time, microsecond resolution. Backends without zones store it as UTC.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

struct Uuid {
    std::array<std::uint8_t, 16> bytes{};

    // Accepts the canonical 8-4-4-4-12 form (any case) and the 32-digit form.
    static Uuid parse(std::string_view text);
    std::string to_string() const;
    friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

// JSON document kept as text; the library does not impose a JSON type.
struct Json {
    std::string text;
    friend bool operator==(const Json&, const Json&) = default;
};

// An interval as PostgreSQL keeps it: months and days apart from the clock
// part, since neither has a fixed length.
struct Interval {
    std::int32_t months = 0;
    std::int32_t days = 0;
    std::chrono::microseconds time{0};
    friend auto operator<=>(const Interval&, const Interval&) = default;
};

class Value;
// A one-dimensional array (PostgreSQL arrays); elements may be NULL.
using Array = std::vector<Value>;

enum class ValueKind {
    null, boolean, integer, real, decimal, text, bytes, date, time, timestamp, uuid, json,
    interval, array
};
std::string_view to_string(ValueKind kind) noexcept;

// The customisation point: specialise `codec<T>` to make T bindable as a
// parameter and readable from a result column.
//
//   template <> struct asyncsql::codec<Money> {
//       static Value encode(const Money& m);
//       static Money decode(const Value& v, std::string_view column);
//   };
//
// `decode` throws DataError naming `column` when the value does not fit.
template <class T>
struct codec;

template <class T>
concept Encodable = requires(const T& v) {
    { codec<T>::encode(v) } -> std::same_as<Value>;
};

template <class T>
concept Decodable = requires(const Value& v, std::string_view column) {
    { codec<T>::decode(v, column) } -> std::same_as<T>;
};

class Value {
public:
    using Storage = std::variant<Null, bool, std::int64_t, double, Decimal, std::string, Bytes,
                                 Date, Time, Timestamp, Uuid, Json, Interval, Array>;

    Value() noexcept = default;
    Value(Null) noexcept {}
    Value(bool v) noexcept : storage_(v) {}
    Value(std::int64_t v) noexcept : storage_(v) {}
    Value(double v) noexcept : storage_(v) {}
    Value(Decimal v) noexcept : storage_(std::move(v)) {}
    Value(std::string v) noexcept : storage_(std::move(v)) {}
    Value(Bytes v) noexcept : storage_(std::move(v)) {}
    Value(Date v) noexcept : storage_(v) {}
    Value(Time v) noexcept : storage_(v) {}
    Value(Timestamp v) noexcept : storage_(v) {}
    Value(Uuid v) noexcept : storage_(v) {}
    Value(Json v) noexcept : storage_(std::move(v)) {}
    Value(Interval v) noexcept : storage_(v) {}
    Value(Array v) noexcept : storage_(std::move(v)) {}

    // Every other type goes through its codec (int, const char*, optional, ...).
    template <class T>
        requires(!std::is_same_v<std::remove_cvref_t<T>, Value> &&
                 Encodable<std::remove_cvref_t<T>>)
    Value(const T& v) : Value(codec<std::remove_cvref_t<T>>::encode(v)) {}

    ValueKind kind() const noexcept { return static_cast<ValueKind>(storage_.index()); }
    bool is_null() const noexcept { return kind() == ValueKind::null; }

    template <class T>
    const T* get_if() const noexcept { return std::get_if<T>(&storage_); }

    const Storage& storage() const noexcept { return storage_; }

    // Converts to T through its codec; throws DataError naming `column`.
    template <Decodable T>
    T as(std::string_view column = {}) const { return codec<T>::decode(*this, column); }

    // Human-readable form for logs and the demo: text unquoted, NULL as "NULL".
    std::string to_string() const;

    friend bool operator==(const Value&, const Value&) = default;

private:
    Storage storage_;
};

}  // namespace asyncsql

#include "asyncsql/types/codec.hpp"
