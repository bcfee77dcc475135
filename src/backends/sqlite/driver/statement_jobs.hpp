#pragma once
// The work of one driver call, written so that it can stop between two steps
// and go on later — after yielding to the event loop, or on the worker
// thread. SqliteConnection::drive() decides where each stretch runs.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/sqlite/driver/statement_cache.hpp"
#include "driver/driver_connection.hpp"

namespace asyncsql::sqlite {

namespace asio = boost::asio;

class SqliteConnection;

// Thrown by a step that must not go on on the caller's thread: SQLite wants
// to wait for a lock, or a read ran past its time slice inside one step. The
// statement was reset and nothing of it took effect; the job restarts it on
// the worker thread.
struct MoveToWorker {};

// Every job's advance(): runs until done (true), or until the caller's time
// slice is used up (false, to be called again); throws MoveToWorker as above
// and the mapped Error on failure.

// The transaction-control statements sent in front of a request, in order.
class PreludeJob {
public:
    PreludeJob(SqliteConnection& connection, std::span<const std::string> prelude)
        : connection_(connection), prelude_(prelude) {}
    bool advance();

private:
    SqliteConnection& connection_;
    std::span<const std::string> prelude_;
    std::size_t next_ = 0;
};

// The prelude, then the statement once per parameter set.
class ExecuteJob {
public:
    ExecuteJob(SqliteConnection& connection, const driver::ExecuteRequest& request);
    ~ExecuteJob();
    bool advance();
    driver::ExecuteOutcome take_outcome() { return std::move(outcome_); }

private:
    bool run_sets();
    bool commits() const;

    SqliteConnection& connection_;
    const driver::ExecuteRequest& request_;
    PreludeJob prelude_;
    std::span<const std::vector<Value>> sets_;
    std::unique_ptr<PreparedStatement> statement_;
    bool read_only_ = false;
    std::size_t next_set_ = 0;
    bool in_set_ = false;  // bound and stepped part way
    std::size_t set_rows_from_ = 0;
    std::int64_t total_changes_before_ = 0;
    std::int64_t rowid_before_ = 0;
    std::int64_t changed_ = 0;
    bool wrote_rows_ = false;
    driver::ExecuteOutcome outcome_;
};

// A cursor over one prepared statement taken out of the cache; it owns its
// parameter values because SQLite reads them at every step.
class SqliteCursor final : public driver::Cursor {
public:
    SqliteCursor(SqliteConnection& connection, std::unique_ptr<PreparedStatement> statement,
                 std::vector<Value> parameters);
    ~SqliteCursor() override { release(); }

    std::shared_ptr<const Columns> columns() const override { return columns_; }
    asio::awaitable<std::shared_ptr<RowSet>> fetch(std::size_t max_rows) override;
    asio::awaitable<void> close() override;

    // Fills `rows` with up to `max_rows` rows (a job's advance()).
    bool fetch_into(RowSet& rows, std::size_t max_rows);

private:
    void release() noexcept;

    SqliteConnection& connection_;
    std::unique_ptr<PreparedStatement> statement_;
    std::vector<Value> parameters_;
    std::shared_ptr<const Columns> columns_;
    bool read_only_ = false;
    bool delivered_ = false;  // rows were handed out: the statement cannot restart
};

// One batch of a cursor's rows.
struct FetchJob {
    SqliteCursor& cursor;
    RowSet& rows;
    std::size_t max_rows;
    bool advance() { return cursor.fetch_into(rows, max_rows); }
};

// The prelude, then a cursor over the statement with its parameters bound.
class OpenCursorJob {
public:
    OpenCursorJob(SqliteConnection& connection, const driver::ExecuteRequest& request, std::vector<Value> parameters)
        : connection_(connection), request_(request), prelude_(connection, request.prelude),
          parameters_(std::move(parameters)) {}
    bool advance();
    std::unique_ptr<driver::Cursor> take_cursor() { return std::move(cursor_); }

private:
    SqliteConnection& connection_;
    const driver::ExecuteRequest& request_;
    PreludeJob prelude_;
    std::vector<Value> parameters_;
    std::unique_ptr<SqliteCursor> cursor_;
};

}  // namespace asyncsql::sqlite
