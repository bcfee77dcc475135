#pragma once
// Retrying a whole transaction when the database resolved a conflict by
// failing it: deadlock (PostgreSQL 40P01, MySQL 1213), serialization failure
// (40001) and lock wait timeout (MySQL 1205, SQLite busy). The whole callable
// runs again on a fresh checkout, after an exponential back-off with jitter.
// A COMMIT whose outcome is unknown (CommitOutcomeUnknownError) and any
// other error are never retried; the final error says how many attempts
// were made.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

namespace asyncsql {

class Error;

struct RetryPolicy {
    std::size_t max_attempts = 5;
    std::chrono::milliseconds initial_backoff{10};
    double multiplier = 2.0;
    std::chrono::milliseconds max_backoff{1000};
    // Each pause is drawn from [pause * (1 - jitter), pause * (1 + jitter)].
    double jitter = 0.5;
    // No new attempt starts once this much time has passed since the first.
    std::optional<std::chrono::milliseconds> deadline;
    // Replaces the default test (deadlock, serialization failure, lock timeout).
    std::function<bool(const Error&)> retry_on;
};

namespace detail {

// The bookkeeping of one retried transaction; compiled, so that the
// template in Engine::transaction stays small.
class Retrier {
public:
    explicit Retrier(RetryPolicy policy);
    bool retryable(const Error& error) const;
    // True when another attempt may start (attempts left, deadline not passed).
    bool may_retry() const;
    // Throws `error` again, its message saying how many attempts were made.
    [[noreturn]] void give_up(const Error& error) const;
    boost::asio::awaitable<void> back_off();
    std::size_t attempts() const noexcept { return attempts_; }

private:
    RetryPolicy policy_;
    std::size_t attempts_ = 1;
    std::chrono::milliseconds next_pause_;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace detail
}  // namespace asyncsql
