#include "engine/connection_state.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "asyncsql/error.hpp"
#include "asyncsql/log.hpp"
#include "engine/cancellation.hpp"
#include "engine/shareable_statement.hpp"

namespace asyncsql::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Interrupts the running statement when its time is up. Shared with the
// timer's handler, which may run after the statement has finished.
struct Watchdog {
    explicit Watchdog(const asio::any_io_executor& ex, std::function<void()> interrupt)
        : timer(ex), interrupt(std::move(interrupt)) {}
    asio::steady_timer timer;
    std::function<void()> interrupt;  // valid until done
    bool fired = false;
    bool done = false;

    static std::shared_ptr<Watchdog> arm(const asio::any_io_executor& ex, std::function<void()> interrupt,
                                         std::chrono::milliseconds limit) {
        auto dog = std::make_shared<Watchdog>(ex, std::move(interrupt));
        dog->timer.expires_after(limit);
        dog->timer.async_wait([dog](boost::system::error_code ec) {
            if (ec || dog->done) return;
            dog->fired = true;
            dog->interrupt();
        });
        return dog;
    }
    void disarm() {
        done = true;
        timer.cancel();
    }
};

// Runs user code that must not disturb the statement around it.
template <class F>
void guarded(F&& f) noexcept {
    try {
        f();
    } catch (const std::exception& e) {
        log_line(std::string("[asyncsql] event listener failed: ") + e.what());
    } catch (...) {
        log_line("[asyncsql] event listener failed");
    }
}

template <class Listener, class Event>
void notify(const std::vector<Listener>& listeners, const Event& event) {
    for (const auto& listener : listeners) guarded([&] { listener(event); });
}

std::unique_ptr<StatementSpan> open_span(const std::function<std::unique_ptr<StatementSpan>(const StatementEvent&)>& tracer,
                                         const StatementEvent& event) noexcept {
    std::unique_ptr<StatementSpan> span;
    guarded([&] { span = tracer(event); });
    return span;
}

std::string milliseconds(Clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", std::chrono::duration<double, std::milli>(d).count());
    return buf;
}

}  // namespace

ConnectionState::ConnectionState(std::shared_ptr<EngineState> e, pool::PooledConnection l, bool shared,
                                 std::string name)
    : engine(std::move(e)), lease(std::move(l)), sharing(shared), label(std::move(name)) {}

ConnectionState::~ConnectionState() { release(); }

void ConnectionState::release() noexcept {
    if (!closed && !frames.empty()) engine->metrics.rolled_back();  // the pool rolls it back
    closed = true;
    if (open_stream) open_stream->finish();
    lease.release();
}

void ConnectionState::check_ready() const {
    if (closed)
        throw ResourceClosedError("this connection is closed; check out a new one from the engine",
                                  ErrorKind::resource_closed);
    if (open_stream)
        throw InterfaceError("a StreamResult is still reading on this connection; read it to the end "
                             "or close() it before running another statement",
                             ErrorKind::invalid_state);
}

asio::awaitable<driver::Connection*> ConnectionState::bound() {
    check_ready();
    if (sharing) {
        // Others may be pipelining on it: this Connection then moves to a
        // connection of its own (its statements so far left nothing on the
        // session: see shareable_statement()).
        sharing = false;
        if (!lease.take_whole()) lease.release();
    }
    if (!lease) {
        lease = co_await engine->checkout(label, false);
        // Closed while it waited: give the connection straight back.
        if (closed) lease.release();
        check_ready();
    }
    co_return &*lease;
}

std::string ConnectionState::isolation_level() const {
    return options.isolation_level ? *options.isolation_level : engine->options.isolation_level;
}

std::uint64_t ConnectionState::begin_transaction() {
    if (!frames.empty())
        throw InterfaceError("a transaction is already open on this connection; use begin_nested() for a "
                             "savepoint, or end it with commit()/rollback() first",
                             ErrorKind::invalid_state);
    dialect::TransactionMode mode{.level = isolation_level(), .read_only = options.read_only,
                                  .deferrable = options.deferrable};
    if (mode.level == "AUTOCOMMIT") mode.level.clear();
    auto statements = engine->dialect->begin(mode);
    Frame frame{.serial = next_serial++, .savepoint = {}, .sent = false, .pending_from = pending.size()};
    pending.insert(pending.end(), statements.begin(), statements.end());
    frames.push_back(std::move(frame));
    return frames.back().serial;
}

