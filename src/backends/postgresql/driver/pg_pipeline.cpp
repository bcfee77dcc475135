// Automatic pipelining: statements that different callers run outside any
// transaction share this connection's round trips. The statements sent in
// one turn of the executor go out as one group, closed by one Sync (one
// write, one implicit transaction on the server); results come back in the
// order sent and are handed out when the group's Sync is read, that is once
// the group has committed. A statement that fails takes its group down with
// it: the others are sent again, and the failing one alone, in a group of
// its own, so that only an error it causes by itself reaches its caller.
//
// A call that finds nothing under way runs its statement alone, as execute()
// does (no hand-off, the prepared-statement cache filled as usual); calls
// arriving meanwhile queue in unsent_ and go out together when it ends,
// read by pump(). While pump() runs, a call sends its statement at once and
// sleeps until pump() hands it the result.
//
// Cancelling one statement: an unsent one is withdrawn; for a sent one, a
// server cancel request goes out once its group is the one the server is
// running (the server answers a group only at its Sync, so which of its
// statements is running is unknown). Whichever statement the request hits,
// the group rolls back and the others in it are sent again; a request that
// lands late, on a later group, ends a statement in 57014 that did nothing,
// and that one is sent again too.

#include <libpq-fe.h>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"
#include "backends/postgresql/driver/pg_connection.hpp"
#include "backends/postgresql/driver/pg_wire.hpp"
#include "backends/postgresql/driver/sqlstate.hpp"
#include "driver/statement_text.hpp"

namespace asyncsql::postgresql {

struct PipelinedRequest {
    explicit PipelinedRequest(const asio::any_io_executor& executor)
        : wake(executor, asio::steady_timer::time_point::max()) {}

