#include "driver/driver_connection.hpp"

#include "asyncsql/error.hpp"

namespace asyncsql::driver {

asio::awaitable<std::vector<ExecuteOutcome>> Connection::execute_batch(std::span<const std::string> prelude,
                                                                        std::span<const BatchItem> batch) {
    std::vector<ExecuteOutcome> outcomes;
    outcomes.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const ExecuteRequest request{.prelude = i == 0 ? prelude : std::span<const std::string>(),
                                     .sql = batch[i].sql,
                                     .parameter_sets = batch[i].parameter_sets};
        // A failure propagates as it is; its statement() names the SQL.
        outcomes.push_back(co_await execute(request));
    }
    co_return outcomes;
}

asio::awaitable<ExecuteOutcome> Connection::execute_pipelined(const ExecuteRequest&, std::function<void()>&) {
    throw NotSupportedError("this backend cannot pipeline statements", ErrorKind::not_supported);
}

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
