#pragma once
// Connection: one pooled database connection, checked out from an Engine.
//
// "Commit as you go", as SQLAlchemy 2.0: the first statement begins a
// transaction (unless the isolation level is AUTOCOMMIT); commit() or
// rollback() end it. begin()/begin_nested() give explicit handles;
// transaction(fn)/nested(fn) commit when fn returns and roll back when it
// throws. Dropping a Connection returns it to the pool, which rolls back
// whatever was left open before anyone else can check it out.
//
// Not thread-safe: use a Connection from one coroutine at a time, on the
// engine's executor. One statement or stream at a time per connection.

#include <any>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/engine/execution_options.hpp"
#include "asyncsql/engine/transaction.hpp"
#include "asyncsql/result/result.hpp"
#include "asyncsql/result/stream_result.hpp"
#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/sql/params.hpp"

namespace asyncsql {

namespace detail {
struct ConnectionState;

template <class F, class... Args>
using awaited_t = typename std::invoke_result_t<F&, Args...>::value_type;
}  // namespace detail

// One statement of Connection::execute_batch.
struct BatchStatement {
    std::string sql;
    Params params;
};

class Connection {
public:
    Connection() = default;
    explicit Connection(std::shared_ptr<detail::ConnectionState> state) noexcept
        : state_(std::move(state)) {}
    Connection(Connection&&) noexcept = default;
    Connection& operator=(Connection&&) noexcept = default;
    ~Connection();

    // `:name` binds with named Params, `?` with positional ones; the text is
    // rewritten to the dialect's placeholders once and cached.
    boost::asio::awaitable<Result> execute(std::string_view sql, Params params = {});
    boost::asio::awaitable<Result> execute(const TextClause& sql, Params params = {});
    // One statement, many parameter sets, one hand-off; rowcount is summed.
    // (With g++ 12, build the vector before the co_await expression: that
    // compiler cannot place a braced list inside one.)
    boost::asio::awaitable<Result> execute_many(std::string_view sql, std::vector<Params> sets);
    // Several statements in order, in one round trip where the backend can
    // (PostgreSQL pipelines them); one Result each. The first failure stops
    // the batch: its error names the statement, and none after it ran.
    boost::asio::awaitable<std::vector<Result>> execute_batch(std::vector<BatchStatement> statements);
    // The text goes to the driver untouched, with its native placeholders
    // and positional values: exec_driver_sql("... WHERE id = ?", Params::positional(5)).
    boost::asio::awaitable<Result> exec_driver_sql(std::string_view sql, Params params = {});
    // Rows arrive in batches as they are read (see StreamResult).
    boost::asio::awaitable<StreamResult> stream(std::string_view sql, Params params = {});

    // Bulk load with COPY ... FROM STDIN (PostgreSQL): `rows` into
    // `table` (`columns`, in order; quoted by the dialect) in one stream.
    // Returns the rows loaded. Other backends raise NotSupportedError.
    boost::asio::awaitable<std::int64_t> copy_records(std::string_view table, std::vector<std::string> columns,
                                                      std::vector<std::vector<Value>> rows);
    // Bulk export: runs `copy_sql` (COPY ... TO STDOUT, any format) and hands
    // the data to `sink` in chunks as it arrives. Returns the rows copied.
    boost::asio::awaitable<std::int64_t> copy_to(std::string_view copy_sql,
                                                 std::function<void(std::string_view)> sink);

    template <Decodable T = Value>
    boost::asio::awaitable<T> scalar(std::string_view sql, Params params = {}) {
        Result result = co_await execute(sql, std::move(params));
        co_return result.template scalar<T>();
    }
    template <Decodable T = Value>
    boost::asio::awaitable<std::vector<T>> scalars(std::string_view sql, Params params = {}) {
        Result result = co_await execute(sql, std::move(params));
        co_return result.template scalars<T>();
    }
    // Every row mapped with Row::as<T>() (struct, tuple or single value).
    template <class T>
    boost::asio::awaitable<std::vector<T>> fetch_all(std::string_view sql, Params params = {}) {
        Result result = co_await execute(sql, std::move(params));
        co_return result.template as<T>();
    }

    boost::asio::awaitable<void> commit();
    boost::asio::awaitable<void> rollback();
    boost::asio::awaitable<Transaction> begin();
    boost::asio::awaitable<Transaction> begin_nested();

    // Runs fn(*this) inside a transaction (a savepoint when one is open):
    // commits when it returns, rolls back and rethrows when it throws.
    template <class F>
    boost::asio::awaitable<detail::awaited_t<F, Connection&>> transaction(F fn) {
        // (No co_await inside ?: here: g++ 12 mishandles the temporaries.)
        if (in_transaction()) co_return co_await run_in(co_await begin_nested(), fn);
        co_return co_await run_in(co_await begin(), fn);
    }
    template <class F>
    boost::asio::awaitable<detail::awaited_t<F, Connection&>> nested(F fn) {
        co_return co_await run_in(co_await begin_nested(), fn);
    }

    bool in_transaction() const noexcept;
    bool in_nested_transaction() const noexcept;

    void set_execution_options(const ExecutionOptions& options);
    const ExecutionOptions& execution_options() const;

    // Free-form state for the application, kept while this checkout lasts.
    std::unordered_map<std::string, std::any>& info();

    // The connection is closed when returned instead of pooled.
    void invalidate();
    // Returns the connection to the pool now; later calls raise ResourceClosedError.
    void close() noexcept;
    bool closed() const noexcept;
    std::uint64_t id() const noexcept;

private:
    template <class F>
    boost::asio::awaitable<detail::awaited_t<F, Connection&>> run_in(Transaction tx, F& fn) {
        using R = detail::awaited_t<F, Connection&>;
        std::exception_ptr failure;
        std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;
        try {
            if constexpr (std::is_void_v<R>) {
                co_await fn(*this);
            } else {
                value.emplace(co_await fn(*this));
            }
        } catch (...) {
            failure = std::current_exception();
        }
        // Once cancelled, Asio refuses even this co_await; tx then rolls
        // back when it is dropped, and the caller sees fn's own error.
        std::exception_ptr ending;
        try {
            co_await finish(tx, failure);
        } catch (...) {
            ending = std::current_exception();
        }
        if (ending) std::rethrow_exception(failure ? failure : ending);
        if constexpr (!std::is_void_v<R>) co_return std::move(*value);
    }
    // Commits tx, or rolls it back and rethrows `failure`.
    boost::asio::awaitable<void> finish(Transaction& tx, std::exception_ptr failure);

    std::shared_ptr<detail::ConnectionState> state_;
};

}  // namespace asyncsql
