// Database errors arrive as the right class, carry their facts, and leave the
// pool healthy.

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
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

// A statement that runs for a long time on every backend (a big cross join).
constexpr const char* slow_query =
    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100000000) "
    "SELECT COUNT(*) FROM s";

asio::awaitable<void> create_parent_child(Connection& c) {
    co_await c.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, code VARCHAR(8) NOT NULL UNIQUE)");
    co_await c.execute(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id), "
        "qty INTEGER CHECK (qty > 0))");
    co_await c.execute("INSERT INTO parent VALUES (1, 'a')");
    co_await c.commit();
}

// Runs `sql`, expects E, and rolls back: after an error PostgreSQL refuses
// every statement until the transaction ends (SQLite does not).
template <class E>
asio::awaitable<E> expect_error(Connection& c, std::string sql) {
    std::optional<E> caught;
    try {
        co_await c.execute(sql);
    } catch (const E& e) {
        caught.emplace(e);
    }
    co_await c.rollback();
    if (!caught) throw std::runtime_error("no error from: " + sql);
    co_return *caught;
}

using ErrorsSuite = EngineSuite;

TEST_F(ErrorsSuite, ConstraintViolationsAreIntegrityErrorsOfTheirKind) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_parent_child(c);
        auto dup = co_await expect_error<IntegrityError>(c, "INSERT INTO parent VALUES (2, 'a')");
        EXPECT_EQ(dup.kind(), ErrorKind::unique_violation);
        EXPECT_EQ(dup.statement(), "INSERT INTO parent VALUES (2, 'a')");
        auto fk = co_await expect_error<IntegrityError>(c, "INSERT INTO child VALUES (1, 99, 1)");
        EXPECT_EQ(fk.kind(), ErrorKind::foreign_key_violation);
        auto nn = co_await expect_error<IntegrityError>(c, "INSERT INTO parent VALUES (3, NULL)");
        EXPECT_EQ(nn.kind(), ErrorKind::not_null_violation);
        auto check = co_await expect_error<IntegrityError>(c, "INSERT INTO child VALUES (2, 1, 0)");
        EXPECT_EQ(check.kind(), ErrorKind::check_violation);
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM parent"), 1);
    });
}

TEST_F(ErrorsSuite, BadSqlIsAProgrammingErrorWithTheStatement) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        auto syntax = co_await expect_error<ProgrammingError>(c, "SELEC 1");
        EXPECT_EQ(syntax.kind(), ErrorKind::syntax_error);
        EXPECT_NE(std::string(syntax.what()).find("SELEC 1"), std::string::npos);
        auto missing = co_await expect_error<ProgrammingError>(c, "SELECT * FROM nowhere");
        EXPECT_EQ(missing.kind(), ErrorKind::undefined_object);
        EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
    });
}

TEST_F(ErrorsSuite, ErrorInsideTransactionKeepsEarlierWorkUntilRollback) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await create_parent_child(c);
        bool threw = false;
        try {
            co_await engine.transaction([](Connection& tx) -> asio::awaitable<void> {
                co_await tx.execute("INSERT INTO parent VALUES (2, 'b')");
                co_await tx.execute("INSERT INTO parent VALUES (3, 'b')");
            });
        } catch (const IntegrityError&) {
            threw = true;
        }
        EXPECT_TRUE(threw);
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM parent"), 1) << "the whole transaction rolled back";
        EXPECT_EQ(engine.pool_status().checked_out, 1u);
    });
}

