// Automatic pipelining (the engine option `pipelining`, on by default with
// isolation_level AUTOCOMMIT): statements of different Connections share
// pooled connections and their round trips, each result and error reaches
// the statement that caused it, one statement can be cancelled alone, and a
// transaction keeps a connection of its own.

#include <atomic>
#include <functional>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>

#include "suite/suite.hpp"
#include "support/sleep.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using Pipelining = EngineSuite;

Options autocommit_on(std::size_t pool_size) {
    return {{"isolation_level", "AUTOCOMMIT"}, {"pool_size", std::to_string(pool_size)}, {"max_overflow", "0"}};
}

// Runs task(0) ... task(n - 1) concurrently and waits for all of them; the
// first exception any of them threw is rethrown.
asio::awaitable<void> run_concurrently(int n, std::function<asio::awaitable<void>(int)> task) {
    auto ex = co_await asio::this_coro::executor;
    int finished = 0;
    std::exception_ptr first_failure;
    for (int i = 0; i < n; ++i) {
        asio::co_spawn(ex, task(i), [&](std::exception_ptr failure) {
            if (failure && !first_failure) first_failure = failure;
            ++finished;
        });
    }
    while (finished < n) co_await sleep_for(1ms);
    if (first_failure) std::rethrow_exception(first_failure);
}

TEST_F(Pipelining, ConcurrentStatementsShareConnectionsAndEachGetsItsOwnResult) {
    with_engine(autocommit_on(2), [](Engine& engine) -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
            co_await c.execute("CREATE TABLE events (task INTEGER, step INTEGER, PRIMARY KEY (task, step))");
        }
        constexpr int tasks = 100, steps = 20;
        int checked = 0;
        co_await run_concurrently(tasks, [&](int task) -> asio::awaitable<void> {
            for (int step = 0; step < steps; ++step) {
                auto c = co_await engine.connect();
                const int key = task * 1000 + step;
                Params echo{{"key", key}, {"width", key % 37}};
                Result row =
                    co_await c.execute("SELECT :key::int AS key, repeat('x', :width::int) AS pad", std::move(echo));
                const auto [got, pad] = row.one().as<std::tuple<int, std::string>>();
                EXPECT_EQ(got, key);
                EXPECT_EQ(pad.size(), static_cast<std::size_t>(key % 37));
                Params event{{"task", task}, {"step", step}};
                const Result inserted =
                    co_await c.execute("INSERT INTO events (task, step) VALUES (:task, :step)", std::move(event));
                EXPECT_EQ(inserted.rowcount(), 1);
                ++checked;
            }
        });
        EXPECT_EQ(checked, tasks * steps);
        const PoolStatus status = engine.pool_status();
        EXPECT_LE(status.connects, 2u);
        EXPECT_GT(status.shared_checkouts, 0u) << status.to_string();
        EXPECT_EQ(status.checked_out, 0u);
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM events"), tasks * steps);
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(DISTINCT task * 1000 + step) FROM events"),
                  tasks * steps);
    });
}

TEST_F(Pipelining, AFailingStatementFailsAloneAndTheStatementsAroundItSucceed) {
    with_engine(autocommit_on(1), [](Engine& engine) -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
            co_await c.execute("CREATE TABLE once (id INTEGER PRIMARY KEY)");
            co_await c.execute("INSERT INTO once VALUES (7)");
        }
        int divisions = 0, duplicates = 0, good = 0;
        co_await run_concurrently(60, [&](int i) -> asio::awaitable<void> {
            auto c = co_await engine.connect();
            Params p{{"n", i}};
            if (i % 3 == 1) {
                try {
                    co_await c.execute("SELECT 1 / (:n::int - :n::int)", std::move(p));
                    ADD_FAILURE() << "division by zero succeeded";
                } catch (const DataError& e) {
                    EXPECT_EQ(e.sqlstate(), "22012") << e.what();
                    EXPECT_NE(e.statement().find("1 / ("), std::string::npos) << e.statement();
                    ++divisions;
                }
            } else if (i % 3 == 2) {
                try {
                    co_await c.execute("INSERT INTO once VALUES (7)");
                    ADD_FAILURE() << "duplicate key accepted";
                } catch (const IntegrityError& e) {
                    EXPECT_EQ(e.kind(), ErrorKind::unique_violation) << e.what();
                    ++duplicates;
                }
            } else {
                EXPECT_EQ(co_await c.scalar<int>("SELECT :n::int * 2", std::move(p)), i * 2);
                ++good;
            }
        });
        EXPECT_EQ(divisions, 20);
        EXPECT_EQ(duplicates, 20);
        EXPECT_EQ(good, 20);
        const PoolStatus status = engine.pool_status();
        EXPECT_EQ(status.connects, 1u);
        EXPECT_GT(status.shared_checkouts, 0u);
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM once"), 1);
    });
}

