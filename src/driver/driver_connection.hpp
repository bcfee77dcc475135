#pragma once
// The contract every backend's native connection fulfils. The engine and the
// pool only see this interface; each backend implements it in
// src/backends/<name>/driver/.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/result/row.hpp"
#include "asyncsql/types/value.hpp"

namespace asyncsql::driver {

namespace asio = boost::asio;

enum class TransactionState {
    idle,     // no transaction open
    active,   // inside a transaction
    failed,   // inside a transaction that must be rolled back
    unknown,  // an operation was interrupted; only a reset tells
};

// One statement run, with everything the engine wants sent in the same round
// trip (or worker hand-off): transaction-control statements first, then the
// statement once per parameter set.
struct ExecuteRequest {
    std::span<const std::string> prelude;  // BEGIN, SAVEPOINT ..., no results read
    std::string_view sql;
    std::span<const std::vector<Value>> parameter_sets;  // at least one (may be empty)
    // Transaction control (COMMIT, ROLLBACK, RELEASE ...): not worth a
    // prepared statement, and must not depend on one.
    bool control = false;
};

// One statement of a batch, with its parameter sets (none = one empty set).
struct BatchItem {
    std::string_view sql;
    std::span<const std::vector<Value>> parameter_sets;
};

struct ExecuteOutcome {
    std::shared_ptr<RowSet> rows;   // null when the statement returns no rows
    std::int64_t rows_affected = -1;
    std::optional<std::int64_t> last_insert_id;
};

// A statement whose rows are read in batches; the connection is busy until
// the cursor is exhausted or closed.
class Cursor {
public:
    virtual ~Cursor() = default;
    virtual std::shared_ptr<const Columns> columns() const = 0;
    // Up to `max_rows` rows; an empty set means the end.
    virtual asio::awaitable<std::shared_ptr<RowSet>> fetch(std::size_t max_rows) = 0;
    virtual asio::awaitable<void> close() = 0;
};

class Connection {
public:
    virtual ~Connection() = default;

    virtual asio::awaitable<ExecuteOutcome> execute(const ExecuteRequest& request) = 0;

    // The statement joins those other callers have under way on this
    // connection, sharing their round trips (PostgreSQL's pipeline), and may
    // be called again before an earlier call has finished. For statements
    // outside any transaction: no prelude, one parameter set at most. While
    // the call lasts, `interrupt` cancels this statement alone (a statement
    // timeout); an Asio cancellation of the call does the same. Backends
    // that cannot pipeline throw NotSupportedError.
    virtual asio::awaitable<ExecuteOutcome> execute_pipelined(const ExecuteRequest& request,
                                                              std::function<void()>& interrupt);
    virtual asio::awaitable<std::unique_ptr<Cursor>> open_cursor(const ExecuteRequest& request) = 0;
    // Round trip that proves the connection works; throws on failure.
    virtual asio::awaitable<void> ping() = 0;
    // Best effort, never throws; the connection is unusable afterwards.
    virtual asio::awaitable<void> close() noexcept = 0;

    // Several statements in order, in one round trip where the backend can
    // (PostgreSQL pipelines them); stops at the first failure, whose error
    // names the statement. The default runs them one by one.
    virtual asio::awaitable<std::vector<ExecuteOutcome>> execute_batch(std::span<const std::string> prelude,
                                                                       std::span<const BatchItem> batch);

    // Bulk load (PostgreSQL COPY FROM STDIN): the prelude, then `copy_sql`
    // fed with `rows` (one Value per column). Returns the rows loaded.
    // Backends without a bulk path throw NotSupportedError.
    virtual asio::awaitable<std::int64_t> copy_in(std::span<const std::string> prelude, std::string_view copy_sql,
                                                  std::span<const std::vector<Value>> rows);
    // Bulk export (COPY ... TO STDOUT): `sink` receives the data in chunks.
    virtual asio::awaitable<std::int64_t> copy_out(std::span<const std::string> prelude, std::string_view copy_sql,
                                                   const std::function<void(std::string_view)>& sink);

    // Asks the server to stop the running statement (thread-safe, no wait);
    // the running operation then fails with ErrorKind::cancelled.
    virtual void cancel() noexcept = 0;

    virtual TransactionState transaction_state() const noexcept = 0;
    // False once the connection is broken and must be discarded.
    virtual bool usable() const noexcept = 0;
};

}  // namespace asyncsql::driver
