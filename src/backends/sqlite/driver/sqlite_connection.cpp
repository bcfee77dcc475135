#include "backends/sqlite/driver/sqlite_connection.hpp"

#include <exception>
#include <optional>
#include <variant>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"

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

// A cursor over one prepared statement taken out of the cache; it owns its
// parameter values because SQLite reads them at every step.
class SqliteCursor final : public driver::Cursor {
public:
    SqliteCursor(SqliteConnection& connection, std::unique_ptr<PreparedStatement> statement,
                 std::vector<Value> parameters)
        : connection_(connection), statement_(std::move(statement)), parameters_(std::move(parameters)) {}

    ~SqliteCursor() override { release(); }

    std::shared_ptr<const Columns> columns() const override { return columns_; }

    void bind() {
        columns_ = statement_->columns;
        api::bind(statement_->handle.get(), parameters_, statement_->sql);
    }

    asio::awaitable<std::shared_ptr<RowSet>> fetch(std::size_t max_rows) override {
        auto rows = std::make_shared<RowSet>();
        rows->columns = columns_;
        if (!statement_) co_return rows;
        co_await connection_.run([&] {
            rows->values.reserve(max_rows * columns_->size());
            try {
                for (std::size_t n = 0; n < max_rows; ++n) {
                    if (api::step(connection_.db(), statement_->handle.get(), statement_->sql) ==
                        api::StepResult::done) {
                        release();
                        break;
                    }
                    api::read_row(statement_->handle.get(), statement_->hints, rows->values);
                }
            } catch (const Error& e) {
                release();
                connection_.refresh_state(static_cast<int>(e.native_code()));
                throw;
            }
            connection_.refresh_state();
        });
        co_return rows;
    }

    asio::awaitable<void> close() override {
        release();
        co_return;
    }

private:
    void release() noexcept {
        if (statement_) connection_.statements().give_back(std::move(statement_));
    }

    SqliteConnection& connection_;
    std::unique_ptr<PreparedStatement> statement_;
    std::vector<Value> parameters_;
    std::shared_ptr<const Columns> columns_;
};

}  // namespace

template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> SqliteConnection::run(Fn fn) {
    if (!worker_) co_return fn();
    BlockingCall<Fn> call(fn);
    co_await asio::async_initiate<const asio::use_awaitable_t<>&, void()>(
        [&](auto handler) {
            call.executor = asio::get_associated_executor(handler);
            call.handler.emplace(std::move(handler));
            // The slot of the type-erased handler: the original slot now
            // carries any_completion_handler's own forwarding handler.
            auto slot = asio::get_associated_cancellation_slot(*call.handler);
            if (slot.is_connected()) slot.assign([this](asio::cancellation_type) { cancel(); });
            worker_->submit(call);
        },
        asio::use_awaitable);
    co_return call.take();
}

SqliteConnection::SqliteConnection(SqliteOptions options)
    : options_(std::move(options)), statements_(options_.statement_cache_size) {
    if (options_.execution == ExecutionMode::thread) worker_ = std::make_unique<WorkerThread>();
}

SqliteConnection::~SqliteConnection() {
    // The worker is idle (one operation at a time); join it before the
    // statements and the handle go.
    worker_.reset();
    statements_.clear();
}

asio::awaitable<std::unique_ptr<SqliteConnection>> SqliteConnection::open(SqliteOptions options) {
    std::unique_ptr<SqliteConnection> connection(new SqliteConnection(std::move(options)));
    co_await connection->run([c = connection.get()] {
        c->db_ = api::open(c->options_.path);
        c->configure();
    });
    co_return connection;
}

