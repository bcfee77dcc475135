#include "engine/cancellation.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include "asyncsql/error.hpp"

namespace asyncsql::detail {

std::exception_ptr as_library_error(std::exception_ptr failure) noexcept {
    try {
        std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
        if (e.code() != boost::asio::error::operation_aborted) return failure;
    } catch (...) {
        return failure;
    }
    try {
        return std::make_exception_ptr(OperationalError("the operation was cancelled", ErrorKind::cancelled));
    } catch (...) {
        return failure;
    }
}

}  // namespace asyncsql::detail
