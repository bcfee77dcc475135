// The engine under stress and after failures: a disconnect makes the pool
// check its other connections, deadlines bound whole operations, waiters and
// cancelled operations leave nothing behind, and the metrics count it all.

#include <cmath>
#include <iostream>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"
#include "support/ledger.hpp"
#include "support/process_resources.hpp"
#include "support/sleep.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class ReliabilitySuite : public EngineSuite {
protected:
    void random_cancellation(Options options, bool must_cancel, const std::string& title);
};

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

// The ledger's check on a connection of the engine's own; the rows verified
// are in its summary.
asio::awaitable<void> verify_ledger(Engine& engine, Ledger& ledger) {
    auto c = co_await engine.connect("ledger check");
    const std::string problems = co_await ledger.verify(c);
    EXPECT_EQ(problems, "");
    for (const auto& what : ledger.unexpected()) ADD_FAILURE() << what;
}

void print_summary(const std::string& scenario, std::uint64_t operations, const Ledger& ledger,
                   const std::string& leaked) {
    std::cout << "FAULT-SUMMARY " << backend_under_test().name << " " << scenario << ": " << operations
              << " operations, " << ledger.outcome() << ", leaks: " << (leaked.empty() ? "none" : leaked) << "\n";
}

// Waits until the pool has taken back (and rolled back) every connection.
asio::awaitable<void> settle(Engine& engine) {
    for (int i = 0; i < 500; ++i) {
        const PoolStatus status = engine.pool_status();
        if (status.checked_out == 0 && status.resetting == 0 && status.waiters == 0) co_return;
        co_await sleep_for(10ms);
    }
    ADD_FAILURE() << "the pool did not settle: " << engine.pool_status().to_string();
}

// Runs op() with Asio's terminal cancellation emitted after `delay` (if it
// is still running), and returns how it really ended.
template <class Op>
asio::awaitable<std::exception_ptr> cancelled_after(std::chrono::microseconds delay, Op op) {
    auto executor = co_await asio::this_coro::executor;
    asio::cancellation_signal signal;
    asio::steady_timer timer(executor, delay);
    auto finished = std::make_shared<bool>(false);
    timer.async_wait([&signal, finished](boost::system::error_code ec) {
        if (!ec && !*finished) signal.emit(asio::cancellation_type::terminal);
    });
    auto [failure] = co_await asio::co_spawn(
        executor, op(), asio::bind_cancellation_slot(signal.slot(), asio::as_tuple(asio::use_awaitable)));
    *finished = true;
    timer.cancel();
    co_return failure;
}

