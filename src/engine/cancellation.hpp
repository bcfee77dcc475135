#pragma once
// Asio reports an await cut short by cancellation as
// boost::system::system_error(operation_aborted); the library reports every
// cancellation as OperationalError of kind ErrorKind::cancelled, so callers
// catch one class whatever the await that was interrupted.

#include <exception>

namespace asyncsql::detail {

// `failure` itself, unless it is Asio's operation_aborted.
std::exception_ptr as_library_error(std::exception_ptr failure) noexcept;

}  // namespace asyncsql::detail
