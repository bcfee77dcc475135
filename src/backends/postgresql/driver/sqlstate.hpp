#pragma once
// PostgreSQL SQLSTATE codes: their condition names, the portable ErrorKind
// each one means, and the DB-API exception class a failure is raised as.
//
// The table lives in sqlstate.cpp, generated from PostgreSQL's errcodes.txt
// by tools/generate_sqlstate.py.

#include <span>
#include <string_view>

#include "asyncsql/error.hpp"

namespace asyncsql::postgresql {

struct SqlState {
    std::string_view code;  // "23505"
    std::string_view name;  // "unique_violation"
};

// Every SQLSTATE PostgreSQL defines, sorted by code.
std::span<const SqlState> sqlstate_table() noexcept;

// The condition name of `code` ("unique_violation" for "23505"); "" when
// PostgreSQL does not define the code.
std::string_view sqlstate_name(std::string_view code) noexcept;

// What `code` means independently of the backend: 40P01 deadlock, class 08
// connection_lost, 23505 unique_violation, class 42 syntax_error, ...;
// ErrorKind::other for the rest. 57014 (query_canceled) gives `cancelled`:
// the driver makes it statement_timeout when its own timer sent the cancel.
ErrorKind sqlstate_kind(std::string_view code) noexcept;

// Throws the DB-API class of the SQLSTATE's class (first two characters):
// OperationalError for 08, 40, 53, 54, 55, 57, 58, F0, HV; IntegrityError
// for 23; ProgrammingError for 26, 2B, 34, 3D, 3F, 42; DataError for 22;
// NotSupportedError for 0A; InternalError for XX; DatabaseError otherwise.
// `info.kind` is set from sqlstate_kind(info.sqlstate) unless the caller set
// a kind other than ErrorKind::other already. Without a SQLSTATE the class
// follows the kind, as with throw_database_error (OperationalError for
// connection_lost, DatabaseError for other).
[[noreturn]] void throw_sqlstate_error(ErrorInfo info);

}  // namespace asyncsql::postgresql
