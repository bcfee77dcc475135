// Automatic pipelining: statements that different callers run outside any
// transaction share this connection's round trips. Each goes out with a Sync
// of its own, so it runs in its own implicit transaction and its failure
// touches no other; results come back in the order sent and belong to the
// request at the head of in_flight_.
//
// A call that finds nothing under way runs its statement alone, as execute()
// does (no hand-off, the prepared-statement cache filled as usual); calls
// arriving meanwhile queue in unsent_ and go out together when it ends,
// read by pump(). While pump() runs, a call sends its statement at once and
// sleeps until pump() hands it the result.
//
// Cancelling one statement: an unsent one is withdrawn; a sent one gets a
// server cancel request once it is at the head (the statement the server is
// running). That request may land late, on the statement behind it; such a
// statement ends in 57014 without having run, so it is sent again.

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
    bool cancel_wanted = false;
    bool cancel_sent = false;
    bool done = false;
    int resent = 0;
    driver::ExecuteOutcome outcome;
    std::exception_ptr failure;
    asio::steady_timer wake;  // cancelled when done
};

namespace {

// A victim of a late cancel request is sent again, but not forever.
constexpr int max_resends = 3;

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
    if (pumping_) {
        send_pipelined(*pending);  // a value that cannot be sent fails here, nothing sent
        in_flight_.push_back(pending);
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
        if (!PQenterPipelineMode(conn_)) throw_connection_error("could not enter pipeline mode");
        for (;;) {
            while (!unsent_.empty()) {
                auto request = std::move(unsent_.front());
                unsent_.pop_front();
                try {
                    send_pipelined(*request);
                } catch (...) {
                    request->failure = std::current_exception();
                    complete(*request);
                    if (!usable()) throw;
                    continue;
                }
                in_flight_.push_back(std::move(request));
            }
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
            co_await read_pipelined(in_flight_.front());
        }
        if (!PQexitPipelineMode(conn_)) throw_connection_error("could not leave pipeline mode");
    } catch (...) {
        fail_pipeline(std::current_exception());
    }
    pumping_ = false;
    stray_cancels_ = 0;
    for (const auto& sql : std::exchange(stale_statements_, {})) evict(sql);
    if (idle_signal_) idle_signal_->cancel();
}

void PgConnection::send_pipelined(PipelinedRequest& request) {
    // A statement not prepared yet goes unnamed: preparing it would hold
    // back the statements behind it for a round trip.
    request.statement = request.may_use_prepared ? cached(request.sql) : nullptr;
    const WireParameters wire = wire_parameters(request.statement, *request.parameters, request.sql);
    send_statement(request.sql, request.statement, wire, false);
    if (!PQpipelineSync(conn_) || PQflush(conn_) < 0) throw_connection_error("could not send", request.sql);
}

// Reads the head request's results up to its Sync, then answers it (or
// sends it again: the victim of a late cancel, or a stale prepared statement).
asio::awaitable<void> PgConnection::read_pipelined(std::shared_ptr<PipelinedRequest> request) {
    if (request->cancel_wanted && !request->cancel_sent) {
        request->cancel_sent = true;
        ++stray_cancels_;
        cancel();
    }
    std::optional<ErrorInfo> failure;
    std::exception_ptr decode_failure;
    for (;;) {
        PgResult result = co_await next_result();
        if (!result) break;
        switch (PQresultStatus(result.get())) {
        case PGRES_TUPLES_OK:
            if (!decode_failure) {
                try {
                    request->outcome.rows =
                        take_rows(result.get(), request->statement, 0, std::move(request->outcome.rows));
                } catch (const Error&) {
                    decode_failure = std::current_exception();
                }
            }
            count_rows_changed(request->outcome, result.get());
            break;
        case PGRES_COMMAND_OK: count_rows_changed(request->outcome, result.get()); break;
        case PGRES_FATAL_ERROR:
            if (!failure) failure = error_of(result.get(), request->sql);
            break;
        default: break;
        }
    }
    PgResult sync = co_await next_result();
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)
        throw_connection_error("pipeline out of step", request->sql);
    in_flight_.pop_front();
    if (request->cancel_sent) cancel_settled();

    bool send_again = false;
    if (failure && failure->sqlstate == "57014") {
        if (request->cancel_sent) {
            if (stray_cancels_ > 0) --stray_cancels_;  // it hit its target
        } else if (!request->cancel_wanted && stray_cancels_ > 0 && request->resent < max_resends) {
            --stray_cancels_;  // meant for a statement before this one
            send_again = true;
        }
    } else if (failure && request->statement && !request->cancel_wanted &&
               (failure->sqlstate == "26000" || failure->sqlstate == "0A000")) {
        // The server lost the prepared statement or its result type changed:
        // unnamed this time, and out of the cache once the pipeline is idle.
        stale_statements_.emplace_back(request->sql);
        request->may_use_prepared = false;
        send_again = true;
    }
    if (send_again) {
        ++request->resent;
        request->outcome = driver::ExecuteOutcome{};
        in_flight_.push_back(request);
        send_pipelined(*request);  // (on failure, fail_pipeline() answers it)
        co_return;
    }
    if (failure)
        request->failure = database_error(std::move(*failure));
    else if (decode_failure)
        request->failure = decode_failure;
    complete(*request);
}

void PgConnection::interrupt_pipelined(const std::shared_ptr<PipelinedRequest>& request) noexcept {
    if (request->done || request->cancel_wanted) return;
    request->cancel_wanted = true;
    if (auto queued = std::find(unsent_.begin(), unsent_.end(), request); queued != unsent_.end()) {
        unsent_.erase(queued);
        request->failure = std::make_exception_ptr(OperationalError(
            ErrorInfo{.message = "postgresql: the statement was cancelled before it was sent",
                      .kind = ErrorKind::cancelled,
                      .statement = std::string(request->sql)}));
        complete(*request);
        return;
    }
    // Not at the head yet: read_pipelined() sends the cancel request when it is.
    if (in_flight_.empty() || in_flight_.front() != request) return;
    request->cancel_sent = true;
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
