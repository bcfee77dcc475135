#pragma once
// codec<T> for the standard C++ types. Included by value.hpp; the conversion
// rules are written down in docs/types.md.

#include <concepts>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "asyncsql/types/value.hpp"

namespace asyncsql {

// Each decode() below reads the value's own kind inline and calls out to the
// detail:: function for conversions and errors.

namespace detail {

// Throws DataError: "column 'age': cannot read text 'abc' as int32: <why>"
// ("value: ..." when `column` is empty; long values are cut short).
[[noreturn]] void throw_decode_error(const Value& v, std::string_view target,
                                     std::string_view column, std::string_view why = {});
[[noreturn]] void throw_encode_error(std::string_view what);

std::int64_t decode_signed(const Value& v, std::int64_t min, std::int64_t max,
                           std::string_view target, std::string_view column);
std::uint64_t decode_unsigned(const Value& v, std::uint64_t max, std::string_view target,
                              std::string_view column);
double decode_real(const Value& v, std::string_view column);
bool decode_bool(const Value& v, std::string_view column);
std::string decode_text(const Value& v, std::string_view column);
Bytes decode_bytes(const Value& v, std::string_view column);
Decimal decode_decimal(const Value& v, std::string_view column);
Date decode_date(const Value& v, std::string_view column);
Time decode_time(const Value& v, std::string_view column);
Timestamp decode_timestamp(const Value& v, std::string_view column);
Uuid decode_uuid(const Value& v, std::string_view column);
Json decode_json(const Value& v, std::string_view column);
Interval decode_interval(const Value& v, std::string_view column);
const Array& decode_array(const Value& v, std::string_view column);

template <class T>
constexpr std::string_view integer_name() {
    if constexpr (std::is_signed_v<T>) {
        if constexpr (sizeof(T) == 1) return "int8";
        else if constexpr (sizeof(T) == 2) return "int16";
        else if constexpr (sizeof(T) == 4) return "int32";
        else return "int64";
    } else {
        if constexpr (sizeof(T) == 1) return "uint8";
        else if constexpr (sizeof(T) == 2) return "uint16";
        else if constexpr (sizeof(T) == 4) return "uint32";
        else return "uint64";
    }
}

}  // namespace detail

template <>
struct codec<Value> {
    static Value encode(const Value& v) { return v; }
    static Value decode(const Value& v, std::string_view) { return v; }
};

template <>
struct codec<bool> {
    static Value encode(bool v) { return Value(v); }
    static bool decode(const Value& v, std::string_view column) {
        if (const auto* b = v.get_if<bool>()) [[likely]]
            return *b;
        return detail::decode_bool(v, column);
    }
};

template <class T>
    requires(std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char>)
struct codec<T> {
    static Value encode(T v) {
        if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
            if (v > static_cast<T>(std::numeric_limits<std::int64_t>::max()))
                detail::throw_encode_error("unsigned value " + std::to_string(v) +
                                           " does not fit a signed 64-bit SQL integer");
        }
        return Value(static_cast<std::int64_t>(v));
    }
    static T decode(const Value& v, std::string_view column) {
        if (const auto* i = v.get_if<std::int64_t>(); i && std::in_range<T>(*i)) [[likely]]
            return static_cast<T>(*i);
        if constexpr (std::is_signed_v<T>)
            return static_cast<T>(detail::decode_signed(v, std::numeric_limits<T>::min(),
                                                        std::numeric_limits<T>::max(),
                                                        detail::integer_name<T>(), column));
        else
            return static_cast<T>(detail::decode_unsigned(v, std::numeric_limits<T>::max(),
                                                          detail::integer_name<T>(), column));
    }
};

template <std::floating_point T>
struct codec<T> {
    static Value encode(T v) { return Value(static_cast<double>(v)); }
    static T decode(const Value& v, std::string_view column) {
        if (const auto* d = v.get_if<double>()) [[likely]]
            return static_cast<T>(*d);
        return static_cast<T>(detail::decode_real(v, column));
    }
};

template <>
struct codec<std::string> {
    static Value encode(const std::string& v) { return Value(v); }
    static std::string decode(const Value& v, std::string_view column) {
        if (const auto* s = v.get_if<std::string>()) [[likely]]
            return *s;
        return detail::decode_text(v, column);
    }
};

// Views and C strings bind as parameters; read results as std::string.
template <>
struct codec<std::string_view> {
    static Value encode(std::string_view v) { return Value(std::string(v)); }
};
template <>
struct codec<const char*> {
    static Value encode(const char* v) { return v ? Value(std::string(v)) : Value(); }
};
template <>
struct codec<char*> {
    static Value encode(const char* v) { return v ? Value(std::string(v)) : Value(); }
};
template <std::size_t N>
struct codec<char[N]> {
    static Value encode(const char (&v)[N]) {
        return Value(std::string(v, std::char_traits<char>::length(v)));
    }
};