// Statements queued behind one running alone are withdrawn when cancelled
// before they are sent; the others run.
TEST_F(Pipelining, AStatementCancelledBeforeItIsSentIsWithdrawn) {
    with_engine(autocommit_on(1), [](Engine& engine) -> asio::awaitable<void> {
        std::vector<int> answers(6, -1);
        bool cancelled = false;
        co_await run_concurrently(7, [&](int i) -> asio::awaitable<void> {
            auto c = co_await engine.connect();
            if (i == 0) {
                co_await c.execute("SELECT pg_sleep(1)");
                co_return;
            }
            co_await sleep_for(50ms);  // queued while the first one runs alone
            Params p{{"n", i}};
            if (i == 3) {
                auto query = c.scalar<int>("SELECT :n::int", std::move(p));
                try {
                    const int unexpected = co_await with_timeout(100ms, std::move(query));
                    ADD_FAILURE() << "answered " << unexpected;
                } catch (const TimeoutError& e) {
                    cancelled = e.kind() == ErrorKind::deadline_exceeded;
                    EXPECT_TRUE(cancelled) << e.what();
                } catch (const std::exception& e) {
                    ADD_FAILURE() << e.what();
                }
                co_return;
            }
            answers[static_cast<std::size_t>(i - 1)] = co_await c.scalar<int>("SELECT :n::int", std::move(p));
        });
        EXPECT_TRUE(cancelled);
        EXPECT_EQ(answers, (std::vector<int>{1, 2, -1, 4, 5, 6}));
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
    });
}

// A sent statement is cancelled on the server, whether it was the first of
// its group when its time ran out or behind another statement, which the
// cancel request may interrupt instead: that one is run again and answered
// all the same. The statements around it are untouched.
TEST_F(Pipelining, ASentStatementIsCancelledOnTheServerAndTheOthersAreUntouched) {
    with_engine(autocommit_on(1), [](Engine& engine) -> asio::awaitable<void> {
        for (const bool behind_another : {false, true}) {
            std::vector<std::string> answers(4);
            std::optional<ErrorKind> timed_out;
            Clock::duration cancelled_after{};
            co_await run_concurrently(5, [&](int i) -> asio::awaitable<void> {
                auto c = co_await engine.connect();
                if (i == 0) {  // runs alone; the others queue behind it and go out together
                    co_await c.execute("SELECT pg_sleep(0.2)");
                    co_return;
                }
                co_await sleep_for(std::chrono::milliseconds(20 * i));  // in order 1, 2, 3, 4
                const bool victim = i == (behind_another ? 2 : 1);
                if (victim) {
                    ExecutionOptions limited;
                    limited.timeout = 300ms;
                    c.set_execution_options(limited);
                    const auto started = Clock::now();
                    try {
                        co_await c.execute("SELECT pg_sleep(10)");
                    } catch (const TimeoutError& e) {
                        timed_out = e.kind();
                    }
                    cancelled_after = Clock::now() - started;
                    co_return;
                }
                const std::string sql = i == 1 ? "SELECT 'one' FROM pg_sleep(0.6)" : "SELECT :n::text";
                Params p;
                if (i != 1) p = Params{{"n", i}};
                answers[static_cast<std::size_t>(i - 1)] = co_await c.scalar<std::string>(sql, std::move(p));
            });
            EXPECT_EQ(timed_out, ErrorKind::statement_timeout) << "behind another: " << behind_another;
            EXPECT_LT(cancelled_after, 3s);
            if (behind_another) {
                EXPECT_EQ(answers[0], "one");
            }
            EXPECT_EQ(answers[2], "3");
            EXPECT_EQ(answers[3], "4");
            auto c = co_await engine.connect();
            EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
            EXPECT_EQ(engine.pool_status().connects, 1u);
        }
    });
}