TEST_F(ErrorsSuite, StatementTimeoutInterruptsAndTheConnectionStaysUsable) {
    with_engine({{"statement_timeout", "0.2"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        const auto started = std::chrono::steady_clock::now();
        bool timed_out = false;
        try {
            co_await c.execute(slow_query);
        } catch (const TimeoutError& e) {
            timed_out = e.kind() == ErrorKind::statement_timeout;
        }
        const auto took = std::chrono::steady_clock::now() - started;
        EXPECT_TRUE(timed_out);
        EXPECT_LT(took, 2s);
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 40 + 2"), 42);
    });
}

// The backend's ten-second sleep where it has one (pg_sleep, SLEEP), else a
// long computation, cancelled after 200 ms.
TEST_F(ErrorsSuite, CancelledStatementReturnsQuicklyAndTheNextResultIsCorrect) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        const BackendUnderTest& backend = backend_under_test();
        const std::string statement = backend.sleep_10s.empty() ? slow_query : backend.sleep_10s;
        auto ex = co_await asio::this_coro::executor;
        auto c = co_await engine.connect();
        asio::cancellation_signal cancel;
        std::exception_ptr outcome;
        bool done = false;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> { co_await c.execute(statement); },
                       asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
                           outcome = e;
                           done = true;
                       }));
        asio::steady_timer timer(ex, 200ms);
        co_await timer.async_wait(asio::use_awaitable);
        const auto started = std::chrono::steady_clock::now();
        cancel.emit(asio::cancellation_type::terminal);
        while (!done) {
            timer.expires_after(1ms);
            co_await timer.async_wait(asio::use_awaitable);
        }
        EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
        // MySQL's SLEEP() ends early without an error when its query is killed.
        if (backend.cancel_raises) CO_ASSERT_TRUE(outcome != nullptr);
        if (outcome) {
            try {
                std::rethrow_exception(outcome);
            } catch (const OperationalError& e) {
                EXPECT_EQ(e.kind(), ErrorKind::cancelled) << e.what();
            } catch (const std::exception& e) {
                ADD_FAILURE() << "not an OperationalError: " << e.what();
            }
        }
        co_await c.rollback();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 40 + 2"), 42) << "the next result is the right one";
    });
}

// pg_terminate_backend / KILL CONNECTION from another connection.
TEST_F(ErrorsSuite, KilledConnectionIsADisconnectAndThePoolRecovers) {
    const BackendUnderTest& backend = backend_under_test();
    if (backend.kill_connection_sql.empty()) GTEST_SKIP() << "no server to kill a connection on";
    with_engine({{"pool_size", "2"}, {"isolation_level", "AUTOCOMMIT"}},
                [&backend](Engine& engine) -> asio::awaitable<void> {
        std::int64_t victim_id = 0;
        {
            auto victim = co_await engine.connect();
            victim_id = co_await victim.scalar<std::int64_t>(backend.connection_id_sql);
            auto killer = co_await engine.connect();
            std::string kill = backend.kill_connection_sql;
            kill.replace(kill.find("%ID%"), 4, std::to_string(victim_id));
            co_await killer.execute(kill);
            asio::steady_timer pause(co_await asio::this_coro::executor, 100ms);
            co_await pause.async_wait(asio::use_awaitable);
            bool lost = false;
            try {
                co_await victim.execute("SELECT 1");
            } catch (const OperationalError& e) {
                lost = e.is_disconnect();
            }
            EXPECT_TRUE(lost);
        }
        EXPECT_EQ(engine.pool_status().checked_out, 0u);
        auto fresh = co_await engine.connect();
        EXPECT_NE(co_await fresh.scalar<std::int64_t>(backend.connection_id_sql), victim_id);
    });
}

TEST_F(ErrorsSuite, DeadlockBetweenTwoTasksSurfacesAsDeadlock) {
    if (!backend_under_test().row_locks) GTEST_SKIP() << "one lock for the whole database: no deadlock";
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER)");
            co_await c.execute("INSERT INTO accounts VALUES (1, 100), (2, 100)");
        });
        auto ex = co_await asio::this_coro::executor;
        int deadlocks = 0, committed = 0, finished = 0;
        for (int task = 0; task < 2; ++task) {
            asio::co_spawn(ex, [&, task]() -> asio::awaitable<void> {
                try {
                    co_await engine.transaction([&](Connection& c) -> asio::awaitable<void> {
                        const int first = task == 0 ? 1 : 2, second = task == 0 ? 2 : 1;
                        co_await c.execute("UPDATE accounts SET balance = balance - 1 WHERE id = :id", {{"id", first}});
                        asio::steady_timer pause(co_await asio::this_coro::executor, 200ms);
                        co_await pause.async_wait(asio::use_awaitable);
                        co_await c.execute("UPDATE accounts SET balance = balance + 1 WHERE id = :id", {{"id", second}});
                    });
                    ++committed;
                } catch (const OperationalError& e) {
                    if (e.is_deadlock()) ++deadlocks;
                }
                ++finished;
            }, asio::detached);
        }
        asio::steady_timer wait(ex);
        while (finished < 2) {
            wait.expires_after(10ms);
            co_await wait.async_wait(asio::use_awaitable);
        }
        EXPECT_EQ(deadlocks, 1);
        EXPECT_EQ(committed, 1);
    });
}

