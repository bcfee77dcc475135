#pragma once
// MySQL/MariaDB error numbers: their macro names, the portable ErrorKind each
// one means, and the DB-API exception class a failure is raised as.
//
// The table lives in mysql_errors.cpp, generated from MariaDB Connector/C's
// mysqld_error.h (server errors, ER_*) and errmsg.h (client library errors,
// CR_*) by tools/generate_mysql_errors.py. Pure code: no <mysql.h> here.

#include <span>
#include <string_view>

#include "asyncsql/error.hpp"

namespace asyncsql::mysql {

struct ErrorNumber {
    unsigned code;          // 1062
    std::string_view name;  // "ER_DUP_ENTRY"
};

// Every error number the headers define, plus the few MySQL-only ones the
// mappings use (3024 ER_QUERY_TIMEOUT, 3572 ER_LOCK_NOWAIT, 3819
// ER_CHECK_CONSTRAINT_VIOLATED), sorted by code.
std::span<const ErrorNumber> error_table() noexcept;

// The macro name of `code` ("ER_LOCK_DEADLOCK" for 1213, "CR_SERVER_LOST"
// for 2013); "" for a number not in the table.
std::string_view error_name(unsigned code) noexcept;

// What `code` means independently of the backend: 1213 deadlock, 1205
// lock_timeout, 2006/2013/1927/... connection_lost, 1062 unique_violation,
// 1451/1452 foreign_key_violation, 1064 syntax_error, 1146 undefined_object,
// 1317 cancelled, 1969/3024 statement_timeout, ...; ErrorKind::other for the
// rest. 1317 (query interrupted) gives `cancelled`: the driver makes it
// statement_timeout when its own timer sent the KILL QUERY.
ErrorKind error_kind(unsigned code) noexcept;

// True when the connection cannot be used after the error `code`: every
// connection_lost number, 2014 (commands out of sync) and 1153 (a packet over
// max_allowed_packet, after which the server closes the connection).
bool ends_connection(unsigned code) noexcept;

// Throws the DB-API class of the failure. `info.native_code` is the MySQL
// errno and `info.sqlstate` mysql_sqlstate()/mysql_stmt_sqlstate(), both
// filled by the driver. `info.kind` is set from error_kind(native_code)
// unless the caller set a kind other than ErrorKind::other already; then the
// class follows the kind as with throw_database_error (IntegrityError for
// constraints, ProgrammingError for syntax_error and undefined_object,
// DataError, OperationalError for connection_lost, deadlock, lock_timeout and
// cancelled, TimeoutError for statement_timeout, NotSupportedError). Errors
// of kind `other` are DatabaseError, except access denied, blocked host and
// user limits (1044, 1045, 1129, 1130, 1142, 1143, 1226, 1227:
// OperationalError) and a few statement mistakes (1007, 1050, 1060, 1061,
// 1102, 1103, 1110, 1111, 1113, 1136, 1166, 1210: ProgrammingError).
[[noreturn]] void throw_mysql_error(ErrorInfo info);

}  // namespace asyncsql::mysql
