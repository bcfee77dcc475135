#pragma once
// The exception hierarchy, shaped after DB-API (PEP 249) as SQLAlchemy users
// know it, plus portable kinds so that callers can recognise a deadlock or a
// lost connection without matching message text.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asyncsql {

// What happened, independent of the backend that reported it.
enum class ErrorKind {
    other,
    connection_lost,        // socket closed, server gone, connection killed
    deadlock,               // PG 40P01, MySQL 1213
    serialization_failure,  // SQLSTATE 40001
    lock_timeout,           // MySQL 1205, SQLite SQLITE_BUSY after busy_timeout
    unique_violation,
    foreign_key_violation,
    not_null_violation,
    check_violation,
    syntax_error,
    undefined_object,       // unknown table or column
    data_exception,         // bad value for the target type
    statement_timeout,
    deadline_exceeded,      // an operation run under with_deadline() ran out of time
    cancelled,              // the caller cancelled the operation
    pool_timeout,           // no connection became free in time
    commit_outcome_unknown, // the connection failed during COMMIT
    invalid_argument,
    invalid_state,
    not_found,
    multiple_found,
    resource_closed,
    not_supported,
    internal,
};

std::string_view to_string(ErrorKind kind) noexcept;

// Everything a person needs to act on a failure; every field is optional.
struct ErrorInfo {
    std::string message;
    ErrorKind kind = ErrorKind::other;
    std::string sqlstate;      // five-character SQLSTATE where the backend has one
    std::int64_t native_code = 0;  // backend's own error number (SQLite result code, MySQL errno)
    std::string statement;     // SQL text; never parameter values
    std::string detail;        // server DETAIL / extended message
    std::string hint;          // server HINT
};

class Error : public std::runtime_error {
public:
    explicit Error(ErrorInfo info);
    explicit Error(std::string message, ErrorKind kind = ErrorKind::other);

    ErrorKind kind() const noexcept { return info_.kind; }
    const std::string& message() const noexcept { return info_.message; }
    const std::string& sqlstate() const noexcept { return info_.sqlstate; }
    std::int64_t native_code() const noexcept { return info_.native_code; }
    const std::string& statement() const noexcept { return info_.statement; }
    const std::string& detail() const noexcept { return info_.detail; }
    const std::string& hint() const noexcept { return info_.hint; }
    const ErrorInfo& info() const noexcept { return info_; }

    bool is_disconnect() const noexcept { return kind() == ErrorKind::connection_lost; }
    bool is_deadlock() const noexcept { return kind() == ErrorKind::deadlock; }
    bool is_serialization_failure() const noexcept {
        return kind() == ErrorKind::serialization_failure;
    }

private:
    ErrorInfo info_;
};

#define ASYNCSQL_DEFINE_ERROR(name, base)                    \
    class name : public base {                               \
    public:                                                  \
        using base::base;                                    \
    }

// Misuse of the library or a failure inside the client rather than the database.
ASYNCSQL_DEFINE_ERROR(InterfaceError, Error);
// The database reported the failure.
ASYNCSQL_DEFINE_ERROR(DatabaseError, Error);
// Connection lost, lock timeouts, deadlocks, resource limits: usually transient.
ASYNCSQL_DEFINE_ERROR(OperationalError, DatabaseError);
// Constraint violations: unique, foreign key, not null, check.
ASYNCSQL_DEFINE_ERROR(IntegrityError, DatabaseError);
// Bad SQL: syntax, unknown table or column, wrong number of parameters.
ASYNCSQL_DEFINE_ERROR(ProgrammingError, DatabaseError);
// A value that does not fit its target type, in either direction.
ASYNCSQL_DEFINE_ERROR(DataError, DatabaseError);
ASYNCSQL_DEFINE_ERROR(NotSupportedError, DatabaseError);
ASYNCSQL_DEFINE_ERROR(InternalError, DatabaseError);
// A time limit passed: pool checkout, connect, statement timeout or a
// deadline set with with_deadline().
ASYNCSQL_DEFINE_ERROR(TimeoutError, Error);
// A COMMIT was sent but the connection failed before its answer arrived: the
// transaction may or may not have been committed, so it is never retried.
ASYNCSQL_DEFINE_ERROR(CommitOutcomeUnknownError, OperationalError);
// Result::one() and friends.
ASYNCSQL_DEFINE_ERROR(NoResultFound, InterfaceError);
ASYNCSQL_DEFINE_ERROR(MultipleResultsFound, InterfaceError);
// Use of a closed connection, result, stream or transaction.
ASYNCSQL_DEFINE_ERROR(ResourceClosedError, InterfaceError);
// A malformed URL, option or call argument.
ASYNCSQL_DEFINE_ERROR(ArgumentError, Error);

#undef ASYNCSQL_DEFINE_ERROR

// Throws the class that matches `info.kind` (IntegrityError for constraint
// kinds, OperationalError for transient ones, ...), or `DatabaseError`.
[[noreturn]] void throw_database_error(ErrorInfo info);

// The name of the most derived class above ("IntegrityError",
// "CommitOutcomeUnknownError", ...), for logs and metrics.
std::string_view error_class_name(const Error& error) noexcept;

}  // namespace asyncsql