    std::string_view sql;  // the caller's, which waits until `done`
    const std::vector<Value>* parameters = nullptr;
    const PreparedStatement* statement = nullptr;  // as sent; null: unnamed
    bool may_use_prepared = true;  // false once the prepared one turned out stale
    bool alone = false;            // sent in a group of its own
    bool ends_group = false;       // the Sync follows it
    bool cancel_wanted = false;
    bool cancel_sent = false;
    bool done = false;
    int resent = 0;
    driver::ExecuteOutcome outcome;
    std::optional<ErrorInfo> error;        // the server's, for this statement
    std::exception_ptr decode_failure;     // a value that could not be read
    std::exception_ptr failure;            // what the caller gets
    asio::steady_timer wake;  // cancelled when done
};

namespace {

// A statement that failed is sent again (see resend_after), but not forever.
constexpr int max_resends = 5;

std::exception_ptr cancelled_error(std::string_view sql) {
    return std::make_exception_ptr(
        OperationalError(ErrorInfo{.message = "postgresql: the statement was cancelled before it ran",
                                   .kind = ErrorKind::cancelled,
                                   .statement = std::string(sql)}));
}

std::exception_ptr database_error(ErrorInfo info) {
    try {
        throw_sqlstate_error(std::move(info));
    } catch (...) {
        return std::current_exception();
    }
}

}  // namespace

asio::awaitable<driver::ExecuteOutcome> PgConnection::execute_pipelined(const driver::ExecuteRequest& request,
                                                                        std::function<void()>& interrupt) {
    if (!request.prelude.empty() || request.parameter_sets.size() > 1 || request.control)
        throw InterfaceError("postgresql: only single statements outside transactions are pipelined",
                             ErrorKind::internal);
    driver::reject_nul_bytes(request.sql);
    if (broken_) throw_connection_error("the connection is closed");
    if (!pumping_ && !running_alone_) co_return co_await execute_alone(request, interrupt);

    static const std::vector<Value> no_parameters;
    auto pending = std::make_shared<PipelinedRequest>(executor_);
    pending->sql = request.sql;
    pending->parameters = request.parameter_sets.empty() ? &no_parameters : &request.parameter_sets.front();
    if (pumping_ && PQpipelineStatus(conn_) == PQ_PIPELINE_ON) {
        send_pipelined(pending);  // a value that cannot be sent fails here, nothing sent
        seal_group_soon();
    } else {
        unsent_.push_back(pending);
    }
    interrupt = [this, weak = std::weak_ptr<PipelinedRequest>(pending)] {
        if (auto request = weak.lock()) interrupt_pipelined(request);
    };
    while (!pending->done) {
        boost::system::error_code ec;
        co_await pending->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (pending->done) break;
        // The caller was cancelled: withdraw or cancel the statement, then
        // wait for its end as the server reports it.
        co_await asio::this_coro::reset_cancellation_state();
        interrupt_pipelined(pending);
    }
    interrupt = nullptr;
    if (pending->failure) std::rethrow_exception(pending->failure);
    co_return std::move(pending->outcome);
}

asio::awaitable<driver::ExecuteOutcome> PgConnection::execute_alone(const driver::ExecuteRequest& request,
                                                                    std::function<void()>& interrupt) {
    running_alone_ = true;
    interrupt = [this] { cancel(); };
    std::optional<driver::ExecuteOutcome> outcome;
    std::exception_ptr failure;
    try {
        outcome.emplace(co_await execute(request));
    } catch (...) {
        failure = std::current_exception();
    }
    interrupt = nullptr;
    running_alone_ = false;
    if (!unsent_.empty()) start_pump();
    if (failure) std::rethrow_exception(failure);
    co_return std::move(*outcome);
}

void PgConnection::start_pump() {
    pumping_ = true;
    asio::co_spawn(executor_, pump(), asio::detached);
}

asio::awaitable<void> PgConnection::pump() {
    const std::shared_ptr<bool> alive = alive_;
    try {
        if (broken_) throw_connection_error("the connection is closed");
        // A cancel request for the statement run alone before may still be
        // on its way: it must not land on the pipeline.
        co_await settle_cancel();
        if (!PQenterPipelineMode(conn_)) throw_connection_error("could not enter pipeline mode");
        for (;;) {
            while (!unsent_.empty()) {
                auto request = std::move(unsent_.front());
                unsent_.pop_front();
                try {
                    send_pipelined(request);
                } catch (...) {
                    request->failure = std::current_exception();
                    complete(*request);
                    if (!usable()) throw;
                }
            }
            seal_group();
            if (in_flight_.empty()) {
                // The callers just answered often send again at once: let
                // them, before leaving pipeline mode. (Destroyed meanwhile:
                // nothing of this connection may be touched.)
                co_await asio::post(executor_, asio::use_awaitable);
                if (!*alive) co_return;
                if (!in_flight_.empty() || !unsent_.empty()) continue;
                break;
            }
            co_await flush();
            co_await read_group();
        }
        if (!PQexitPipelineMode(conn_)) throw_connection_error("could not leave pipeline mode");
    } catch (...) {
        fail_pipeline(std::current_exception());
    }
    pumping_ = false;
    unsealed_ = 0;
    stray_cancels_ = 0;
    for (const auto& sql : std::exchange(stale_statements_, {})) evict(sql);
    if (idle_signal_) idle_signal_->cancel();
}

// Sends `request` behind the statements in flight, in the open group or,
// when it must be alone, in a group of its own.
void PgConnection::send_pipelined(const std::shared_ptr<PipelinedRequest>& request) {
    // A statement not prepared yet goes unnamed: preparing it would hold
    // back the statements behind it for a round trip.
    request->statement = request->may_use_prepared ? cached(request->sql) : nullptr;
    const WireParameters wire = wire_parameters(request->statement, *request->parameters, request->sql);
    if (request->alone) seal_group();
    send_statement(request->sql, request->statement, wire, false);
    request->ends_group = false;
    in_flight_.push_back(request);
    ++unsealed_;
    if (request->alone) seal_group();
}

// Ends the open group with a Sync (which libpq sends at once).
void PgConnection::seal_group() {
    if (unsealed_ == 0) return;
    unsealed_ = 0;
    in_flight_.back()->ends_group = true;
    if (!PQpipelineSync(conn_)) throw_connection_error("could not send");
}

// Once every caller woken in this turn has sent its statement: one group,
// one write.
void PgConnection::seal_group_soon() {
    if (seal_posted_) return;
    seal_posted_ = true;
    asio::post(executor_, [this, alive = alive_] {
        if (!*alive) return;
        seal_posted_ = false;
        try {
            seal_group();
        } catch (const Error&) {
            if (socket_) socket_->cancel();  // the pump's wait then finds the connection broken
        }
    });
}

// Reads the results of the group at the head of in_flight_, up to its Sync.
asio::awaitable<void> PgConnection::read_group() {
    for (const auto& request : in_flight_) {
        if (request->cancel_wanted) send_cancel_for(*request);
        if (request->ends_group) break;
    }
    std::size_t size = 0;
    for (;;) {
        const std::shared_ptr<PipelinedRequest> request = in_flight_[size];
        co_await read_results(*request);
        ++size;
        // The last one sent, its group still open: close it here.
        if (size == in_flight_.size()) seal_group();
        if (request->ends_group) break;
    }
    PgResult sync = co_await next_result();
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) throw_connection_error("pipeline out of step");
    settle_group(size);
}

