// The engine under stress and after failures: a disconnect makes the pool
// check its other connections, deadlines bound whole operations, waiters and
// cancelled operations leave nothing behind, and the metrics count it all.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class ReliabilitySuite : public EngineSuite {};

asio::awaitable<void> sleep_for(std::chrono::milliseconds duration) {
    asio::steady_timer timer(co_await asio::this_coro::executor, duration);
    co_await timer.async_wait(asio::use_awaitable);
}

// A server restart kills every pooled connection at once; after the first
// one is found broken, the others are pinged at checkout and replaced, so
// only one caller sees the failure.
TEST_F(ReliabilitySuite, AfterADisconnectOlderIdleConnectionsArePingedBeforeReuse) {
    const BackendUnderTest& backend = backend_under_test();
    if (backend.kill_connection_sql.empty()) GTEST_SKIP() << "no server to kill a connection on";
    with_engine({{"pool_size", "4"}, {"max_overflow", "0"}, {"isolation_level", "AUTOCOMMIT"}},
                [&backend](Engine& engine) -> asio::awaitable<void> {
        std::vector<std::int64_t> victims;
        {
            std::vector<Connection> held;
            for (int i = 0; i < 4; ++i) held.push_back(co_await engine.connect());
            for (int i = 0; i < 3; ++i)
                victims.push_back(co_await held[i].scalar<std::int64_t>(backend.connection_id_sql));
            Connection killer = std::move(held[3]);
            held.clear();  // the three victims go back to the pool, idle
            for (const auto id : victims) {
                std::string kill = backend.kill_connection_sql;
                kill.replace(kill.find("%ID%"), 4, std::to_string(id));
                co_await killer.execute(kill);
            }
            co_await sleep_for(200ms);
        }
        int disconnects = 0;
        for (int i = 0; i < 4; ++i) {
            auto c = co_await engine.connect();
            try {
                const auto id = co_await c.scalar<std::int64_t>(backend.connection_id_sql);
                EXPECT_EQ(std::count(victims.begin(), victims.end(), id), 0) << "a killed connection was reused";
            } catch (const OperationalError& e) {
                EXPECT_TRUE(e.is_disconnect()) << e.what();
                ++disconnects;
            }
        }
        EXPECT_EQ(disconnects, 1) << "only the first user of a killed connection may see it";
        const PoolStatus status = engine.pool_status();
        EXPECT_EQ(status.disconnects, 1u);
        EXPECT_EQ(status.ping_failures, 2u);
        EXPECT_EQ(status.checked_out, 0u);
    });
}

// What a dashboard reads: statements, transaction outcomes, errors by class
// and code, and the histograms, after a known sequence of work.
TEST_F(ReliabilitySuite, MetricsCountStatementsTransactionsAndErrors) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20))");
            co_await c.execute("INSERT INTO items VALUES (1, 'a')");
        });
        {
            auto c = co_await engine.connect();
            co_await c.execute("INSERT INTO items VALUES (2, 'b')");
            co_await c.rollback();
            bool duplicate = false;
            try {
                co_await c.execute("INSERT INTO items VALUES (1, 'again')");
            } catch (const IntegrityError&) {
                duplicate = true;
            }
            CO_ASSERT_TRUE(duplicate);
            co_await c.rollback();
        }
        const EngineMetrics m = engine.metrics();
        // CREATE, INSERT, COMMIT; INSERT, ROLLBACK; INSERT (failed), ROLLBACK.
        EXPECT_EQ(m.statements, 6u);
        EXPECT_EQ(m.statement_latency.count, m.statements);
        EXPECT_EQ(m.transactions_committed, 1u);
        EXPECT_EQ(m.transactions_rolled_back, 2u);
        EXPECT_EQ(m.transactions_outcome_unknown, 0u);
        CO_ASSERT_EQ(m.errors.size(), 1u);
        EXPECT_EQ(m.errors[0].error_class, "IntegrityError");
        EXPECT_EQ(m.errors[0].kind, ErrorKind::unique_violation);
        EXPECT_FALSE(m.errors[0].code.empty()) << "the SQLSTATE or native code";
        EXPECT_EQ(m.errors[0].count, 1u);
        EXPECT_EQ(m.pool.checkouts, 2u);
        EXPECT_EQ(m.checkout_wait.count, 2u);
        EXPECT_EQ(m.pool.checked_out, 0u);

        const std::string text = to_prometheus(m, "main");
        EXPECT_NE(text.find("asyncsql_transactions_total{engine=\"main\",outcome=\"committed\"} 1\n"),
                  std::string::npos) << text;
        EXPECT_NE(text.find("class=\"IntegrityError\",kind=\"unique_violation\",code=\"" + m.errors[0].code +
                            "\"} 1\n"),
                  std::string::npos) << text;
        EXPECT_NE(text.find("asyncsql_statement_duration_seconds_count{engine=\"main\"} 6\n"), std::string::npos)
            << text;
    });
}

// A connect that fails and a checkout that times out are errors too.
TEST_F(ReliabilitySuite, MetricsCountPoolTimeouts) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}, {"pool_timeout", "0.05"}},
                [](Engine& engine) -> asio::awaitable<void> {
        auto held = co_await engine.connect();
        bool timed_out = false;
        try {
            auto second = co_await engine.connect();
        } catch (const TimeoutError&) {
            timed_out = true;
        }
        CO_ASSERT_TRUE(timed_out);
        const EngineMetrics m = engine.metrics();
        CO_ASSERT_EQ(m.errors.size(), 1u);
        EXPECT_EQ(m.errors[0].error_class, "TimeoutError");
        EXPECT_EQ(m.errors[0].kind, ErrorKind::pool_timeout);
        EXPECT_EQ(m.pool.timeouts, 1u);
    });
}

// Each statement gets one span, ended once, with the error when it failed.
TEST_F(ReliabilitySuite, TracerOpensOneSpanPerStatementAndEndsItOnce) {
    struct Ledger {
        std::vector<std::string> opened;
        std::vector<std::string> ended;  // "ok:<rows>" or "error:<kind>"
    };
    class RecordingSpan : public StatementSpan {
    public:
        explicit RecordingSpan(Ledger& ledger) : ledger_(ledger) {}
        void succeeded(const StatementDoneEvent& done) override {
            ledger_.ended.push_back("ok:" + std::to_string(done.rows));
        }
        void failed(const ErrorEvent& failure) override {
            ledger_.ended.push_back("error:" + std::string(to_string(failure.error.kind())));
        }

    private:
        Ledger& ledger_;
    };
    Ledger ledger;
    auto engine = make_engine({{"isolation_level", "AUTOCOMMIT"}});
    engine.events().tracer = [&ledger](const StatementEvent& event) -> std::unique_ptr<StatementSpan> {
        ledger.opened.emplace_back(event.sql);
        return std::make_unique<RecordingSpan>(ledger);
    };
    run_with_engine(engine, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("SELECT 1");
        try {
            co_await c.execute("SELEC 1");
        } catch (const ProgrammingError&) {
        }
    });
    ASSERT_EQ(ledger.opened.size(), 2u);
    EXPECT_EQ(ledger.opened[1], "SELEC 1");
    ASSERT_EQ(ledger.ended.size(), 2u);
    EXPECT_EQ(ledger.ended[0], "ok:1");
    EXPECT_EQ(ledger.ended[1], "error:syntax_error");
}

}  // namespace
}  // namespace asyncsql::test