std::uint64_t ConnectionState::begin_savepoint() {
    if (frames.empty()) begin_transaction();
    Frame frame{.serial = next_serial++,
                .savepoint = "asyncsql_sp_" + std::to_string(frames.size()),
                .sent = false,
                .pending_from = pending.size()};
    pending.push_back(engine->dialect->savepoint(frame.savepoint));
    frames.push_back(std::move(frame));
    return frames.back().serial;
}

std::ptrdiff_t ConnectionState::frame_index(std::uint64_t serial) const noexcept {
    for (std::size_t i = 0; i < frames.size(); ++i)
        if (frames[i].serial == serial) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

// Unsent frames sit at the end of the stack and their opening statements at
// the end of `pending`: forgetting them costs no round trip.
void ConnectionState::drop_unsent_from(std::size_t index) noexcept {
    for (std::size_t k = index; k < frames.size(); ++k) {
        if (!frames[k].sent) {
            pending.resize(frames[k].pending_from);
            frames.resize(k);
            return;
        }
    }
}

asio::awaitable<void> ConnectionState::end_frame(std::uint64_t serial, bool commit) {
    check_ready();
    // Asio would refuse the statement's co_await below after the stack is
    // changed; refuse before it is.
    const auto cancellation = co_await asio::this_coro::cancellation_state;
    if (cancellation.cancelled() != asio::cancellation_type::none)
        throw OperationalError("the operation was cancelled", ErrorKind::cancelled);
    const std::ptrdiff_t found = frame_index(serial);
    if (found < 0)
        throw InterfaceError("this transaction is no longer active (it was committed, rolled back, or "
                             "ended with an enclosing one)",
                             ErrorKind::invalid_state);
    const auto i = static_cast<std::size_t>(found);
    if (!frames[i].sent) {
        drop_unsent_from(i);
        if (i == 0) count_transaction_end(commit);
        co_return;
    }
    drop_unsent_from(i + 1);
    const auto& d = *engine->dialect;
    std::string sql;
    if (i == 0) {
        sql = commit ? d.commit() : d.rollback();
    } else if (commit) {
        sql = d.release_savepoint(frames[i].savepoint);
    } else {
        pending.push_back(d.rollback_to_savepoint(frames[i].savepoint));
        sql = d.release_savepoint(frames[i].savepoint);
    }
    if (i == 0 && commit) {
        co_await commit_transaction(sql);
    } else {
        co_await execute(sql, {}, false, true);
    }
    if (i == 0) count_transaction_end(commit);
    frames.resize(std::min(frames.size(), i));
}

// A COMMIT whose connection fails before the answer may or may not have
// committed: say so with its own error, which retry policies never retry.
asio::awaitable<void> ConnectionState::commit_transaction(const std::string& sql) {
    std::exception_ptr failure;
    committing = true;
    try {
        co_await execute(sql, {}, false, true);
    } catch (...) {
        failure = std::current_exception();
    }
    committing = false;
    if (!failure) co_return;
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::connection_lost) throw;
    }
    engine->metrics.outcome_unknown();
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        ErrorInfo info = e.info();
        info.kind = ErrorKind::commit_outcome_unknown;
        info.message = "the connection failed during COMMIT, so whether the transaction was committed is "
                       "unknown: " + e.message();
        throw CommitOutcomeUnknownError(std::move(info));
    }
}

void ConnectionState::abandon_frame(std::uint64_t serial) noexcept {
    if (closed) return;
    const std::ptrdiff_t found = frame_index(serial);
    if (found < 0) return;
    const auto i = static_cast<std::size_t>(found);
    if (!frames[i].sent) {
        drop_unsent_from(i);
        if (i == 0) count_transaction_end(false);
        return;
    }
    drop_unsent_from(i + 1);
    const auto& d = *engine->dialect;
    if (i == 0) {
        count_transaction_end(false);
        pending.push_back(d.rollback());
    } else {
        pending.push_back(d.rollback_to_savepoint(frames[i].savepoint));
        pending.push_back(d.release_savepoint(frames[i].savepoint));
    }
    frames.resize(i);
}

void ConnectionState::on_sent() noexcept {
    pending.clear();
    for (auto& frame : frames) frame.sent = true;
}

void ConnectionState::count_transaction_end(bool committed) noexcept {
    if (committed)
        engine->metrics.committed();
    else
        engine->metrics.rolled_back();
}

