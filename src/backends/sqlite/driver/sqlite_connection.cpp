#include "backends/sqlite/driver/sqlite_connection.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <optional>
#include <variant>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"
#include "backends/sqlite/driver/statement_jobs.hpp"

namespace asyncsql::sqlite {

namespace {

// One call handed to the worker thread: it lives in the awaiting coroutine's
// frame, so the hand-off allocates nothing but the completion post.
template <class Fn>
struct BlockingCall final : WorkerThread::Task {
    using R = std::invoke_result_t<Fn&>;
    using Stored = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

    explicit BlockingCall(Fn& f) : fn(f) {}

    void run() noexcept override {
        try {
            if constexpr (std::is_void_v<R>) {
                fn();
                result.emplace();
            } else {
                result.emplace(fn());
            }
        } catch (...) {
            error = std::current_exception();
        }
        asio::post(executor, [this] {
            asio::get_associated_cancellation_slot(*handler).clear();
            asio::any_completion_handler<void()> h(std::move(*handler));
            handler.reset();
            std::move(h)();
        });
    }

    R take() {
        if (error) std::rethrow_exception(error);
        if constexpr (!std::is_void_v<R>) return std::move(*result);
    }

    Fn& fn;
    std::optional<Stored> result;
    std::exception_ptr error;
    // Emplaced, never assigned: Boost 1.81's move assignment of
    // any_completion_handler recurses without end.
    std::optional<asio::any_completion_handler<void()>> handler;
    asio::any_io_executor executor;
};

}  // namespace

template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> SqliteConnection::on_worker(Fn fn, bool interruptible) {
    if (!worker_) worker_ = std::make_unique<WorkerThread>();
    BlockingCall<Fn> call(fn);
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
        [&](auto handler) {
            call.executor = asio::get_associated_executor(handler);
            call.handler.emplace(std::move(handler));
            // The slot of the type-erased handler: the original slot now
            // carries any_completion_handler's own forwarding handler.
            auto slot = asio::get_associated_cancellation_slot(*call.handler);
            if (interruptible && slot.is_connected()) slot.assign([this](asio::cancellation_type) { cancel(); });
            worker_->submit(call);
        },
        asio::use_awaitable);
    co_return call.take();
}

template <class Job>
SqliteConnection::SliceEnd SqliteConnection::run_slice(Job& job) {
    in_slice_ = true;
    slice_end_ = Clock::now() + options_.slice;
    slice_ticks_ = 0;
    SliceEnd end = SliceEnd::finished;
    try {
        if (!job.advance()) end = SliceEnd::yielded;
    } catch (const MoveToWorker&) {
        end = SliceEnd::to_worker;
    } catch (...) {
        in_slice_ = false;
        throw;
    }
    in_slice_ = false;
    return end;
}

template <class Job>
asio::awaitable<void> SqliteConnection::drive(Job& job) {
    if (options_.execution == ExecutionMode::inline_) {
        job.advance();
        co_return;
    }
    if (options_.execution == ExecutionMode::cooperative) {
        for (;;) {
            const SliceEnd end = run_slice(job);
            if (end == SliceEnd::finished) co_return;
            if (end == SliceEnd::to_worker) break;
            // Let the other tasks of this thread run, then go on where the
            // statement stands, unless this one was cancelled meanwhile.
            auto executor = co_await asio::this_coro::executor;
            co_await asio::post(executor, asio::use_awaitable);
            const auto cancellation = co_await asio::this_coro::cancellation_state;
            if (cancellation.cancelled() != asio::cancellation_type::none)
                throw OperationalError("sqlite: the statement was cancelled", ErrorKind::cancelled);
        }
    }
    co_await on_worker([&job] { job.advance(); });
}

template asio::awaitable<void> SqliteConnection::drive(ExecuteJob&);
template asio::awaitable<void> SqliteConnection::drive(OpenCursorJob&);
template asio::awaitable<void> SqliteConnection::drive(FetchJob&);

bool SqliteConnection::slice_over() noexcept {
    // Reading the clock every row would cost more than the rows.
    return in_slice_ && (++slice_ticks_ & 15) == 0 && Clock::now() >= slice_end_;
}

api::StepResult SqliteConnection::step(sqlite3_stmt* stmt, std::string_view sql, bool restartable) {
    may_slice_ = in_slice_ && restartable;
    busy_deferred_ = false;
    sliced_ = false;
    step_progress_since_ = {};
    try {
        return api::step(db(), stmt, sql);
    } catch (const Error&) {
        if (busy_deferred_ || sliced_) throw MoveToWorker{};
        throw;
    }
}

std::unique_ptr<PreparedStatement> SqliteConnection::take_statement(std::string_view sql) {
    busy_deferred_ = false;
    try {
        return statements_.take(db(), sql);
    } catch (const Error&) {
        if (busy_deferred_) throw MoveToWorker{};
        throw;
    }
}

void SqliteConnection::give_back(std::unique_ptr<PreparedStatement> statement) noexcept {
    statements_.give_back(std::move(statement));
}

