#pragma once
// Engine events, as SQLAlchemy's event API: listeners are plain callbacks run
// on the engine's executor, in the order they were added. A listener that
// throws is logged and otherwise ignored. Add listeners before first use.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace asyncsql {

class Error;

struct StatementEvent {
    std::uint64_t connection_id = 0;
    std::string_view sql;
    std::size_t parameter_sets = 0;
};

struct StatementDoneEvent {
    StatementEvent statement;
    std::chrono::steady_clock::duration elapsed{};
    std::int64_t rowcount = -1;  // rows changed, -1 when unknown
    std::size_t rows = 0;        // rows returned (buffered results)
};

struct ErrorEvent {
    StatementEvent statement;
    const Error& error;
};

// A tracing span around one statement (an OpenTelemetry span, say): made by
// Events::tracer just before the statement is sent, then told exactly once
// how it ended, on the engine's executor. What it throws is logged and
// otherwise ignored.
class StatementSpan {
public:
    virtual ~StatementSpan() = default;
    virtual void succeeded(const StatementDoneEvent& done) = 0;
    virtual void failed(const ErrorEvent& failure) = 0;
};

struct Events {
    std::vector<std::function<void(std::uint64_t connection_id)>> connect;
    std::vector<std::function<void(std::uint64_t connection_id)>> checkout;
    std::vector<std::function<void(std::uint64_t connection_id)>> checkin;
    std::vector<std::function<void(const StatementEvent&)>> before_execute;
    std::vector<std::function<void(const StatementDoneEvent&)>> after_execute;
    std::vector<std::function<void(const ErrorEvent&)>> handle_error;
    // Opens a span per statement; may return null to skip one.
    std::function<std::unique_ptr<StatementSpan>(const StatementEvent&)> tracer;
};

}  // namespace asyncsql
