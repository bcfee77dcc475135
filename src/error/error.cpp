#include "asyncsql/error.hpp"

#include <utility>

namespace asyncsql {

std::string_view to_string(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::other: return "other";
    case ErrorKind::connection_lost: return "connection_lost";
    case ErrorKind::deadlock: return "deadlock";
    case ErrorKind::serialization_failure: return "serialization_failure";
    case ErrorKind::lock_timeout: return "lock_timeout";
    case ErrorKind::unique_violation: return "unique_violation";
    case ErrorKind::foreign_key_violation: return "foreign_key_violation";
    case ErrorKind::not_null_violation: return "not_null_violation";
    case ErrorKind::check_violation: return "check_violation";
    case ErrorKind::syntax_error: return "syntax_error";
    case ErrorKind::undefined_object: return "undefined_object";
    case ErrorKind::data_exception: return "data_exception";
    case ErrorKind::statement_timeout: return "statement_timeout";
    case ErrorKind::deadline_exceeded: return "deadline_exceeded";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::pool_timeout: return "pool_timeout";
    case ErrorKind::commit_outcome_unknown: return "commit_outcome_unknown";
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::invalid_state: return "invalid_state";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::multiple_found: return "multiple_found";
    case ErrorKind::resource_closed: return "resource_closed";
    case ErrorKind::not_supported: return "not_supported";
    case ErrorKind::internal: return "internal";
    }
    return "unknown";
}

namespace {

// The text of what(): the message first, then the facts a person needs to
// find the cause, each on its own line.
std::string describe(const ErrorInfo& info) {
    std::string text = info.message;
    if (!info.sqlstate.empty()) text += "\n  SQLSTATE: " + info.sqlstate;
    if (info.native_code != 0) text += "\n  code: " + std::to_string(info.native_code);
    if (!info.detail.empty()) text += "\n  DETAIL: " + info.detail;
    if (!info.hint.empty()) text += "\n  HINT: " + info.hint;
    if (!info.statement.empty()) text += "\n  statement: " + info.statement;
    return text;
}

}  // namespace

Error::Error(ErrorInfo info) : std::runtime_error(describe(info)), info_(std::move(info)) {}

Error::Error(std::string message, ErrorKind kind)
    : Error(ErrorInfo{.message = std::move(message), .kind = kind}) {}

void throw_database_error(ErrorInfo info) {
    switch (info.kind) {
    case ErrorKind::unique_violation:
    case ErrorKind::foreign_key_violation:
    case ErrorKind::not_null_violation:
    case ErrorKind::check_violation:
        throw IntegrityError(std::move(info));
    case ErrorKind::connection_lost:
    case ErrorKind::deadlock:
    case ErrorKind::serialization_failure:
    case ErrorKind::lock_timeout:
    case ErrorKind::cancelled:
        throw OperationalError(std::move(info));
    case ErrorKind::commit_outcome_unknown:
        throw CommitOutcomeUnknownError(std::move(info));
    case ErrorKind::statement_timeout:
        throw TimeoutError(std::move(info));
    case ErrorKind::syntax_error:
    case ErrorKind::undefined_object:
        throw ProgrammingError(std::move(info));
    case ErrorKind::data_exception:
        throw DataError(std::move(info));
    case ErrorKind::not_supported:
        throw NotSupportedError(std::move(info));
    case ErrorKind::internal:
        throw InternalError(std::move(info));
    default:
        throw DatabaseError(std::move(info));
    }
}

std::string_view error_class_name(const Error& error) noexcept {
    // Most derived first: each class is tested before the classes it extends.
    if (dynamic_cast<const CommitOutcomeUnknownError*>(&error)) return "CommitOutcomeUnknownError";
    if (dynamic_cast<const OperationalError*>(&error)) return "OperationalError";
    if (dynamic_cast<const IntegrityError*>(&error)) return "IntegrityError";
    if (dynamic_cast<const ProgrammingError*>(&error)) return "ProgrammingError";
    if (dynamic_cast<const DataError*>(&error)) return "DataError";
    if (dynamic_cast<const NotSupportedError*>(&error)) return "NotSupportedError";
    if (dynamic_cast<const InternalError*>(&error)) return "InternalError";
    if (dynamic_cast<const DatabaseError*>(&error)) return "DatabaseError";
    if (dynamic_cast<const NoResultFound*>(&error)) return "NoResultFound";
    if (dynamic_cast<const MultipleResultsFound*>(&error)) return "MultipleResultsFound";
    if (dynamic_cast<const ResourceClosedError*>(&error)) return "ResourceClosedError";
    if (dynamic_cast<const InterfaceError*>(&error)) return "InterfaceError";
    if (dynamic_cast<const TimeoutError*>(&error)) return "TimeoutError";
    if (dynamic_cast<const ArgumentError*>(&error)) return "ArgumentError";
    return "Error";
}

}  // namespace asyncsql
