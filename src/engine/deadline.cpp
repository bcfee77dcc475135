#include "asyncsql/engine/deadline.hpp"

#include <cstdio>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include "asyncsql/error.hpp"

namespace asyncsql::detail {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// Why the operation stopped, once the deadline has cancelled it: its own
// error when that says more than "cancelled".
std::exception_ptr deadline_failure(std::exception_ptr failure, Clock::duration budget) {
    std::string cause;
    try {
        std::rethrow_exception(failure);
    } catch (const Error& error) {
        if (error.kind() != ErrorKind::cancelled) return failure;
        cause = error.message();
    } catch (const boost::system::system_error& error) {
        if (error.code() != asio::error::operation_aborted) return failure;
        cause = error.what();
    } catch (...) {
        return failure;
    }
    std::string message = "the operation did not finish before its deadline";
    if (budget > Clock::duration::zero()) {
        char limit[48];
        std::snprintf(limit, sizeof limit, " (%.3f s)", std::chrono::duration<double>(budget).count());
        message += limit;
    }
    message += " and was cancelled: " + cause;
    return std::make_exception_ptr(
        TimeoutError(ErrorInfo{.message = std::move(message), .kind = ErrorKind::deadline_exceeded}));
}

}  // namespace

asio::awaitable<void> run_until(Clock::time_point deadline, Clock::duration budget,
                                std::function<asio::awaitable<void>()> body) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, deadline);
    // Whichever ends first cancels the other; the group returns when both have.
    auto [order, failure, timer_error] =
        co_await asio::experimental::make_parallel_group(asio::co_spawn(executor, body(), asio::deferred),
                                                         timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)timer_error;
    if (!failure) co_return;  // finished, even if only just before the timer
    if (order[0] == 1) std::rethrow_exception(deadline_failure(failure, budget));
    std::rethrow_exception(failure);
}

}  // namespace asyncsql::detail