// 10,000 operations (transactions with savepoints, queries, streams) over a
// small pool, each cancelled at a random moment: nothing leaks, nothing
// hangs, and every COMMIT that returned is in the database. `must_cancel`:
// the operations suspend often enough that some cancellations must land.
void ReliabilitySuite::random_cancellation(Options options, bool must_cancel, const std::string& title) {
    const auto before = ProcessResources::now();
    Ledger ledger;
    std::uint64_t operations_run = 0;
    options.insert(options.end(), {{"pool_size", "6"}, {"max_overflow", "0"}, {"pool_timeout", "20"}});
    run_with_engine(make_engine(options), [&](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, note VARCHAR(20))");
        });
        constexpr int operations = 10000, tasks = 24;
        std::mt19937 random(20261121);
        int next = 0, running = tasks;
        auto ex = co_await asio::this_coro::executor;
        for (int t = 0; t < tasks; ++t) {
            asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
                while (next < operations) {
                    const int id = next++;
                    // Log-uniform from 10 us to 50 ms reaches every await of these
                    // operations on every backend, queueing for the pool included.
                    const auto delay = std::chrono::microseconds(static_cast<std::int64_t>(
                        std::exp(std::uniform_real_distribution<double>(std::log(10.0), std::log(50000.0))(random))));
                    const bool writes = id % 4 == 0 || id % 4 == 3;
                    auto failure = co_await cancelled_after(delay, [&engine, id]() -> asio::awaitable<void> {
                        switch (id % 4) {
                        case 0:
                            co_await engine.transaction([id](Connection& c) -> asio::awaitable<void> {
                                co_await c.execute("INSERT INTO ledger VALUES (:id, 'tx')", {{"id", id}});
                                co_await c.scalar<int>("SELECT COUNT(*) FROM ledger");
                            });
                            break;
                        case 1: {
                            auto c = co_await engine.connect();
                            co_await c.scalar<int>("SELECT COUNT(*) FROM ledger WHERE id < 100");
                            break;
                        }
                        case 2: {
                            auto c = co_await engine.connect();
                            auto stream = co_await c.stream("SELECT id, note FROM ledger");
                            int rows = 0;
                            for (;;) {
                                auto row = co_await stream.next();
                                if (!row || ++rows == 50) break;
                            }
                            break;
                        }
                        default:
                            co_await engine.transaction([id](Connection& c) -> asio::awaitable<void> {
                                co_await c.execute("INSERT INTO ledger VALUES (:id, 'outer')", {{"id", id}});
                                auto nested = co_await c.begin_nested();
                                co_await c.execute("INSERT INTO ledger VALUES (:id, 'inner')", {{"id", -id}});
                                co_await nested.rollback();
                            });
                        }
                    });
                    ++operations_run;
                    if (!failure) {
                        if (writes) ledger.committed(id);
                    } else if (writes) {
                        ledger.failed(id, failure);
                    } else {
                        ledger.count(failure);
                    }
                }
                --running;
            }, asio::detached);
        }
        while (running > 0) co_await sleep_for(20ms);
        co_await settle(engine);
        co_await verify_ledger(engine, ledger);
        const PoolStatus status = engine.pool_status();
        EXPECT_EQ(status.checked_out, 0u);
        EXPECT_EQ(status.waiters, 0u);
        EXPECT_GT(ledger.committed(), 100u) << "some operations must get through";
        if (must_cancel) {
            EXPECT_GT(ledger.errors(), 0u) << "and some must be cancelled";
        }
        // Cancellation, and SQLite's busy database-wide lock: nothing else.
        for (const auto& [name, n] : ledger.error_counts())
            EXPECT_TRUE(name == "OperationalError/cancelled" || name == "asio/operation_aborted" ||
                        name == "OperationalError/lock_timeout")
                << name << " x" << n;
    });
    const std::string leaked = wait_until_released(before);
    EXPECT_EQ(leaked, "");
    print_summary(title, operations_run, ledger, leaked);
}

TEST_F(ReliabilitySuite, TenThousandOperationsCancelledAtRandomPointsLoseNothing) {
    const BackendUnderTest& backend = backend_under_test();
    Options options = backend.fast_commit_options;
    options.insert(options.end(), backend.hand_off_options.begin(), backend.hand_off_options.end());
    random_cancellation(options, true, "random cancellation");
}

// SQLite's default mode suspends only to wait (pool, locks, long reads):
// cancellations land rarely, and must still lose nothing.
TEST_F(ReliabilitySuite, RandomCancellationInTheDefaultExecutionModeLosesNothing) {
    const BackendUnderTest& backend = backend_under_test();
    if (backend.hand_off_options.empty()) GTEST_SKIP() << "the other test runs the default mode already";
    random_cancellation(backend.fast_commit_options, false, "random cancellation, default execution");
}

