// libFuzzer target for the PostgreSQL wire forms: the first input byte picks
// a type OID, the rest is handed to decode_binary and to decode_text as one
// field of that type. Only DataError is an accepted failure; anything else
// (another exception, a sanitizer report, a broken invariant) crashes.
//
// Invariant checked for every value that decodes: encode_parameter either
// throws DataError or gives bytes that decode back to the same value (with
// decode_binary for binary parameters, decode_text for text ones).

#include "asyncsql/error.hpp"
#include "asyncsql/types/value.hpp"
#include "backends/postgresql/driver/pg_types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using asyncsql::Value;
using namespace asyncsql::postgresql;

constexpr Oid types[] = {
    oid::boolean, oid::bytea, oid::char_, oid::name, oid::int8, oid::int2, oid::int4, oid::text,
    oid::oid, oid::json, oid::float4, oid::float8, oid::unknown, oid::bpchar, oid::varchar,
    oid::date, oid::time, oid::timestamp, oid::timestamptz, oid::interval, oid::numeric,
    oid::uuid, oid::jsonb, oid::boolean_array, oid::bytea_array, oid::char_array,
    oid::name_array, oid::int2_array, oid::int4_array, oid::text_array, oid::bpchar_array,
    oid::varchar_array, oid::int8_array, oid::float4_array, oid::float8_array, oid::oid_array,
    oid::timestamp_array, oid::date_array, oid::time_array, oid::timestamptz_array,
    oid::interval_array, oid::numeric_array, oid::uuid_array, oid::json_array,
    oid::jsonb_array,
};
constexpr std::size_t type_count = sizeof types / sizeof types[0];

[[noreturn]] void invariant_broken(const char* what, Oid type, const Value& v) {
    std::fprintf(stderr, "pg_types_fuzz: %s (type %u)\n  value: %s\n", what, type,
                 v.to_string().c_str());
    std::abort();
}

// Equality that takes NaN as equal to itself, element by element in arrays.
bool same(const Value& a, const Value& b) {
    if (a == b) return true;
    const double* x = a.get_if<double>();
    const double* y = b.get_if<double>();
    if (x && y) return std::isnan(*x) && std::isnan(*y);
    const asyncsql::Array* p = a.get_if<asyncsql::Array>();
    const asyncsql::Array* q = b.get_if<asyncsql::Array>();
    if (!p || !q || p->size() != q->size()) return false;
    for (std::size_t i = 0; i < p->size(); ++i) {
        if (!same((*p)[i], (*q)[i])) return false;
    }
    return true;
}

// The type a text parameter typed 0 is read back as: strings and JSON as
// text, timestamps (UTC text with "+00") as timestamptz, array literals as the array type they were decoded from ("char" has
// its own escapes, so its arrays are read as text[]).
Oid text_target(Oid decoded_from, const Value& v) {
    if (v.kind() == asyncsql::ValueKind::json) return oid::json;
    if (v.kind() == asyncsql::ValueKind::timestamp) return oid::timestamptz;  // "...+00" text
    if (v.kind() != asyncsql::ValueKind::array) return oid::text;
    if (decoded_from == oid::char_array) return oid::text_array;
    return decoded_from;
}

void check_round_trip(Oid decoded_from, const Value& v) {
    std::string buffer;
    EncodedParameter p;
    try {
        p = encode_parameter(v, buffer);
    } catch (const asyncsql::DataError&) {
        return;  // e.g. a timestamp whose year is past 32767
    }
    if (p.is_null) {
        if (!v.is_null()) invariant_broken("non-null value encoded as NULL", decoded_from, v);
        return;
    }
    if (p.offset != 0 || p.length != buffer.size()) {
        invariant_broken("parameter does not span the buffer", decoded_from, v);
    }
    Value back;
    try {
        back = p.format == 1 ? decode_binary(p.type, buffer)
                             : decode_text(p.type != 0 ? p.type : text_target(decoded_from, v), buffer);
    } catch (const asyncsql::DataError& e) {
        std::fprintf(stderr, "  wire: %s\n  error: %s\n", buffer.c_str(), e.what());
        invariant_broken("encoded value does not decode", decoded_from, v);
    }
    if (!same(back, v)) {
        std::fprintf(stderr, "  back: %s\n", back.to_string().c_str());
        invariant_broken("round trip changed the value", decoded_from, v);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const Oid type = types[data[0] % type_count];
    const std::string_view field(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        check_round_trip(type, decode_binary(type, field));
    } catch (const asyncsql::DataError&) {
    }
    try {
        check_round_trip(type, decode_text(type, field));
    } catch (const asyncsql::DataError&) {
    }
    return 0;
}
