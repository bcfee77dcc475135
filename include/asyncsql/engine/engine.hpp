#pragma once
// Engine: a URL, its options, a dialect and a connection pool. Create one per
// database and keep it for the life of the program; call dispose() at the end.
//
// An Engine is bound to the executor of the first coroutine that uses it;
// every later use must run on that executor. Copies share one engine.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/engine/connection.hpp"
#include "asyncsql/engine/events.hpp"
#include "asyncsql/engine/metrics.hpp"
#include "asyncsql/engine/retry_policy.hpp"
#include "asyncsql/error.hpp"
#include "asyncsql/pool/pool_status.hpp"
#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"

namespace asyncsql {

namespace detail {
struct EngineState;
}

class Engine {
public:
    Engine() = default;
    explicit Engine(std::shared_ptr<detail::EngineState> state) noexcept : state_(std::move(state)) {}

    // Checks a connection out of the pool. `label` names the holder in pool
    // statistics and in the TimeoutError raised when the pool is exhausted.
    boost::asio::awaitable<Connection> connect(std::string label = {});

    // Checks out a connection, runs fn(connection) in a transaction, commits
    // or rolls back, and returns the connection.
    template <class F>
    boost::asio::awaitable<detail::awaited_t<F, Connection&>> transaction(F fn) {
        Connection connection = co_await connect_own();
        co_return co_await connection.transaction(std::move(fn));
    }

    // The same, retried under `policy` when the database fails the
    // transaction to resolve a conflict (see retry_policy.hpp). `fn` runs
    // once per attempt, each time on a fresh checkout, so it must not keep
    // state of its own between attempts.
    template <class F>
    boost::asio::awaitable<detail::awaited_t<F, Connection&>> transaction(F fn, RetryPolicy policy) {
        detail::Retrier retrier(std::move(policy));
        for (;;) {
            try {
                if constexpr (std::is_void_v<detail::awaited_t<F, Connection&>>) {
                    co_await transaction(fn);
                    co_return;
                } else {
                    co_return co_await transaction(fn);
                }
            } catch (const Error& error) {
                if (!retrier.retryable(error)) throw;
                if (!retrier.may_retry()) retrier.give_up(error);
            }
            count_retry();
            co_await retrier.back_off();
        }
    }

    // Closes idle connections now and every other one when it is returned.
    boost::asio::awaitable<void> dispose();

    PoolStatus pool_status() const;
    // Counters, gauges and histograms since the engine was created (see
    // metrics.hpp); to_prometheus(engine.metrics()) for a scrape endpoint.
    EngineMetrics metrics() const;
    Events& events();
    const Url& url() const;
    const EngineOptions& options() const;
    std::string_view dialect_name() const;

    explicit operator bool() const noexcept { return state_ != nullptr; }

private:
    // A connection of its own even when the engine pipelines (a transaction
    // would move to one at its first statement anyway).
    boost::asio::awaitable<Connection> connect_own();
    void count_retry() const noexcept;

    std::shared_ptr<detail::EngineState> state_;
};

// Parses the URL (ArgumentError on any bad part) and checks every option;
// connects nothing until the first connect(). `options` are applied after
// the URL's query options, as if appended to it.
Engine create_engine(std::string_view url,
                     const std::vector<std::pair<std::string, std::string>>& options = {});
Engine create_engine(const Url& url, EngineOptions options);

}  // namespace asyncsql
