#pragma once
// The six workloads of shared/bench/WORKLOADS.md, written against asyncsql's
// public API only.

#include <cstddef>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include <asyncsql/engine/engine.hpp>

#include "options.hpp"
#include "report.hpp"

namespace bench {

struct Workload {
    std::string_view name;
    // The protocol's defaults when the runner passes none.
    std::size_t concurrency;
    std::size_t pool;
    std::size_t ops;
    // Warms up, times the workload's operations and returns the figures.
    boost::asio::awaitable<Report> (*run)(asyncsql::Engine& engine, const Options& options);
};

// nullptr for a name the protocol does not define.
const Workload* find_workload(std::string_view name);

}  // namespace bench
