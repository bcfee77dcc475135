#pragma once
// PostgreSQL type OIDs and the wire forms of values, in both directions.
//
// Pure functions, no IO and no libpq: the driver hands over the bytes of one
// field (binary or text format) with the column's type OID and gets a Value,
// and encodes parameters into one buffer. Every decoder checks lengths before
// reading and throws DataError naming the type on malformed input.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "asyncsql/types/value.hpp"

namespace asyncsql::postgresql {

using Oid = std::uint32_t;

// The OIDs of pg_catalog.pg_type for the types this library maps (they are
// fixed across PostgreSQL versions).
namespace oid {
inline constexpr Oid unspecified = 0;  // parameter type left to the server
inline constexpr Oid boolean = 16, bytea = 17, char_ = 18, name = 19, int8 = 20, int2 = 21,
                     int4 = 23, text = 25, oid = 26, json = 114, float4 = 700, float8 = 701,
                     unknown = 705, bpchar = 1042, varchar = 1043, date = 1082, time = 1083,
                     timestamp = 1114, timestamptz = 1184, interval = 1186, numeric = 1700,
                     uuid = 2950, jsonb = 3802;
// Their array types (pg_type.typarray); `unknown` has none.
inline constexpr Oid boolean_array = 1000, bytea_array = 1001, char_array = 1002,
                     name_array = 1003, int2_array = 1005, int4_array = 1007,
                     text_array = 1009, bpchar_array = 1014, varchar_array = 1015,
                     int8_array = 1016, float4_array = 1021, float8_array = 1022,
                     oid_array = 1028, timestamp_array = 1115, date_array = 1182,
                     time_array = 1183, timestamptz_array = 1185, interval_array = 1187,
                     numeric_array = 1231, uuid_array = 2951, json_array = 199,
                     jsonb_array = 3807;
}  // namespace oid

// The element type of one of the array types above; 0 for any other OID.
Oid array_element(Oid array_type) noexcept;

// The array type whose elements are `element`; 0 when there is none above.
Oid array_of(Oid element) noexcept;

// "int4", "timestamptz", "int4[]", ...; "" for an OID not listed above.
std::string_view type_name(Oid type) noexcept;

// True for every OID listed above (scalars and arrays): the driver may ask
// for these columns in binary format.
bool has_binary_decoder(Oid type) noexcept;

// One field in binary format. Throws DataError on malformed input, infinite
// dates and timestamps, multi-dimensional arrays; NotSupportedError when
// has_binary_decoder(type) is false.
Value decode_binary(Oid type, std::string_view bytes);

// One field in text format (DateStyle ISO, IntervalStyle postgres,
// bytea_output hex). An OID not listed above gives the text as std::string.
// Throws DataError on malformed input.
Value decode_text(Oid type, std::string_view text);

// One parameter of a call, its bytes at [offset, offset + length) of the
// buffer passed to encode_parameter.
struct EncodedParameter {
    Oid type = oid::unspecified;
    int format = 0;  // 0 text, 1 binary
    bool is_null = false;
    std::size_t offset = 0;
    std::size_t length = 0;
};

// Appends the wire form of `v` to `buffer` and says where it is and how to
// send it. Strings, JSON, timestamps (as "...+00" text typed timestamptz),
// decimals and arrays of those go as text; other scalars and arrays of them
// in binary. Throws DataError for a value PostgreSQL cannot take (an invalid
// date, a time outside 00:00-24:00, nested arrays).
EncodedParameter encode_parameter(const Value& v, std::string& buffer);

// The text form of a non-null value, as PostgreSQL's input functions read it
// (what a prepared statement receives when the value's own binary type is
// not the parameter's type).
std::string encode_text(const Value& v);

}  // namespace asyncsql::postgresql