// After a failed call, believe the driver about the transaction.
void ConnectionState::after_failure(bool disconnected) noexcept {
    pending.clear();
    driver::Connection& d = *lease;
    if (disconnected) lease.report_disconnect();
    if (sharing) {  // no transaction of this Connection's was open on it
        if (!d.usable()) lease.invalidate();
        return;
    }
    bool transaction_gone = true;
    if (!d.usable() || d.transaction_state() == driver::TransactionState::unknown) {
        lease.invalidate();
    } else if (d.transaction_state() != driver::TransactionState::idle) {
        transaction_gone = false;
        for (auto& frame : frames) frame.sent = true;
    }
    if (!transaction_gone) return;
    // A COMMIT that failed this way is counted by commit_transaction.
    if (!frames.empty() && !committing) count_transaction_end(false);
    frames.clear();
}

// "[asyncsql #3] SELECT ... [2 values]", values shown only with echo_parameters.
std::string ConnectionState::echo_line(std::string_view sql, std::span<const std::vector<Value>> sets) const {
    std::string line = "[asyncsql #" + std::to_string(lease.id()) + "] " + std::string(sql);
    std::size_t values = 0;
    for (const auto& set : sets) values += set.size();
    if (values == 0) return line;
    if (!engine->options.echo_parameters)
        return line + " [" + std::to_string(values) + " values hidden; echo_parameters=true shows them]";
    constexpr std::size_t shown_sets = 10;
    line += " [";
    for (std::size_t i = 0; i < sets.size() && i < shown_sets; ++i) {
        line += i ? ", (" : "(";
        for (std::size_t j = 0; j < sets[i].size(); ++j) {
            if (j) line += ", ";
            const Value& v = sets[i][j];
            line += v.kind() == ValueKind::text ? "'" + v.to_string() + "'" : v.to_string();
        }
        line += ")";
    }
    if (sets.size() > shown_sets) line += ", ... " + std::to_string(sets.size() - shown_sets) + " more";
    return line + "]";
}

template <class Op>
auto ConnectionState::observed(std::string_view sql, std::span<const std::vector<Value>> sets, Op op,
                               const std::function<void()>* interrupt) -> decltype(op()) {
    using T = typename decltype(op())::value_type;
    const StatementEvent event{
        .connection_id = lease.id(), .sql = sql, .parameter_sets = std::max<std::size_t>(sets.size(), 1)};
    const bool announce = !sql.empty();
    EngineState& e = *engine;
    if (announce) {
        notify(e.events.before_execute, event);
        if (e.options.echo) e.echo(echo_line(sql, sets));
    }
    std::unique_ptr<StatementSpan> span;
    if (announce && e.events.tracer) span = open_span(e.events.tracer, event);
    const auto started = Clock::now();
    const auto limit = options.timeout ? options.timeout : e.options.statement_timeout;
    std::shared_ptr<Watchdog> watchdog;
    if (limit) {
        std::function<void()> stop = [interrupt, connection = &*lease] {
            if (interrupt) {
                if (*interrupt) (*interrupt)();
            } else {
                connection->cancel();
            }
        };
        watchdog = Watchdog::arm(co_await asio::this_coro::executor, std::move(stop), *limit);
    }

    std::optional<T> result;
    std::exception_ptr failure;
    try {
        result.emplace(co_await op());
    } catch (...) {
        failure = as_library_error(std::current_exception());
    }
    if (watchdog) watchdog->disarm();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const Error& error) {
            after_failure(error.is_disconnect());
            if (watchdog && watchdog->fired && error.kind() == ErrorKind::cancelled) {
                ErrorInfo info = error.info();
                info.kind = ErrorKind::statement_timeout;
                info.message = "the statement ran longer than its timeout of " +
                               std::to_string(limit->count()) + " ms and was interrupted";
                failure = std::make_exception_ptr(TimeoutError(std::move(info)));
            }
        } catch (...) {
            after_failure(false);
        }
        try {
            std::rethrow_exception(failure);
        } catch (const Error& error) {
            e.metrics.error(error);
            const ErrorEvent error_event{.statement = event, .error = error};
            if (span) guarded([&] { span->failed(error_event); });
            notify(e.events.handle_error, error_event);
            if (e.options.echo)
                e.echo("[asyncsql #" + std::to_string(event.connection_id) + "] failed: " + error.message());
        } catch (...) {
        }
        std::rethrow_exception(failure);
    }
    if (!announce) co_return std::move(*result);
    const auto elapsed = Clock::now() - started;
    e.metrics.statement(elapsed);
    if (span || e.options.echo || !e.events.after_execute.empty()) {
        StatementDoneEvent done{.statement = event, .elapsed = elapsed};
        if constexpr (std::is_same_v<T, driver::ExecuteOutcome>) {
            done.rowcount = result->rows_affected;
            done.rows = result->rows ? result->rows->row_count() : 0;
        }
        if (span) guarded([&] { span->succeeded(done); });
        notify(e.events.after_execute, done);
        if (e.options.echo)
            e.echo("[asyncsql #" + std::to_string(event.connection_id) + "] done in " +
                   milliseconds(done.elapsed) + ", " + std::to_string(done.rows) + " rows, rowcount " +
                   std::to_string(done.rowcount));
    }
    co_return std::move(*result);
}

