#pragma once
// Where an engine counts what EngineMetrics reports. Runs on the engine's
// executor, as everything else in the engine does.

#include <map>
#include <string>
#include <tuple>

#include "asyncsql/engine/metrics.hpp"

namespace asyncsql::detail {

class MetricsRecorder {
public:
    void statement(std::chrono::steady_clock::duration elapsed) noexcept;
    void checkout(std::chrono::steady_clock::duration waited) noexcept;
    void error(const Error& error) noexcept;
    void committed() noexcept { ++counts_.transactions_committed; }
    void rolled_back() noexcept { ++counts_.transactions_rolled_back; }
    void outcome_unknown() noexcept { ++counts_.transactions_outcome_unknown; }
    void retried() noexcept { ++counts_.transactions_retried; }

    EngineMetrics snapshot(PoolStatus pool) const;

private:
    EngineMetrics counts_;
    std::map<std::tuple<std::string_view, ErrorKind, std::string>, std::uint64_t> errors_;
};

}  // namespace asyncsql::detail
