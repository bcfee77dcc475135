#pragma once
// MySQL/MariaDB column types and the forms of values Connector/C hands over,
// in both directions.
//
// Pure functions, no IO: the driver describes a result column with a
// ColumnType, binds its result buffer as result_buffer_type() says, and after
// mysql_stmt_fetch hands the buffer to decode_field(); rows of the text
// protocol (mysql_store_result/mysql_fetch_row) go to decode_text_field().
// Parameters are bound with bind_parameter(). Every decoder checks `length`
// before reading and throws DataError naming the MySQL type on input it
// cannot represent.
//
// These and mysql_types.cpp are the only files of the driver that include
// <mysql.h> (libmariadb-dev, /usr/include/mariadb).
//
// Type mapping, result side (binary and text protocol alike):
//   TINYINT..BIGINT, YEAR  -> std::int64_t; BIGINT UNSIGNED above INT64_MAX
//                             -> Decimal (its exact digits)
//   BOOLEAN (TINYINT(1))   -> std::int64_t: MySQL has no boolean type, and the
//                             column cannot be told apart from TINYINT(1);
//                             read it with get<bool>/as<bool>, which take 0/1
//   FLOAT, DOUBLE          -> double (binary: FLOAT read as float and widened,
//                             0.1f gives 0.10000000149011612; text: the
//                             printed digits, "0.1" gives 0.1)
//   DECIMAL                -> Decimal (exact text)
//   BIT(n)                 -> std::int64_t from the big-endian bytes (n <= 64;
//                             above INT64_MAX -> Decimal)
//   DATE                   -> Date
//   TIME                   -> Time. MySQL TIME is a duration from
//                             -838:59:59.999999 to 838:59:59.999999, and Time
//                             keeps any count of microseconds: a negative or
//                             beyond-24h TIME is a negative or large
//                             since_midnight (format_time writes "-01:30:00",
//                             "100:00:00")
//   DATETIME, TIMESTAMP    -> Timestamp: the wall time read as UTC, which is
//                             the instant for TIMESTAMP columns when the
//                             session time_zone is '+00:00'
//   zero dates             -> DataError ('0000-00-00', '2024-00-15', ...)
//   CHAR, VARCHAR, TEXT, ENUM, SET -> std::string; with the binary character
//                             set (63: BINARY, VARBINARY, BLOB) -> Bytes
//   JSON (MySQL, type 245) -> Json
//   MariaDB JSON           -> Json. MariaDB's JSON is LONGTEXT with a
//                             json_valid CHECK, reported as MYSQL_TYPE_BLOB;
//                             only the extended metadata (format "json",
//                             MariaDB 10.5.2+, which Connector/C 3.3 asks for)
//                             tells it apart: column_type() reads it
//   MariaDB UUID (10.7+)   -> Uuid, by the extended metadata's type name "uuid"
//   GEOMETRY               -> Bytes (MySQL's internal SRID + WKB form)
//   NULL                   -> null
//   other types            -> std::string (Bytes with the binary charset)

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <mysql.h>

#include "asyncsql/types/value.hpp"

namespace asyncsql::mysql {

// The character set number of binary strings (BINARY, VARBINARY, BLOB, BIT,
// GEOMETRY) in MYSQL_FIELD::charsetnr.
inline constexpr unsigned binary_charset = 63;

// What the server's extended metadata says beyond enum_field_types.
enum class ColumnFormat : unsigned char {
    plain,
    json,  // MariaDB JSON (format name "json")
    uuid,  // MariaDB UUID data type (type name "uuid")
};

struct ColumnType {
    enum_field_types type = MYSQL_TYPE_NULL;
    unsigned flags = 0;     // MYSQL_FIELD::flags: UNSIGNED_FLAG, BINARY_FLAG, ...
    unsigned charset = 0;   // MYSQL_FIELD::charsetnr; 63 is binary
    unsigned decimals = 0;  // fraction digits of DECIMAL, TIME, DATETIME, TIMESTAMP
    ColumnFormat format = ColumnFormat::plain;