// 1,000 tasks queue for 4 connections with a short pool_timeout: each either
// gets a connection and does its work or gets a TimeoutError, and the queue
// is empty afterwards.
TEST_F(ReliabilitySuite, ThousandWaitersOnAnExhaustedPoolEndCleanly) {
    constexpr std::uint64_t tasks_run = 1000;
    const auto before = ProcessResources::now();
    Ledger ledger;
    Options options = backend_under_test().fast_commit_options;
    options.insert(options.end(), {{"pool_size", "4"}, {"max_overflow", "0"}, {"pool_timeout", "0.3"}});
    with_engine(options, [&](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, note VARCHAR(20))");
        });
        constexpr int tasks = tasks_run;
        int finished = 0;
        std::size_t most_waiters = 0;
        auto ex = co_await asio::this_coro::executor;
        for (int id = 0; id < tasks; ++id) {
            asio::co_spawn(ex, [&, id]() -> asio::awaitable<void> {
                try {
                    co_await engine.transaction([id](Connection& c) -> asio::awaitable<void> {
                        co_await c.execute("INSERT INTO ledger VALUES (:id, 'waiter')", {{"id", id}});
                        co_await sleep_for(2ms);
                    });
                    ledger.committed(id);
                } catch (const TimeoutError& e) {
                    EXPECT_NE(e.message().find("Held by:"), std::string::npos) << e.message();
                    ledger.failed(id, std::current_exception());
                } catch (...) {
                    ledger.failed(id, std::current_exception());
                }
                ++finished;
            }, asio::detached);
        }
        while (finished < tasks) {
            most_waiters = std::max(most_waiters, engine.pool_status().waiters);
            co_await sleep_for(5ms);
        }
        co_await settle(engine);
        const PoolStatus status = engine.pool_status();
        EXPECT_EQ(status.waiters, 0u);
        EXPECT_EQ(status.checked_out, 0u);
        EXPECT_GT(most_waiters, 900u) << "the tasks did queue";
        const auto found = ledger.error_counts().find("TimeoutError/pool_timeout");
        const auto timeouts = static_cast<std::uint64_t>(found == ledger.error_counts().end() ? 0 : found->second);
        EXPECT_GT(timeouts, 0u);
        EXPECT_EQ(status.timeouts, timeouts);
        EXPECT_EQ(ledger.committed() + timeouts, static_cast<std::size_t>(tasks)) << ledger.outcome();
        co_await verify_ledger(engine, ledger);
        // And the pool serves at once afterwards.
        const auto asked = Clock::now();
        auto c = co_await engine.connect();
        EXPECT_LT(Clock::now() - asked, 100ms);
    });
    const std::string leaked = wait_until_released(before);
    EXPECT_EQ(leaked, "");
    print_summary("1000 waiters", tasks_run, ledger, leaked);
}

// A server that accepts the TCP connection and then says nothing: connect()
// gives up after connect_timeout instead of waiting forever.
TEST_F(ReliabilitySuite, ConnectTimeoutBoundsASilentServer) {
    const BackendUnderTest& backend = backend_under_test();
    if (backend.kill_connection_sql.empty()) GTEST_SKIP() << "SQLite opens a file: there is no server to wait for";
    asio::io_context listener_context;
    // Listening without accepting: the kernel completes the handshake, and
    // no greeting ever comes.
    asio::ip::tcp::acceptor silent(listener_context, {asio::ip::make_address("127.0.0.1"), 0});
    Url url = Url::parse(backend.fresh_url());
    url.host = "127.0.0.1";
    url.port = silent.local_endpoint().port();
    url.query.emplace_back("connect_timeout", "0.3");
    run_with_engine(create_engine(url.to_string_with_password()), [](Engine& engine) -> asio::awaitable<void> {
        const auto started = Clock::now();
        std::string failure;
        try {
            auto c = co_await engine.connect();
        } catch (const Error& e) {
            failure = std::string(error_class_name(e)) + "/" + std::string(to_string(e.kind())) + ": " + e.message();
        }
        const auto took = Clock::now() - started;
        EXPECT_FALSE(failure.empty()) << "connect() to a silent server succeeded";
        EXPECT_GE(took, 250ms) << failure;
        EXPECT_LT(took, 3s) << failure;
        std::cout << "connect to a silent server: " << failure << "\n";
        EXPECT_EQ(engine.pool_status().connections, 0u);
    });
}

}  // namespace
}  // namespace asyncsql::test
