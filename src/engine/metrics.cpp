#include "asyncsql/engine/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace asyncsql {

void LatencyHistogram::record(std::chrono::steady_clock::duration elapsed) noexcept {
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
    ++buckets[static_cast<std::size_t>(bucket)];
    ++count;
    sum += std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed);
}

std::uint64_t EngineMetrics::error_total() const noexcept {
    std::uint64_t total = 0;
    for (const auto& e : errors) total += e.count;
    return total;
}

namespace {

// Label values may hold any text; the format escapes \, " and newlines.
std::string escaped(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string number(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", value);
    return buf;
}

class Exposition {
public:
    explicit Exposition(std::string_view engine)
        : engine_label_(engine.empty() ? std::string() : "engine=\"" + escaped(engine) + "\"") {}

    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP asyncsql_" + std::string(name) + " " + std::string(help) + "\n";
        out_ += "# TYPE asyncsql_" + std::string(name) + " " + std::string(type) + "\n";
    }

    // `labels`: `key="value"` pairs joined by commas, without the engine's.
    void sample(std::string_view name, std::string_view labels, std::string_view value) {
        std::string all = engine_label_;
        if (!labels.empty()) all += (all.empty() ? "" : ",") + std::string(labels);
        out_ += "asyncsql_" + std::string(name) + (all.empty() ? "" : "{" + all + "}") + " " + std::string(value) +
                "\n";
    }

    void scalar(std::string_view name, std::string_view type, std::string_view help, std::uint64_t value) {
        family(name, type, help);
        sample(name, {}, std::to_string(value));
    }

    void histogram(std::string_view name, std::string_view help, const LatencyHistogram& h) {
        family(name, "histogram", help);
        const std::string bucket = std::string(name) + "_bucket";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < LatencyHistogram::bounds.size(); ++i) {
            cumulative += h.buckets[i];
            sample(bucket, "le=\"" + number(LatencyHistogram::bounds[i]) + "\"", std::to_string(cumulative));
        }
        sample(bucket, "le=\"+Inf\"", std::to_string(h.count));
        sample(std::string(name) + "_sum", {}, number(std::chrono::duration<double>(h.sum).count()));
        sample(std::string(name) + "_count", {}, std::to_string(h.count));
    }

    std::string take() { return std::move(out_); }

private:
    std::string engine_label_;
    std::string out_;
};

}  // namespace

std::string to_prometheus(const EngineMetrics& m, std::string_view engine) {
    Exposition x(engine);
    x.scalar("statements_total", "counter", "Statements sent.", m.statements);

    x.family("errors_total", "counter", "Errors raised, by class, kind and SQLSTATE or native code.");
    for (const auto& e : m.errors)
        x.sample("errors_total",
                 "class=\"" + std::string(e.error_class) + "\",kind=\"" + std::string(to_string(e.kind)) +
                     "\",code=\"" + escaped(e.code) + "\"",
                 std::to_string(e.count));

    x.family("transactions_total", "counter", "Transactions ended, by outcome.");
    x.sample("transactions_total", "outcome=\"committed\"", std::to_string(m.transactions_committed));
    x.sample("transactions_total", "outcome=\"rolled_back\"", std::to_string(m.transactions_rolled_back));
    x.sample("transactions_total", "outcome=\"unknown\"", std::to_string(m.transactions_outcome_unknown));
    x.scalar("transaction_retries_total", "counter", "Transaction attempts rerun by a RetryPolicy.",
             m.transactions_retried);

    const PoolStatus& p = m.pool;
    x.scalar("pool_size", "gauge", "Idle connections the pool keeps (pool_size).", p.pool_size);
    x.scalar("pool_max_overflow", "gauge", "Connections allowed beyond pool_size.", p.max_overflow);
    x.scalar("pool_connections", "gauge", "Connections open or opening.", p.connections);
    x.scalar("pool_idle", "gauge", "Idle connections.", p.idle);
    x.scalar("pool_checked_out", "gauge", "Connections checked out.", p.checked_out);
    x.scalar("pool_overflow", "gauge", "Connections beyond pool_size.", p.overflow);
    x.scalar("pool_waiters", "gauge", "Tasks waiting for a connection.", p.waiters);
    x.scalar("pool_checkouts_total", "counter", "Connections handed out.", p.checkouts);
    x.scalar("pool_connects_total", "counter", "Connections opened.", p.connects);
    x.scalar("pool_discards_total", "counter", "Connections closed as broken, invalidated, recycled or surplus.",
             p.discards);
    x.scalar("pool_timeouts_total", "counter", "Checkouts that timed out.", p.timeouts);
    x.scalar("pool_disconnects_total", "counter", "Connections found broken while in use.", p.disconnects);
    x.scalar("pool_pings_total", "counter", "Pings at checkout.", p.pings);
    x.scalar("pool_ping_failures_total", "counter", "Pings at checkout that found a broken connection.",
             p.ping_failures);

    x.histogram("statement_duration_seconds", "Time from sending a statement to its result.", m.statement_latency);
    x.histogram("pool_checkout_wait_seconds", "Time connect() waited for a connection.", m.checkout_wait);
    return x.take();
}

}  // namespace asyncsql
