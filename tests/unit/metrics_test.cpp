// The Prometheus exposition of EngineMetrics: names, labels, escaping and
// cumulative histogram buckets, checked on hand-made snapshots.

#include <gtest/gtest.h>

#include "asyncsql/engine/metrics.hpp"

namespace asyncsql {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(LatencyHistogram, CountsEachDurationInTheFirstBucketThatHoldsIt) {
    LatencyHistogram h;
    h.record(50us);    // <= 0.0001
    h.record(100us);   // == 0.0001: the bound is inclusive
    h.record(3ms);     // <= 0.005
    h.record(20s);     // +Inf
    EXPECT_EQ(h.buckets[0], 2u);
    EXPECT_EQ(h.buckets[5], 1u);
    EXPECT_EQ(h.buckets.back(), 1u);
    EXPECT_EQ(h.count, 4u);
    EXPECT_EQ(h.sum, 50us + 100us + 3ms + 20s);
}

TEST(Prometheus, RendersCountersGaugesAndErrorsWithTheEngineLabel) {
    EngineMetrics m;
    m.statements = 7;
    m.transactions_committed = 3;
    m.transactions_rolled_back = 2;
    m.transactions_outcome_unknown = 1;
    m.transactions_retried = 4;
    m.errors = {{.error_class = "OperationalError", .kind = ErrorKind::deadlock, .code = "40P01", .count = 5},
                {.error_class = "IntegrityError", .kind = ErrorKind::unique_violation, .code = "1062", .count = 1}};
    m.pool.pool_size = 5;
    m.pool.checked_out = 2;
    m.pool.waiters = 9;
    m.pool.disconnects = 1;
    const std::string text = to_prometheus(m, "orders");

    EXPECT_TRUE(has_line(text, "# TYPE asyncsql_statements_total counter")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statements_total{engine=\"orders\"} 7")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_errors_total{engine=\"orders\",class=\"OperationalError\",kind=\"deadlock\","
                               "code=\"40P01\"} 5"))
        << text;
    EXPECT_TRUE(has_line(text, "asyncsql_errors_total{engine=\"orders\",class=\"IntegrityError\","
                               "kind=\"unique_violation\",code=\"1062\"} 1"))
        << text;
    EXPECT_TRUE(has_line(text, "asyncsql_transactions_total{engine=\"orders\",outcome=\"committed\"} 3")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_transactions_total{engine=\"orders\",outcome=\"rolled_back\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_transactions_total{engine=\"orders\",outcome=\"unknown\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_transaction_retries_total{engine=\"orders\"} 4")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE asyncsql_pool_checked_out gauge")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_pool_checked_out{engine=\"orders\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_pool_waiters{engine=\"orders\"} 9")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_pool_disconnects_total{engine=\"orders\"} 1")) << text;
    EXPECT_EQ(m.error_total(), 6u);
}

TEST(Prometheus, HistogramBucketsAreCumulativeAndEndWithInf) {
    EngineMetrics m;
    m.statement_latency.record(50us);
    m.statement_latency.record(700us);
    m.statement_latency.record(30s);
    const std::string text = to_prometheus(m);
    EXPECT_TRUE(has_line(text, "# TYPE asyncsql_statement_duration_seconds histogram")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_bucket{le=\"0.0001\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_bucket{le=\"0.0005\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_bucket{le=\"0.001\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_bucket{le=\"10\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_bucket{le=\"+Inf\"} 3")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_count 3")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_statement_duration_seconds_sum 30.00075")) << text;
    EXPECT_TRUE(has_line(text, "asyncsql_pool_checkout_wait_seconds_count 0")) << text;
}

TEST(Prometheus, EscapesLabelValues) {
    EngineMetrics m;
    m.errors = {{.error_class = "DatabaseError", .kind = ErrorKind::other, .code = "a\"b\\c\nd", .count = 1}};
    const std::string text = to_prometheus(m, "x\"y");
    EXPECT_NE(text.find("engine=\"x\\\"y\""), std::string::npos) << text;
    EXPECT_NE(text.find("code=\"a\\\"b\\\\c\\nd\""), std::string::npos) << text;
}

}  // namespace
}  // namespace asyncsql