template <>
struct codec<Bytes> {
    static Value encode(const Bytes& v) { return Value(v); }
    static Bytes decode(const Value& v, std::string_view column) {
        return detail::decode_bytes(v, column);
    }
};

template <>
struct codec<std::vector<std::uint8_t>> {
    static Value encode(const std::vector<std::uint8_t>& v) {
        Bytes bytes(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) bytes[i] = std::byte{v[i]};
        return Value(std::move(bytes));
    }
    static std::vector<std::uint8_t> decode(const Value& v, std::string_view column) {
        Bytes bytes = detail::decode_bytes(v, column);
        std::vector<std::uint8_t> out(bytes.size());
        for (std::size_t i = 0; i < bytes.size(); ++i) out[i] = std::to_integer<std::uint8_t>(bytes[i]);
        return out;
    }
};

#define ASYNCSQL_STORAGE_CODEC(type, fn)                                            \
    template <>                                                                     \
    struct codec<type> {                                                            \
        static Value encode(const type& v) { return Value(v); }                     \
        static type decode(const Value& v, std::string_view column) {               \
            if (const auto* x = v.get_if<type>()) [[likely]]                        \
                return *x;                                                          \
            return detail::fn(v, column);                                           \
        }                                                                           \
    }

ASYNCSQL_STORAGE_CODEC(Decimal, decode_decimal);
ASYNCSQL_STORAGE_CODEC(Date, decode_date);
ASYNCSQL_STORAGE_CODEC(Time, decode_time);
ASYNCSQL_STORAGE_CODEC(Timestamp, decode_timestamp);
ASYNCSQL_STORAGE_CODEC(Uuid, decode_uuid);
ASYNCSQL_STORAGE_CODEC(Json, decode_json);
ASYNCSQL_STORAGE_CODEC(Interval, decode_interval);

#undef ASYNCSQL_STORAGE_CODEC

// Time points of other resolutions; finer ones are truncated to microseconds.
template <class Duration>
    requires(!std::same_as<Duration, Timestamp::duration>)
struct codec<std::chrono::sys_time<Duration>> {
    static Value encode(const std::chrono::sys_time<Duration>& v) {
        return Value(std::chrono::time_point_cast<Timestamp::duration>(v));
    }
    static std::chrono::sys_time<Duration> decode(const Value& v, std::string_view column) {
        return std::chrono::time_point_cast<Duration>(detail::decode_timestamp(v, column));
    }
};

template <>
struct codec<std::chrono::sys_days> {
    static Value encode(const std::chrono::sys_days& v) { return Value(Date(v)); }
    static std::chrono::sys_days decode(const Value& v, std::string_view column) {
        return std::chrono::sys_days(detail::decode_date(v, column));
    }
};

// Arrays of any codec type: std::vector<int>, std::vector<std::optional<std::string>>,
// and Array itself (std::vector<Value>). Byte vectors are Bytes, not arrays.
template <class T>
    requires(!std::same_as<T, std::byte> && !std::same_as<T, std::uint8_t>)
struct codec<std::vector<T>> {
    static Value encode(const std::vector<T>& v)
        requires Encodable<T>
    {
        Array out;
        out.reserve(v.size());
        for (const auto& element : v) out.push_back(codec<T>::encode(element));
        return Value(std::move(out));
    }
    static std::vector<T> decode(const Value& v, std::string_view column)
        requires Decodable<T>
    {
        const Array& elements = detail::decode_array(v, column);
        std::vector<T> out;
        out.reserve(elements.size());
        for (const auto& element : elements) out.push_back(codec<T>::decode(element, column));
        return out;
    }
};

template <>
struct codec<Null> {
    static Value encode(Null) { return Value(); }
};

template <>
struct codec<std::nullopt_t> {
    static Value encode(std::nullopt_t) { return Value(); }
};

// NULL maps to std::nullopt; reading NULL into anything else is a DataError.
template <class T>
struct codec<std::optional<T>> {
    static Value encode(const std::optional<T>& v)
        requires Encodable<T>
    {
        return v ? codec<T>::encode(*v) : Value();
    }
    static std::optional<T> decode(const Value& v, std::string_view column)
        requires Decodable<T>
    {
        if (v.is_null()) return std::nullopt;
        return codec<T>::decode(v, column);
    }
};

}  // namespace asyncsql