asio::awaitable<void> PgConnection::read_results(PipelinedRequest& request) {
    // Every byte sent before waiting: the server cannot answer half a statement.
    co_await flush();
    for (;;) {
        PgResult result = co_await next_result();
        if (!result) co_return;
        switch (PQresultStatus(result.get())) {
        case PGRES_TUPLES_OK:
            absorb_rows(result.get(), request.statement, request.outcome, request.decode_failure);
            break;
        case PGRES_COMMAND_OK: count_rows_changed(request.outcome, result.get()); break;
        case PGRES_FATAL_ERROR:
            if (!request.error) request.error = error_of(result.get(), request.sql);
            break;
        default: break;  // PGRES_PIPELINE_ABORTED: an earlier statement of the group failed
        }
    }
}

// Answers the statements of a group whose Sync was read, or sends them
// again: a failed group was rolled back as a whole.
void PgConnection::settle_group(std::size_t size) {
    std::vector<std::shared_ptr<PipelinedRequest>> group(in_flight_.begin(),
                                                         in_flight_.begin() + static_cast<std::ptrdiff_t>(size));
    in_flight_.erase(in_flight_.begin(), in_flight_.begin() + static_cast<std::ptrdiff_t>(size));
    if (std::any_of(group.begin(), group.end(), [](const auto& r) { return r->cancel_sent; })) cancel_settled();
    const bool failed = std::any_of(group.begin(), group.end(), [](const auto& r) { return r->error.has_value(); });
    std::vector<std::shared_ptr<PipelinedRequest>> again;
    for (auto& request : group) {
        if (!failed) {
            request->failure = request->decode_failure;
        } else if (!request->error) {
            // Rolled back with its group, or never run: it did nothing.
            if (!request->cancel_wanted) {
                again.push_back(request);
                continue;
            }
            request->failure = cancelled_error(request->sql);
        } else if (resend_after(*request)) {
            request->alone = true;
            again.push_back(request);
            continue;
        } else {
            request->failure = database_error(std::move(*request->error));
        }
        complete(*request);
    }
    for (auto& request : again) {
        request->outcome = driver::ExecuteOutcome{};
        request->error.reset();
        request->decode_failure = nullptr;
        request->cancel_sent = false;
        send_pipelined(request);
    }
    seal_group();
}

// Whether a statement that failed is sent again rather than answered with
// its error: a statement that failed among others may have failed because
// of them (a deadlock between two groups) and runs alone before its error
// counts; a statement hit by a cancel request meant for another, or whose
// prepared statement the server lost, runs again.
bool PgConnection::resend_after(PipelinedRequest& request) {
    const ErrorInfo& error = *request.error;
    if (request.cancel_wanted) {
        if (error.sqlstate == "57014" && request.cancel_sent && stray_cancels_ > 0) --stray_cancels_;
        return false;
    }
    if (request.resent >= max_resends) return false;
    ++request.resent;
    if (error.sqlstate == "57014" && stray_cancels_ > 0) {
        --stray_cancels_;
        return true;
    }
    if (request.statement && (error.sqlstate == "26000" || error.sqlstate == "0A000")) {
        stale_statements_.emplace_back(request.sql);
        request.may_use_prepared = false;
        return true;
    }
    return !request.alone;
}

void PgConnection::interrupt_pipelined(const std::shared_ptr<PipelinedRequest>& request) noexcept {
    if (request->done || request->cancel_wanted) return;
    request->cancel_wanted = true;
    if (auto queued = std::find(unsent_.begin(), unsent_.end(), request); queued != unsent_.end()) {
        unsent_.erase(queued);
        request->failure = cancelled_error(request->sql);
        complete(*request);
        return;
    }
    // In a later group: read_group() sends the cancel request when it comes up.
    for (const auto& sent : in_flight_) {
        if (sent == request) {
            send_cancel_for(*request);
            return;
        }
        if (sent->ends_group) return;
    }
}

void PgConnection::send_cancel_for(PipelinedRequest& request) noexcept {
    if (request.cancel_sent) return;
    request.cancel_sent = true;
    ++stray_cancels_;
    cancel();
}

void PgConnection::complete(PipelinedRequest& request) noexcept {
    request.done = true;
    request.wake.cancel();
}

void PgConnection::fail_pipeline(const std::exception_ptr& failure) noexcept {
    for (auto* queue : {&in_flight_, &unsent_}) {
        for (auto& request : *queue) {
            request->failure = failure;
            complete(*request);
        }
        queue->clear();
    }
}

// Statements run alone wait for the pump to stop: it lingers one turn of the
// executor after its last answer, when the pool may already hand the
// connection to one caller.
asio::awaitable<void> PgConnection::pipeline_idle() {
    while (pumping_) {
        if (!idle_signal_) idle_signal_.emplace(executor_, asio::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await idle_signal_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        const auto cancellation = co_await asio::this_coro::cancellation_state;
        if (pumping_ && cancellation.cancelled() != asio::cancellation_type::none)
            throw OperationalError("postgresql: the statement was cancelled before it was sent",
                                   ErrorKind::cancelled);
    }
}

}  // namespace asyncsql::postgresql
