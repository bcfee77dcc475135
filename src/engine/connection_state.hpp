#pragma once
// The state behind a Connection handle, shared with its Transaction handles
// and an open StreamResult: the pooled connection, the transaction stack, and
// the transaction-control statements waiting to go out with the next
// statement.

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/engine/execution_options.hpp"
#include "driver/driver_connection.hpp"
#include "engine/engine_state.hpp"
#include "pool/connection_pool.hpp"

namespace asyncsql::detail {

namespace asio = boost::asio;

struct StreamState;

struct ConnectionState {
    // One level of the transaction stack: frames[0] is the transaction,
    // the rest are savepoints. `sent` is false while its opening statements
    // still wait in `pending` (nothing to undo on the server yet).
    struct Frame {
        std::uint64_t serial;
        std::string savepoint;
        bool sent = false;
        std::size_t pending_from = 0;
    };

    std::shared_ptr<EngineState> engine;
    pool::PooledConnection lease;
    // The lease is shared with other Connections that pipeline statements
    // on it, until this one needs a connection of its own (see bound()).
    bool sharing = false;
    std::string label;  // for that later checkout
    ExecutionOptions options;
    std::unordered_map<std::string, std::any> info;
    std::vector<Frame> frames;
    std::vector<std::string> pending;
    std::uint64_t next_serial = 1;
    StreamState* open_stream = nullptr;
    bool closed = false;
    bool committing = false;  // a COMMIT is on its way

    ConnectionState(std::shared_ptr<EngineState> engine, pool::PooledConnection lease, bool sharing,
                    std::string label);
    ~ConnectionState();

    // Throws ResourceClosedError / InterfaceError when no statement may run now.
    void check_ready() const;
    // The connection, checked out whole first if this Connection has none
    // of its own.
    asio::awaitable<driver::Connection*> bound();
    std::string isolation_level() const;
    bool autocommit() const { return isolation_level() == "AUTOCOMMIT"; }

    std::uint64_t begin_transaction();
    std::uint64_t begin_savepoint();
    // Index of the open frame with `serial`, or -1.
    std::ptrdiff_t frame_index(std::uint64_t serial) const noexcept;
    asio::awaitable<void> end_frame(std::uint64_t serial, bool commit);
    asio::awaitable<void> commit_transaction(const std::string& sql);
    // A handle was dropped while its frame was open: queue the rollback.
    void abandon_frame(std::uint64_t serial) noexcept;

    // Runs `sql` with the pending statements in front, reporting events,
    // echo, timeouts and errors. `autobegin` opens a transaction first when
    // none is open and the isolation level is not AUTOCOMMIT.
    asio::awaitable<driver::ExecuteOutcome> execute(std::string_view sql,
                                                    std::span<const std::vector<Value>> sets,
                                                    bool autobegin, bool control = false);
    asio::awaitable<std::vector<driver::ExecuteOutcome>> execute_batch(std::span<const driver::BatchItem> items);
    asio::awaitable<std::int64_t> copy_in(std::string_view copy_sql, std::span<const std::vector<Value>> rows);
    asio::awaitable<std::int64_t> copy_out(std::string_view copy_sql,
                                           const std::function<void(std::string_view)>& sink);
    asio::awaitable<std::unique_ptr<driver::Cursor>> open_cursor(std::string_view sql,
                                                                 std::span<const std::vector<Value>> sets);
    asio::awaitable<std::shared_ptr<RowSet>> fetch(driver::Cursor& cursor, std::string_view sql,
                                                   std::size_t max_rows);

    void release() noexcept;

private:
    // `interrupt`: what a statement timeout calls (default: the connection's cancel()).
    template <class Op>
    auto observed(std::string_view sql, std::span<const std::vector<Value>> sets, Op op,
                  const std::function<void()>* interrupt = nullptr) -> decltype(op());
    // Whether `sql` may run on a connection shared with other callers.
    bool may_share(std::string_view sql, std::span<const std::vector<Value>> sets, bool control) const;
    asio::awaitable<driver::ExecuteOutcome> execute_shared(std::string_view sql,
                                                           std::span<const std::vector<Value>> sets);
    std::string echo_line(std::string_view sql, std::span<const std::vector<Value>> sets) const;
    void on_sent() noexcept;
    void after_failure(bool disconnected) noexcept;
    void count_transaction_end(bool committed) noexcept;
    void drop_unsent_from(std::size_t index) noexcept;
};

struct StreamState {
    std::shared_ptr<ConnectionState> connection;
    std::unique_ptr<driver::Cursor> cursor;
    std::shared_ptr<const Columns> columns;
    std::string sql;
    std::shared_ptr<RowSet> buffer;  // rows fetched but not yet handed out
    std::size_t position = 0;
    std::size_t batch_rows = 1000;

    ~StreamState() { finish(); }
    void finish() noexcept;
    bool finished() const noexcept { return !cursor && (!buffer || position >= buffer->row_count()); }
};

}  // namespace asyncsql::detail
