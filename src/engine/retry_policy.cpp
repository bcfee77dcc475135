#include "asyncsql/engine/retry_policy.hpp"
#include "engine/cancellation.hpp"

#include <algorithm>
#include <random>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"

namespace asyncsql::detail {

Retrier::Retrier(RetryPolicy policy)
    : policy_(std::move(policy)),
      next_pause_(policy_.initial_backoff),
      started_(std::chrono::steady_clock::now()) {}

bool Retrier::retryable(const Error& error) const {
    if (error.kind() == ErrorKind::commit_outcome_unknown) return false;
    if (policy_.retry_on) return policy_.retry_on(error);
    switch (error.kind()) {
    case ErrorKind::deadlock:
    case ErrorKind::serialization_failure:
    case ErrorKind::lock_timeout: return true;
    default: return false;
    }
}

bool Retrier::may_retry() const {
    if (attempts_ >= policy_.max_attempts) return false;
    if (policy_.deadline && std::chrono::steady_clock::now() + next_pause_ - started_ > *policy_.deadline)
        return false;
    return true;
}

void Retrier::give_up(const Error& error) const {
    ErrorInfo info = error.info();
    info.message += " (gave up after " + std::to_string(attempts_) + " attempt" + (attempts_ == 1 ? "" : "s") + ")";
    throw_database_error(std::move(info));
}

boost::asio::awaitable<void> Retrier::back_off() {
    thread_local std::minstd_rand random{std::random_device{}()};
    const double spread = std::clamp(policy_.jitter, 0.0, 1.0);
    std::uniform_real_distribution<double> factor(1.0 - spread, 1.0 + spread);
    const auto pause = std::chrono::milliseconds(
        static_cast<std::chrono::milliseconds::rep>(static_cast<double>(next_pause_.count()) * factor(random)));
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, pause);
    std::exception_ptr cancelled;
    try {
        co_await timer.async_wait(boost::asio::use_awaitable);
    } catch (...) {
        cancelled = as_library_error(std::current_exception());
    }
    if (cancelled) std::rethrow_exception(cancelled);
    next_pause_ = std::min(policy_.max_backoff,
                           std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
                               static_cast<double>(next_pause_.count()) * policy_.multiplier)));
    ++attempts_;
}

}  // namespace asyncsql::detail