// Cooperative mode's busy handler. In a slice the caller's thread must not
// sleep: declining makes the step fail with SQLITE_BUSY before it changed
// anything (SQLite calls the handler only where waiting is safe), and the
// job starts the statement again on the worker, where this handler waits as
// sqlite3_busy_timeout() would.
int SqliteConnection::on_busy(void* self, int attempts) noexcept {
    auto& c = *static_cast<SqliteConnection*>(self);
    if (c.in_slice_) {
        c.busy_deferred_ = true;
        return 0;
    }
    const auto now = Clock::now();
    if (attempts == 0) c.busy_since_ = now;
    const auto waited = now - c.busy_since_;
    if (waited >= c.options_.busy_timeout) return 0;
    const Clock::duration pause = std::chrono::milliseconds(1 << std::min(attempts, 4));
    std::this_thread::sleep_for(std::min(pause, c.options_.busy_timeout - waited));
    return 1;
}

// Called every few thousand virtual-machine instructions: a read whose one
// step has itself run a whole slice is stopped, to run again on the worker.
// (Time spent between steps, decoding rows, is the row loop's to yield.)
int SqliteConnection::on_progress(void* self) noexcept {
    auto& c = *static_cast<SqliteConnection*>(self);
    if (!c.may_slice_) return 0;
    const auto now = Clock::now();
    if (c.step_progress_since_ == Clock::time_point{}) {
        c.step_progress_since_ = now;
        return 0;
    }
    if (now - c.step_progress_since_ < c.options_.slice) return 0;
    c.sliced_ = true;
    return 1;
}

SqliteConnection::SqliteConnection(SqliteOptions options)
    : options_(std::move(options)), statements_(options_.statement_cache_size) {}

SqliteConnection::~SqliteConnection() {
    interruptible_db_ = nullptr;
    // The worker is idle (one operation at a time); join it before the
    // statements and the handle go.
    worker_.reset();
    statements_.clear();
}

asio::awaitable<std::unique_ptr<SqliteConnection>> SqliteConnection::open(SqliteOptions options) {
    std::unique_ptr<SqliteConnection> connection(new SqliteConnection(std::move(options)));
    auto open_and_configure = [c = connection.get()] {
        c->db_ = api::open(c->options_.path);
        c->interruptible_db_ = c->db_.get();
        c->configure();
    };
    // Opening a file is quick; only the thread mode keeps it off the caller.
    if (connection->options_.execution == ExecutionMode::thread)
        co_await connection->on_worker(open_and_configure);
    else
        open_and_configure();
    co_return connection;
}

void SqliteConnection::configure() {
    if (options_.execution == ExecutionMode::cooperative) {
        api::set_busy_handler(db(), &SqliteConnection::on_busy, this);
        api::set_progress_handler(db(), &SqliteConnection::on_progress, this);
    } else {
        api::set_busy_timeout(db(), static_cast<int>(options_.busy_timeout.count()));
    }
    api::exec(db(), options_.foreign_keys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    if (!options_.journal_mode.empty()) api::exec(db(), "PRAGMA journal_mode = " + options_.journal_mode);
    if (!options_.synchronous.empty()) api::exec(db(), "PRAGMA synchronous = " + options_.synchronous);
    commit_syncs_ = api::commit_syncs(db());
}

void SqliteConnection::refresh_state(int failed_code) noexcept {
    if (db_) in_transaction_ = api::in_transaction(db());
    if (failed_code != 0 && api::is_fatal(failed_code)) broken_ = true;
}

asio::awaitable<driver::ExecuteOutcome> SqliteConnection::execute(const driver::ExecuteRequest& request) {
    ExecuteJob job(*this, request);
    co_await drive(job);
    co_return job.take_outcome();
}

asio::awaitable<std::unique_ptr<driver::Cursor>> SqliteConnection::open_cursor(
    const driver::ExecuteRequest& request) {
    if (request.parameter_sets.size() > 1)
        throw ArgumentError("a stream runs one statement with one set of parameters");
    std::vector<Value> parameters;
    if (!request.parameter_sets.empty()) parameters = request.parameter_sets.front();
    OpenCursorJob job(*this, request, std::move(parameters));
    co_await drive(job);
    co_return job.take_cursor();
}

asio::awaitable<void> SqliteConnection::ping() {
    static const std::string probe = "SELECT 1";
    co_await execute(driver::ExecuteRequest{.sql = probe, .parameter_sets = {}});
}

asio::awaitable<void> SqliteConnection::close() noexcept {
    // Closing cannot be interrupted: cancel() must not reach a handle that
    // is being closed.
    interruptible_db_ = nullptr;
    auto close_handle = [this] {
        statements_.clear();
        db_.reset();
    };
    try {
        if (worker_)
            co_await on_worker(close_handle, false);
        else
            close_handle();
    } catch (...) {
        // Closing is best effort; the handle is gone either way.
    }
    broken_ = true;
}

void SqliteConnection::cancel() noexcept {
    if (sqlite3* db = interruptible_db_.load()) api::interrupt(db);
}

driver::TransactionState SqliteConnection::transaction_state() const noexcept {
    return in_transaction_ ? driver::TransactionState::active : driver::TransactionState::idle;
}

bool SqliteConnection::usable() const noexcept { return db_ && !broken_; }

}  // namespace asyncsql::sqlite