// Many statements cancelled at random points: each ends with its own answer
// or a cancellation, never another statement's answer.
TEST_F(Pipelining, RandomCancellationsNeverMixUpAnswers) {
    with_engine(autocommit_on(2), [](Engine& engine) -> asio::awaitable<void> {
        int answered = 0, cancelled = 0;
        co_await run_concurrently(400, [&](int i) -> asio::awaitable<void> {
            auto c = co_await engine.connect();
            Params p{{"n", i}};
            auto query = c.scalar<int>("SELECT :n::int FROM pg_sleep(0.001)", std::move(p));
            // Every tenth one is left alone, so that answers are certain
            // whatever the machine's speed; the others get 50 us to 20 ms.
            const auto limit = i % 10 == 0 ? std::chrono::microseconds(std::chrono::minutes(1))
                                           : std::chrono::microseconds(50 + (i * 7919) % 20'000);
            try {
                const int got = co_await with_timeout(limit, std::move(query));
                EXPECT_EQ(got, i);
                ++answered;
            } catch (const TimeoutError&) {
                EXPECT_NE(i % 10, 0);
                ++cancelled;
            }
        });
        EXPECT_EQ(answered + cancelled, 400);
        EXPECT_GE(answered, 40);
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 41 + 1"), 42);
        EXPECT_EQ(engine.pool_status().checked_out, 1u);
    });
}

TEST_F(Pipelining, ATransactionKeepsAConnectionOfItsOwnWhileOthersPipeline) {
    with_engine(autocommit_on(2), [](Engine& engine) -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
            co_await c.execute("CREATE TABLE ledger (id INTEGER)");
        }
        auto owner = co_await engine.connect();
        Transaction tx = co_await owner.begin();
        const auto owner_pid = co_await owner.scalar<std::int64_t>("SELECT pg_backend_pid()");
        co_await owner.execute("INSERT INTO ledger VALUES (1)");
        std::set<std::int64_t> pipelined_pids;
        co_await run_concurrently(50, [&](int) -> asio::awaitable<void> {
            auto c = co_await engine.connect();
            Result r = co_await c.execute("SELECT pg_backend_pid(), (SELECT COUNT(*) FROM ledger)");
            const auto [pid, rows] = r.one().as<std::tuple<std::int64_t, std::int64_t>>();
            pipelined_pids.insert(pid);
            EXPECT_EQ(rows, 0);  // never inside the open transaction
        });
        EXPECT_EQ(pipelined_pids.size(), 1u);
        EXPECT_EQ(pipelined_pids.count(owner_pid), 0u);
        EXPECT_EQ(co_await owner.scalar<std::int64_t>("SELECT pg_backend_pid()"), owner_pid);
        co_await tx.commit();
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM ledger"), 1);
    });
}

TEST_F(Pipelining, SessionStatementsGiveTheConnectionItsOwnServerConnection) {
    Options options = autocommit_on(2);
    options.back().second = "1";  // max_overflow: room for the connection of its own
    with_engine(options, [](Engine& engine) -> asio::awaitable<void> {
        auto first = co_await engine.connect();
        auto second = co_await engine.connect();
        auto third = co_await engine.connect();  // shares one of the two
        EXPECT_EQ(engine.pool_status().shared_checkouts, 1u);
        co_await third.execute("SET application_name = 'third'");
        EXPECT_EQ(co_await third.scalar<std::string>("SHOW application_name"), "third");
        EXPECT_EQ(co_await third.scalar<std::string>("SELECT current_setting('application_name')"), "third");
        EXPECT_EQ(co_await first.scalar<int>("SELECT 1"), 1);
        EXPECT_EQ(co_await second.scalar<int>("SELECT 2"), 2);
        EXPECT_EQ(engine.pool_status().connects, 3u);
    });
}

TEST_F(Pipelining, TheOptionTurnsItOff) {
    Options options = autocommit_on(2);
    options.emplace_back("pipelining", "false");
    options.emplace_back("pool_timeout", "0.2");
    with_engine(options, [](Engine& engine) -> asio::awaitable<void> {
        auto first = co_await engine.connect();
        auto second = co_await engine.connect();
        EXPECT_THROW(co_await engine.connect(), TimeoutError);
        EXPECT_EQ(engine.pool_status().shared_checkouts, 0u);
        const auto first_pid = co_await first.scalar<std::int64_t>("SELECT pg_backend_pid()");
        const auto second_pid = co_await second.scalar<std::int64_t>("SELECT pg_backend_pid()");
        EXPECT_NE(first_pid, second_pid);
    });
}

}  // namespace
}  // namespace asyncsql::test
