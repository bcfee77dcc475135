#pragma once
// Deadlines for whole operations, in the spirit of userver's: everything the
// operation awaits — waiting for a pooled connection, connecting, each
// statement, the COMMIT — is cancelled when its time is up, however deeply
// nested, and the operation fails with TimeoutError (kind
// ErrorKind::deadline_exceeded). A statement running on the server is
// interrupted there, and the connection stays usable. Nested deadlines
// compose: the earliest one wins.
//
//   auto total = co_await asyncsql::with_timeout(2s, engine.transaction(transfer));
//
// Errors more telling than the cancellation (a CommitOutcomeUnknownError, a
// lost connection) are passed on unchanged. Under g++ 12, keep the operation
// in a local first when its arguments are temporaries (see
// docs/getting-started.md).

#include <chrono>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>

namespace asyncsql {

namespace detail {
boost::asio::awaitable<void> run_until(std::chrono::steady_clock::time_point deadline,
                                       std::chrono::steady_clock::duration budget,
                                       std::function<boost::asio::awaitable<void>()> body);
}  // namespace detail

template <class T>
boost::asio::awaitable<T> with_deadline(std::chrono::steady_clock::time_point deadline,
                                        boost::asio::awaitable<T> operation,
                                        std::chrono::steady_clock::duration budget = {}) {
    if constexpr (std::is_void_v<T>) {
        co_await detail::run_until(deadline, budget, [&]() { return std::move(operation); });
    } else {
        std::optional<T> result;
        co_await detail::run_until(deadline, budget, [&]() -> boost::asio::awaitable<void> {
            result.emplace(co_await std::move(operation));
        });
        co_return std::move(*result);
    }
}

template <class T>
boost::asio::awaitable<T> with_timeout(std::chrono::steady_clock::duration timeout,
                                       boost::asio::awaitable<T> operation) {
    return with_deadline(std::chrono::steady_clock::now() + timeout, std::move(operation), timeout);
}

}  // namespace asyncsql
