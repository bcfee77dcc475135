#pragma once
// Engine metrics: what a service exports to its dashboards without writing
// the counting itself (errors by class and code, statements, transaction
// outcomes, pool gauges, latency histograms). Engine::metrics() takes a
// snapshot; to_prometheus() renders one in Prometheus' text format.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsql/error.hpp"
#include "asyncsql/pool/pool_status.hpp"

namespace asyncsql {

// Durations counted in fixed buckets, as a Prometheus histogram.
struct LatencyHistogram {
    // Upper bounds in seconds of every bucket but the last, which is +Inf.
    static constexpr std::array<double, 16> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                   0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                   1.0,    2.5,     5.0,    10.0};
    std::array<std::uint64_t, bounds.size() + 1> buckets{};  // per bucket, not cumulative
    std::uint64_t count = 0;
    std::chrono::nanoseconds sum{};

    void record(std::chrono::steady_clock::duration elapsed) noexcept;
};

// How often one kind of error was raised.
struct ErrorCount {
    std::string_view error_class;  // "OperationalError", "IntegrityError", ...
    ErrorKind kind = ErrorKind::other;
    std::string code;  // the SQLSTATE, else the backend's error number, else ""
    std::uint64_t count = 0;
};

struct EngineMetrics {
    // Statements sent (an execute_many, batch, stream or COPY counts once).
    std::uint64_t statements = 0;
    std::uint64_t transactions_committed = 0;
    // Ended by rollback(), by a failure, or by giving the connection back
    // with the transaction open.
    std::uint64_t transactions_rolled_back = 0;
    // COMMITs whose connection failed before the answer (CommitOutcomeUnknownError).
    std::uint64_t transactions_outcome_unknown = 0;
    // Attempts rerun by a RetryPolicy.
    std::uint64_t transactions_retried = 0;
    // Errors from statements, connects and pool checkouts, by class, kind
    // and code; sorted.
    std::vector<ErrorCount> errors;
    LatencyHistogram statement_latency;
    LatencyHistogram checkout_wait;
    PoolStatus pool;

    std::uint64_t error_total() const noexcept;
};

// The Prometheus text exposition (version 0.0.4) of `metrics`, every name
// prefixed "asyncsql_"; `engine`, when given, becomes an engine="..." label
// on every sample so several engines can share one scrape.
std::string to_prometheus(const EngineMetrics& metrics, std::string_view engine = {});

}  // namespace asyncsql
