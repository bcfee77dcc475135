#pragma once

#include <atomic>
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

    // Runs `fn` where blocking SQLite calls belong (see ExecutionMode) and
    // resumes the caller on its own executor; cancelling the await interrupts
    // the running statement.
    template <class Fn>
    asio::awaitable<std::invoke_result_t<Fn&>> run(Fn fn);

    sqlite3* db() const noexcept { return db_.get(); }
    StatementCache& statements() noexcept { return statements_; }

    // After every call on the owning thread: what SQLite says about the
    // transaction, and whether the handle is still worth keeping.
    void refresh_state(int failed_code = 0) noexcept;

private:
    explicit SqliteConnection(SqliteOptions options);
    void configure();
    void run_prelude(std::span<const std::string> prelude);

    SqliteOptions options_;
    std::unique_ptr<WorkerThread> worker_;
    api::Database db_;
    StatementCache statements_;
    std::atomic<bool> in_transaction_{false};
    std::atomic<bool> broken_{false};
};

}  // namespace asyncsql::sqlite
