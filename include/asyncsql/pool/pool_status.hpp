#pragma once
// A snapshot of a pool: gauges, counters and who holds each checked-out
// connection, for dashboards and for diagnosing exhaustion.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace asyncsql {

struct CheckedOutConnection {
    std::uint64_t id = 0;
    std::string label;  // given at checkout; empty when none was given
    std::chrono::steady_clock::duration held_for{};
};

struct PoolStatus {
    std::string kind;  // "QueuePool", "NullPool", "StaticPool"
    std::size_t pool_size = 0;
    std::size_t max_overflow = 0;

    std::size_t connections = 0;  // open or opening
    std::size_t idle = 0;
    std::size_t checked_out = 0;
    std::size_t overflow = 0;     // connections beyond pool_size
    std::size_t resetting = 0;    // returned dirty, being rolled back
    std::size_t waiters = 0;

    std::uint64_t checkouts = 0;
    std::uint64_t connects = 0;
    std::uint64_t discards = 0;  // closed because broken, invalidated, recycled or surplus
    std::uint64_t timeouts = 0;
    std::uint64_t disconnects = 0;    // connections found broken while in use
    std::uint64_t pings = 0;          // pre-pings at checkout
    std::uint64_t ping_failures = 0;  // pre-pings that found a broken connection
    // Checkouts that joined a connection other Connections were already
    // pipelining on (the engine option `pipelining`).
    std::uint64_t shared_checkouts = 0;
    std::chrono::steady_clock::duration checkout_wait_total{};
    std::chrono::steady_clock::duration checkout_wait_max{};

    std::vector<CheckedOutConnection> holders;

    // One line of gauges, then one line per holder.
    std::string to_string() const;
};

}  // namespace asyncsql