    bool is_unsigned() const noexcept { return (flags & UNSIGNED_FLAG) != 0; }
    bool is_binary() const noexcept { return charset == binary_charset; }
};

// The ColumnType of a field of mysql_stmt_result_metadata or
// mysql_fetch_fields, with its extended metadata (mariadb_field_attr) read
// into `format`.
ColumnType column_type(const MYSQL_FIELD& field) noexcept;

// "INT", "BIGINT UNSIGNED", "VARCHAR", "BLOB", "TEXT", "JSON", "DATETIME",
// ...: the SQL name of the column's type for messages.
std::string_view type_name(const ColumnType& column) noexcept;

// ---------------------------------------------------------------- result side

// The buffer_type to bind the column's result buffer with:
//   TINY, SHORT, LONG (for INT24 too), LONGLONG: the integer of that width,
//     is_unsigned set from the column (result_buffer_unsigned)
//   YEAR: SHORT; FLOAT: FLOAT; DOUBLE: DOUBLE
//   DATE (NEWDATE too), TIME, DATETIME, TIMESTAMP: that type, a MYSQL_TIME
//   DECIMAL, NEWDECIMAL, strings, ENUM, SET, JSON: STRING
//   BLOB types, BIT, GEOMETRY, and strings of the binary charset: BLOB
//   NULL: NULL
enum_field_types result_buffer_type(const ColumnType& column) noexcept;

// The is_unsigned to bind the result buffer with.
inline bool result_buffer_unsigned(const ColumnType& column) noexcept {
    return column.is_unsigned();
}

// The buffer size to bind: the width of integers and floats,
// sizeof(MYSQL_TIME) for dates and times, 8 for BIT, 0 for NULL; for strings
// max_length + 1 (max_length as mysql_stmt_store_result reports it with
// STMT_ATTR_UPDATE_MAX_LENGTH set), or initial_string_buffer when max_length
// is 0 (not known). A longer value than the buffer holds is truncated by
// mysql_stmt_fetch (*error set, MYSQL_DATA_TRUNCATED); its *length is the
// full length, and the driver fetches it whole with mysql_stmt_fetch_column
// before calling decode_field.
inline constexpr std::size_t initial_string_buffer = 256;
std::size_t result_buffer_size(const ColumnType& column, unsigned long max_length) noexcept;

// One field as mysql_stmt_fetch wrote it into a buffer bound with
// result_buffer_type(column): `length` bytes at `data` (*bind.length, which
// is the width for integers and floats and sizeof(MYSQL_TIME) for dates).
// A null `data` means SQL NULL (the driver may also skip the call when
// *bind.is_null). Throws DataError for a length that does not fit the buffer
// type, zero dates, out-of-range date or time fields and malformed DECIMAL
// text.
Value decode_field(const ColumnType& column, const char* data, unsigned long length);

// ---------------------------------------------------------------- text protocol

// One field of mysql_fetch_row (`data` = row[i], NULL for SQL NULL; `length`
// = mysql_fetch_lengths()[i]) with the mapping above: integers, floats and
// DECIMAL from their digits, DATE "YYYY-MM-DD", TIME "[-]H..H:MM:SS[.f]",
// DATETIME/TIMESTAMP "YYYY-MM-DD HH:MM:SS[.f]", BIT as its raw big-endian
// bytes. Throws DataError on malformed text and zero dates.
Value decode_text_field(const MYSQL_FIELD& field, const char* data, unsigned long length);

// The same with the column already described.
Value decode_text_field(const ColumnType& column, const char* data, unsigned long length);

// ---------------------------------------------------------------- parameter side

// The storage a MYSQL_BIND of bind_parameter points into. The driver keeps
// one per parameter alive and in place (not moved or copied: e.g. a
// std::vector<BoundParameter> sized before binding and left alone) until
// mysql_stmt_execute has sent the parameters.
struct BoundParameter {
    enum_field_types type = MYSQL_TYPE_NULL;
    bool is_unsigned = false;
    bool is_null = true;
    std::string storage;          // STRING, BLOB, NEWDECIMAL: the bytes sent
    MYSQL_TIME time{};            // DATE, TIME, DATETIME
    long long integer = 0;        // LONGLONG
    signed char tiny = 0;         // TINY (bool)
    double real = 0;              // DOUBLE
    unsigned long length = 0;     // what bind.length points at
    my_bool null_indicator = 0;   // what bind.is_null points at
};

// Resets `bind` and fills it for `v`, pointing buffer, length and is_null
// into `out`:
//   null       -> MYSQL_TYPE_NULL
//   bool       -> TINY (0/1)
//   int64      -> LONGLONG
//   double     -> DOUBLE
//   Decimal    -> NEWDECIMAL, its text
//   text       -> STRING
//   Bytes      -> BLOB
//   Date       -> DATE (MYSQL_TIME)
//   Time       -> TIME (MYSQL_TIME, neg set for negative times, whole days in
//                 `day` as Connector/C sends them)
//   Timestamp  -> DATETIME with microseconds, the UTC wall time
//   Uuid       -> STRING, the canonical 8-4-4-4-12 text
//   Json       -> STRING, the document
// Throws DataError for Interval and Array (MySQL has neither type), for
// dates and timestamps outside the years 0000-9999 and for times outside
// -838:59:59.999999..838:59:59.999999.
void bind_parameter(const Value& v, BoundParameter& out, MYSQL_BIND& bind);

}  // namespace asyncsql::mysql