bool ConnectionState::may_share(std::string_view sql, std::span<const std::vector<Value>> sets,
                                bool control) const {
    return sharing && !control && frames.empty() && pending.empty() && sets.size() <= 1 && autocommit() &&
           shareable_statement(sql);
}

// One statement in the pipeline of the connection this Connection shares.
asio::awaitable<driver::ExecuteOutcome> ConnectionState::execute_shared(std::string_view sql,
                                                                        std::span<const std::vector<Value>> sets) {
    driver::Connection& d = *lease;
    std::function<void()> interrupt;
    const driver::ExecuteRequest request{.sql = sql, .parameter_sets = sets};
    co_return co_await observed(sql, sets, [&] { return d.execute_pipelined(request, interrupt); }, &interrupt);
}

asio::awaitable<driver::ExecuteOutcome> ConnectionState::execute(std::string_view sql,
                                                                 std::span<const std::vector<Value>> sets,
                                                                 bool autobegin, bool control) {
    check_ready();
    if (may_share(sql, sets, control)) co_return co_await execute_shared(sql, sets);
    driver::Connection* connection = co_await bound();
    driver::Connection& d = *connection;
    if (autobegin && frames.empty() && !autocommit()) begin_transaction();
    const driver::ExecuteRequest request{.prelude = pending, .sql = sql, .parameter_sets = sets, .control = control};
    auto outcome = co_await observed(sql, sets, [&] { return d.execute(request); });
    on_sent();
    co_return outcome;
}

asio::awaitable<std::vector<driver::ExecuteOutcome>> ConnectionState::execute_batch(
    std::span<const driver::BatchItem> items) {
    driver::Connection* connection = co_await bound();
    driver::Connection& d = *connection;
    if (frames.empty() && !autocommit()) begin_transaction();
    // Events and echo see the batch as one statement: its texts, one per line.
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ";\n") + std::string(item.sql);
    auto outcomes = co_await observed(text, {}, [&] { return d.execute_batch(pending, items); });
    on_sent();
    co_return outcomes;
}

asio::awaitable<std::int64_t> ConnectionState::copy_in(std::string_view copy_sql,
                                                       std::span<const std::vector<Value>> rows) {
    driver::Connection* connection = co_await bound();
    driver::Connection& d = *connection;
    if (frames.empty() && !autocommit()) begin_transaction();
    const auto loaded = co_await observed(copy_sql, {}, [&] { return d.copy_in(pending, copy_sql, rows); });
    on_sent();
    co_return loaded;
}

asio::awaitable<std::int64_t> ConnectionState::copy_out(std::string_view copy_sql,
                                                        const std::function<void(std::string_view)>& sink) {
    driver::Connection* connection = co_await bound();
    driver::Connection& d = *connection;
    if (frames.empty() && !autocommit()) begin_transaction();
    const auto copied = co_await observed(copy_sql, {}, [&] { return d.copy_out(pending, copy_sql, sink); });
    on_sent();
    co_return copied;
}

asio::awaitable<std::unique_ptr<driver::Cursor>> ConnectionState::open_cursor(
    std::string_view sql, std::span<const std::vector<Value>> sets) {
    driver::Connection* connection = co_await bound();
    driver::Connection& d = *connection;
    if (frames.empty() && !autocommit()) begin_transaction();
    const driver::ExecuteRequest request{.prelude = pending, .sql = sql, .parameter_sets = sets};
    auto cursor = co_await observed(sql, sets, [&] { return d.open_cursor(request); });
    on_sent();
    co_return cursor;
}

asio::awaitable<std::shared_ptr<RowSet>> ConnectionState::fetch(driver::Cursor& cursor, std::string_view,
                                                                std::size_t max_rows) {
    if (closed || !lease)
        throw ResourceClosedError("the connection of this stream is closed", ErrorKind::resource_closed);
    co_return co_await observed({}, {}, [&] { return cursor.fetch(max_rows); });
}

void StreamState::finish() noexcept {
    cursor.reset();
    if (connection && connection->open_stream == this) connection->open_stream = nullptr;
}

}  // namespace asyncsql::detail
