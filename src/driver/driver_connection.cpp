#include "driver/driver_connection.hpp"

#include "asyncsql/error.hpp"

namespace asyncsql::driver {

asio::awaitable<std::int64_t> Connection::copy_in(std::span<const std::string>, std::string_view,
                                                  std::span<const std::vector<Value>>) {
    throw NotSupportedError("COPY is a PostgreSQL feature; use execute_many on this backend",
                            ErrorKind::not_supported);
}

asio::awaitable<std::int64_t> Connection::copy_out(std::span<const std::string>, std::string_view,
                                                   const std::function<void(std::string_view)>&) {
    throw NotSupportedError("COPY is a PostgreSQL feature on this backend", ErrorKind::not_supported);
}

}  // namespace asyncsql::driver