void SqliteConnection::configure() {
    api::set_busy_timeout(db(), static_cast<int>(options_.busy_timeout.count()));
    api::exec(db(), options_.foreign_keys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    if (!options_.journal_mode.empty()) api::exec(db(), "PRAGMA journal_mode = " + options_.journal_mode);
    if (!options_.synchronous.empty()) api::exec(db(), "PRAGMA synchronous = " + options_.synchronous);
}

void SqliteConnection::refresh_state(int failed_code) noexcept {
    if (db_) in_transaction_ = api::in_transaction(db());
    if (failed_code != 0 && api::is_fatal(failed_code)) broken_ = true;
}

void SqliteConnection::run_prelude(std::span<const std::string> prelude) {
    for (const auto& sql : prelude) {
        auto statement = statements_.borrow(db(), sql);
        while (api::step(db(), statement->handle.get(), sql) == api::StepResult::row) {
        }
    }
}

asio::awaitable<driver::ExecuteOutcome> SqliteConnection::execute(const driver::ExecuteRequest& request) {
    co_return co_await run([&] {
        try {
            run_prelude(request.prelude);
            auto statement = statements_.borrow(db(), request.sql);

            driver::ExecuteOutcome outcome;
            sqlite3_stmt* handle = statement->handle.get();
            const bool read_only = api::is_read_only(handle);
            if (statement->columns->size() > 0) {
                outcome.rows = std::make_shared<RowSet>();
                outcome.rows->columns = statement->columns;
            }
            // sqlite3_changes() keeps the count of the last INSERT/UPDATE/
            // DELETE, and last_insert_rowid() the last INSERT's id, across
            // other statements: count only what this statement did.
            std::int64_t changed = 0;
            bool wrote_rows = false;
            const std::int64_t rowid_before = api::last_insert_rowid(db());
            static const std::vector<Value> no_parameters;
            auto parameter_sets = request.parameter_sets.empty()
                                      ? std::span<const std::vector<Value>>(&no_parameters, 1)
                                      : request.parameter_sets;
            for (const auto& parameters : parameter_sets) {
                api::bind(handle, parameters, request.sql);
                const std::int64_t total_before = api::total_changes(db());
                while (api::step(db(), handle, request.sql) == api::StepResult::row) {
                    if (outcome.rows) api::read_row(handle, statement->hints, outcome.rows->values);
                }
                if (!read_only && api::total_changes(db()) != total_before) {
                    changed += api::changes(db());
                    wrote_rows = true;
                }
                api::reset(handle);
            }
            if (!read_only) {
                outcome.rows_affected = changed;
                const std::int64_t rowid_after = api::last_insert_rowid(db());
                if (wrote_rows && rowid_after != rowid_before) outcome.last_insert_id = rowid_after;
            }
            refresh_state();
            return outcome;
        } catch (const Error& e) {
            refresh_state(static_cast<int>(e.native_code()));
            throw;
        }
    });
}

asio::awaitable<std::unique_ptr<driver::Cursor>> SqliteConnection::open_cursor(
    const driver::ExecuteRequest& request) {
    if (request.parameter_sets.size() > 1)
        throw ArgumentError("a stream runs one statement with one set of parameters");
    std::vector<Value> parameters;
    if (!request.parameter_sets.empty()) parameters = request.parameter_sets.front();
    co_return co_await run([&]() -> std::unique_ptr<driver::Cursor> {
        try {
            run_prelude(request.prelude);
            auto cursor = std::make_unique<SqliteCursor>(*this, statements_.take(db(), request.sql),
                                                         std::move(parameters));
            cursor->bind();
            refresh_state();
            return cursor;
        } catch (const Error& e) {
            refresh_state(static_cast<int>(e.native_code()));
            throw;
        }
    });
}

asio::awaitable<void> SqliteConnection::ping() {
    static const std::string probe = "SELECT 1";
    co_await execute(driver::ExecuteRequest{.sql = probe, .parameter_sets = {}});
}

asio::awaitable<void> SqliteConnection::close() noexcept {
    try {
        co_await run([this] {
            statements_.clear();
            db_.reset();
        });
    } catch (...) {
        // Closing is best effort; the handle is gone either way.
    }
    broken_ = true;
}

void SqliteConnection::cancel() noexcept {
    if (db_) api::interrupt(db());
}

driver::TransactionState SqliteConnection::transaction_state() const noexcept {
    return in_transaction_ ? driver::TransactionState::active : driver::TransactionState::idle;
}

bool SqliteConnection::usable() const noexcept { return db_ && !broken_; }

}  // namespace asyncsql::sqlite
