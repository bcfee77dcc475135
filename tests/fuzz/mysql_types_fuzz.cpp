// libFuzzer target for the MySQL/MariaDB value forms: the first input byte
// picks a column type and its attributes, the rest is handed to
// decode_text_field as one text-protocol field and to decode_field as the
// result buffer mysql_stmt_fetch would have filled. Only DataError is an
// accepted failure; anything else (another exception, a sanitizer report, a
// broken invariant) crashes. The field is passed as a pointer and a length
// into libFuzzer's own exactly-sized copy, so that a read past `length` is an
// AddressSanitizer report.
//
// Invariant checked for every value that decodes: bind_parameter takes it
// (every value MySQL can send, MySQL can also be sent), and the buffer it
// binds decodes back, with decode_field and a column of the bound type, to
// the same value.
//
// Selector byte b: type = types[b % type_count]; a = b / type_count:
// a & 1 UNSIGNED_FLAG, a & 2 binary charset, a >> 2 the format (0 plain,
// 1 MariaDB JSON, 2 MariaDB UUID).

#include "asyncsql/error.hpp"
#include "asyncsql/types/value.hpp"
#include "backends/mysql/driver/mysql_types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <mysql.h>

namespace {

using asyncsql::Value;
using asyncsql::ValueKind;
using namespace asyncsql::mysql;

constexpr enum_field_types types[] = {
    MYSQL_TYPE_NULL,        MYSQL_TYPE_TINY,      MYSQL_TYPE_SHORT,      MYSQL_TYPE_INT24,
    MYSQL_TYPE_LONG,        MYSQL_TYPE_LONGLONG,  MYSQL_TYPE_YEAR,       MYSQL_TYPE_FLOAT,
    MYSQL_TYPE_DOUBLE,      MYSQL_TYPE_DECIMAL,   MYSQL_TYPE_NEWDECIMAL, MYSQL_TYPE_BIT,
    MYSQL_TYPE_DATE,        MYSQL_TYPE_NEWDATE,   MYSQL_TYPE_TIME,       MYSQL_TYPE_DATETIME,
    MYSQL_TYPE_TIMESTAMP,   MYSQL_TYPE_STRING,    MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_VARCHAR,
    MYSQL_TYPE_TINY_BLOB,   MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB,
    MYSQL_TYPE_JSON,        MYSQL_TYPE_ENUM,      MYSQL_TYPE_SET,        MYSQL_TYPE_GEOMETRY,
};
constexpr unsigned type_count = sizeof types / sizeof types[0];

constexpr unsigned utf8mb4 = 45;

[[noreturn]] void invariant_broken(const char* what, const ColumnType& column, const Value& v) {
    std::fprintf(stderr, "mysql_types_fuzz: %s (type %d, flags %u, charset %u, format %d)\n  value: %s\n",
                 what, static_cast<int>(column.type), column.flags, column.charset,
                 static_cast<int>(column.format), v.to_string().c_str());
    std::abort();
}

bool same(const Value& a, const Value& b) {
    if (a == b) return true;
    const double* x = a.get_if<double>();
    const double* y = b.get_if<double>();
    return x && y && std::isnan(*x) && std::isnan(*y);
}

// The column a bound parameter is read back as.
ColumnType column_for(const Value& v) {
    ColumnType c;
    c.charset = utf8mb4;
    switch (v.kind()) {
    case ValueKind::integer: c.type = MYSQL_TYPE_LONGLONG; break;
    case ValueKind::real: c.type = MYSQL_TYPE_DOUBLE; break;
    case ValueKind::decimal: c.type = MYSQL_TYPE_NEWDECIMAL; break;
    case ValueKind::bytes: c.type = MYSQL_TYPE_BLOB; c.charset = binary_charset; break;
    case ValueKind::date: c.type = MYSQL_TYPE_DATE; break;
    case ValueKind::time: c.type = MYSQL_TYPE_TIME; break;
    case ValueKind::timestamp: c.type = MYSQL_TYPE_DATETIME; break;
    case ValueKind::uuid: c.type = MYSQL_TYPE_STRING; c.format = ColumnFormat::uuid; break;
    case ValueKind::json: c.type = MYSQL_TYPE_JSON; break;
    default: c.type = MYSQL_TYPE_VAR_STRING; break;  // text
    }
    return c;
}

void check_round_trip(const ColumnType& column, const Value& v) {
    if (v.is_null()) return;
    BoundParameter out;
    MYSQL_BIND bind;
    try {
        bind_parameter(v, out, bind);
    } catch (const asyncsql::DataError& e) {
        std::fprintf(stderr, "  error: %s\n", e.what());
        invariant_broken("decoded value cannot be bound", column, v);
    }
    if (bind.buffer_type != out.type || bind.length != &out.length || *bind.length != bind.buffer_length) {
        invariant_broken("MYSQL_BIND does not point into the BoundParameter", column, v);
    }
    Value back;
    try {
        back = decode_field(column_for(v), static_cast<const char*>(bind.buffer), bind.buffer_length);
    } catch (const asyncsql::DataError& e) {
        std::fprintf(stderr, "  error: %s\n", e.what());
        invariant_broken("bound value does not decode", column, v);
    }
    if (!same(back, v)) {
        std::fprintf(stderr, "  back: %s\n", back.to_string().c_str());
        invariant_broken("round trip changed the value", column, v);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned selector = data[0];
    const unsigned attributes = selector / type_count;

    MYSQL_FIELD field{};  // no extension: column_type reads no extended metadata
    field.type = types[selector % type_count];
    field.flags = (attributes & 1) != 0 ? UNSIGNED_FLAG : 0;
    field.charsetnr = (attributes & 2) != 0 ? binary_charset : utf8mb4;
    ColumnType column = column_type(field);
    const unsigned format = attributes >> 2;
    column.format = format == 1 ? ColumnFormat::json : format == 2 ? ColumnFormat::uuid : ColumnFormat::plain;

    const char* bytes = reinterpret_cast<const char*>(data + 1);
    const auto length = static_cast<unsigned long>(size - 1);

    try {
        const Value v = column.format == ColumnFormat::plain ? decode_text_field(field, bytes, length)
                                                             : decode_text_field(column, bytes, length);
        check_round_trip(column, v);
    } catch (const asyncsql::DataError&) {
    }
    try {
        check_round_trip(column, decode_field(column, bytes, length));
    } catch (const asyncsql::DataError&) {
    }
    return 0;
}
