#include "engine/metrics_recorder.hpp"

namespace asyncsql::detail {

void MetricsRecorder::statement(std::chrono::steady_clock::duration elapsed) noexcept {
    ++counts_.statements;
    counts_.statement_latency.record(elapsed);
}

void MetricsRecorder::checkout(std::chrono::steady_clock::duration waited) noexcept {
    counts_.checkout_wait.record(waited);
}

void MetricsRecorder::error(const Error& error) noexcept {
    std::string code = error.sqlstate();
    if (code.empty() && error.native_code() != 0) code = std::to_string(error.native_code());
    try {
        ++errors_[{error_class_name(error), error.kind(), std::move(code)}];
    } catch (...) {
        // Out of memory while counting: the error itself still reaches its caller.
    }
}

EngineMetrics MetricsRecorder::snapshot(PoolStatus pool) const {
    EngineMetrics out = counts_;
    out.errors.reserve(errors_.size());
    for (const auto& [key, count] : errors_) {
        const auto& [error_class, kind, code] = key;
        out.errors.push_back({.error_class = error_class, .kind = kind, .code = code, .count = count});
    }
    out.pool = std::move(pool);
    return out;
}

}  // namespace asyncsql::detail
