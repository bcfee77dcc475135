#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "backends/sqlite/driver/sqlite_api.hpp"
#include "backends/sqlite/driver/sqlite_options.hpp"
#include "backends/sqlite/driver/statement_cache.hpp"
#include "backends/sqlite/driver/worker_thread.hpp"
#include "driver/driver_connection.hpp"

namespace asyncsql::sqlite {

namespace asio = boost::asio;

class SqliteConnection final : public driver::Connection {
public:
    static asio::awaitable<std::unique_ptr<SqliteConnection>> open(SqliteOptions options);
    ~SqliteConnection() override;

    asio::awaitable<driver::ExecuteOutcome> execute(const driver::ExecuteRequest& request) override;
    asio::awaitable<std::unique_ptr<driver::Cursor>> open_cursor(
        const driver::ExecuteRequest& request) override;
    asio::awaitable<void> ping() override;
    asio::awaitable<void> close() noexcept override;
    void cancel() noexcept override;
    driver::TransactionState transaction_state() const noexcept override;
    bool usable() const noexcept override;

    // Runs a job (statement_jobs.hpp) where the execution mode says:
    // cooperative runs it on the caller's thread in time slices, yielding to
    // the event loop between them, and moves it to the worker thread when
    // SQLite would wait for a lock or one step runs long; thread runs it all
    // on the worker; inline all on the caller. Cancelling the await
    // interrupts the statement.
    template <class Job>
    asio::awaitable<void> drive(Job& job);

    // For jobs: one step of `stmt`, or MoveToWorker when it must go on on the
    // worker. `restartable`: running it again from the start is harmless (a
    // read that has handed out no rows yet).
    api::StepResult step(sqlite3_stmt* stmt, std::string_view sql, bool restartable);
    // The statement for `sql` out of the cache (prepared on a miss), or
    // MoveToWorker when preparing it must wait for a lock.
    std::unique_ptr<PreparedStatement> take_statement(std::string_view sql);
    void give_back(std::unique_ptr<PreparedStatement> statement) noexcept;
    // True when a cooperative slice has run its time: the job should return
    // at the next row boundary.
    bool slice_over() noexcept;
    // In a cooperative slice, and a COMMIT here syncs to disk
    // (synchronous=FULL, or NORMAL outside WAL): a statement that commits
    // goes to the worker, so the loop does not wait for the disk.
    bool commit_would_block() const noexcept { return in_slice_ && commit_syncs_; }

    sqlite3* db() const noexcept { return db_.get(); }

    // After every call on the owning thread: what SQLite says about the
    // transaction, and whether the handle is still worth keeping.
    void refresh_state(int failed_code = 0) noexcept;

private:
    using Clock = std::chrono::steady_clock;
    enum class SliceEnd { finished, yielded, to_worker };

    explicit SqliteConnection(SqliteOptions options);
    void configure();
    template <class Job>
    SliceEnd run_slice(Job& job);
    // Runs fn on the worker thread (started on first use) and resumes the
    // caller on its own executor.
    template <class Fn>
    asio::awaitable<std::invoke_result_t<Fn&>> on_worker(Fn fn, bool interruptible = true);
    static int on_busy(void* self, int attempts) noexcept;
    static int on_progress(void* self) noexcept;

    SqliteOptions options_;
    std::unique_ptr<WorkerThread> worker_;
    api::Database db_;
    StatementCache statements_;
    std::atomic<bool> in_transaction_{false};
    std::atomic<bool> broken_{false};
    // The open handle, for cancel() from the event loop while the worker
    // opens or uses it; null before it is open and once closing begins.
    std::atomic<sqlite3*> interruptible_db_{nullptr};
    // Cooperative mode. Read and written only by the thread running the
    // current stretch of work; the hand-offs order them.
    bool commit_syncs_ = false;
    bool in_slice_ = false;
    Clock::time_point slice_end_{};
    unsigned slice_ticks_ = 0;
    bool may_slice_ = false;
    bool busy_deferred_ = false;
    bool sliced_ = false;
    Clock::time_point step_progress_since_{};
    Clock::time_point busy_since_{};
};

}  // namespace asyncsql::sqlite
