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

// A statement that runs for a long time on every backend.
constexpr const char* slow_query =
    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100000000) "
    "SELECT COUNT(*) FROM s";

using Clock = std::chrono::steady_clock;

// Runs `operation` expecting TimeoutError of kind deadline_exceeded; returns
// how long it took.
template <class T>
asio::awaitable<Clock::duration> expect_deadline(asio::awaitable<T> operation) {
    const auto started = Clock::now();
    std::optional<TimeoutError> caught;
    try {
        co_await std::move(operation);
    } catch (const TimeoutError& e) {
        caught = e;
    }
    const auto took = Clock::now() - started;
    EXPECT_TRUE(caught.has_value()) << "no TimeoutError";
    if (caught) {
        EXPECT_EQ(caught->kind(), ErrorKind::deadline_exceeded) << caught->what();
    }
    co_return took;
}

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

TEST_F(ReliabilitySuite, DeadlineInterruptsAStatementAndTheConnectionStaysUsable) {
    with_engine({{"isolation_level", "AUTOCOMMIT"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto slow = c.scalar<std::int64_t>(slow_query);
        const auto took = co_await expect_deadline(with_timeout(300ms, std::move(slow)));
        EXPECT_LT(took, 2s);
        EXPECT_EQ(co_await c.scalar<int>("SELECT 40 + 2"), 42) << "the next result is the right one";
    });
}

// The deadline reaches the pool wait inside engine.transaction(), long
// before pool_timeout.
TEST_F(ReliabilitySuite, DeadlineCoversTheWaitForAPooledConnection) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}, {"pool_timeout", "30"}},
                [](Engine& engine) -> asio::awaitable<void> {
        auto held = co_await engine.connect();
        int ran = 0;
        auto transaction = engine.transaction([&](Connection&) -> asio::awaitable<void> {
            ++ran;
            co_return;
        });
        const auto took = co_await expect_deadline(with_timeout(200ms, std::move(transaction)));
        EXPECT_LT(took, 2s);
        EXPECT_EQ(ran, 0);
        const PoolStatus status = engine.pool_status();
        EXPECT_EQ(status.waiters, 0u) << "the cancelled waiter left the queue";
        EXPECT_EQ(status.checked_out, 1u);
    });
}

// Cut short in the middle of a transaction, the work is rolled back and the
// connection returns to the pool.
TEST_F(ReliabilitySuite, DeadlineInsideATransactionRollsItBack) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY)");
        });
        auto work = engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("INSERT INTO ledger VALUES (1)");
            co_await c.scalar<std::int64_t>(slow_query);
        });
        co_await expect_deadline(with_timeout(300ms, std::move(work)));
        co_await sleep_for(50ms);  // the pool rolls back in the background
        EXPECT_EQ(engine.pool_status().checked_out, 0u);
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM ledger"), 0);
    });
}

// Nested deadlines: the earliest wins, whichever level set it.
TEST_F(ReliabilitySuite, NestedDeadlinesTheEarliestWins) {
    with_engine({{"isolation_level", "AUTOCOMMIT"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto inner_short = [&]() -> asio::awaitable<void> {
            auto slow = c.scalar<std::int64_t>(slow_query);
            co_await with_timeout(200ms, std::move(slow));
        };
        auto took = co_await expect_deadline(with_timeout(30s, inner_short()));
        EXPECT_LT(took, 2s);

        auto inner_long = [&]() -> asio::awaitable<void> {
            auto slow = c.scalar<std::int64_t>(slow_query);
            co_await with_timeout(30s, std::move(slow));
        };
        took = co_await expect_deadline(with_timeout(200ms, inner_long()));
        EXPECT_LT(took, 2s);
        EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
    });
}

TEST_F(ReliabilitySuite, OperationThatFinishesInTimeIsUntouched) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto quick = c.scalar<int>("SELECT 7");
        EXPECT_EQ(co_await with_timeout(5s, std::move(quick)), 7);
        auto nothing = [&]() -> asio::awaitable<void> { co_await c.execute("SELECT 1"); };
        co_await with_deadline(Clock::now() + 5s, nothing());
    });
}

}  // namespace
}  // namespace asyncsql::test