TEST_F(ErrorsSuite, RetryPolicyResolvesRepeatedDeadlocks) {
    if (!backend_under_test().row_locks) GTEST_SKIP() << "one lock for the whole database: no deadlock";
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER)");
            co_await c.execute("INSERT INTO accounts VALUES (1, 100), (2, 100)");
        });
        auto ex = co_await asio::this_coro::executor;
        constexpr int rounds = 3;
        int committed = 0, finished = 0, attempts = 0;
        const RetryPolicy policy{.max_attempts = 10, .initial_backoff = 20ms};
        for (int round = 0; round < rounds; ++round) {
            for (int task = 0; task < 2; ++task) {
                asio::co_spawn(ex, [&, task]() -> asio::awaitable<void> {
                    co_await engine.transaction(
                        [&, task](Connection& c) -> asio::awaitable<void> {
                            ++attempts;
                            const int first = task == 0 ? 1 : 2, second = task == 0 ? 2 : 1;
                            co_await c.execute("UPDATE accounts SET balance = balance - 1 WHERE id = :id",
                                               {{"id", first}});
                            asio::steady_timer pause(co_await asio::this_coro::executor, 100ms);
                            co_await pause.async_wait(asio::use_awaitable);
                            co_await c.execute("UPDATE accounts SET balance = balance + 1 WHERE id = :id",
                                               {{"id", second}});
                        },
                        policy);
                    ++committed;
                    ++finished;
                }, [&](std::exception_ptr e) {
                    if (e) ++finished;
                });
            }
            asio::steady_timer wait(ex);
            while (finished < 2 * (round + 1)) {
                wait.expires_after(10ms);
                co_await wait.async_wait(asio::use_awaitable);
            }
        }
        EXPECT_EQ(committed, 2 * rounds) << "every transaction committed in the end";
        EXPECT_GT(attempts, 2 * rounds) << "the deadlocks were retried";
        EXPECT_EQ(engine.metrics().transactions_retried, static_cast<std::uint64_t>(attempts - 2 * rounds));
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT SUM(balance) FROM accounts"), 200);
    });
}

TEST_F(ErrorsSuite, RetryPolicyRetriesOnlyConflictsAndSaysWhenItGivesUp) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        const RetryPolicy policy{.max_attempts = 3, .initial_backoff = 1ms};
        int attempts = 0;
        std::string message;
        try {
            co_await engine.transaction(
                [&](Connection&) -> asio::awaitable<void> {
                    ++attempts;
                    throw OperationalError("simulated deadlock", ErrorKind::deadlock);
                    co_return;
                },
                policy);
        } catch (const OperationalError& e) {
            message = e.message();
        }
        EXPECT_EQ(attempts, 3);
        EXPECT_NE(message.find("gave up after 3 attempts"), std::string::npos) << message;

        attempts = 0;
        EXPECT_THROW(co_await engine.transaction(
                         [&](Connection& c) -> asio::awaitable<void> {
                             ++attempts;
                             co_await c.execute("SELEC 1");
                         },
                         policy),
                     ProgrammingError);
        EXPECT_EQ(attempts, 1) << "a syntax error is not retried";

        attempts = 0;
        EXPECT_THROW(co_await engine.transaction(
                         [&](Connection&) -> asio::awaitable<void> {
                             ++attempts;
                             throw CommitOutcomeUnknownError("simulated", ErrorKind::commit_outcome_unknown);
                             co_return;
                         },
                         policy),
                     CommitOutcomeUnknownError);
        EXPECT_EQ(attempts, 1) << "a COMMIT of unknown outcome is never retried";

        const int answer = co_await engine.transaction(
            [](Connection& c) -> asio::awaitable<int> { co_return co_await c.scalar<int>("SELECT 42"); }, policy);
        EXPECT_EQ(answer, 42);
        EXPECT_EQ(engine.pool_status().checked_out, 0u);
    });
}

TEST_F(ErrorsSuite, WrongCredentialsOrUnknownOptionsFailClearly) {
    EXPECT_THROW(create_engine(backend_under_test().fresh_url() + "?pool_size=lots"), ArgumentError);
    EXPECT_THROW(create_engine(backend_under_test().fresh_url() + "?no_such_driver_option=1"), ArgumentError);
    EXPECT_THROW(create_engine("nosuchdb://x/y"), ArgumentError);
}

}  // namespace
}  // namespace asyncsql::test
