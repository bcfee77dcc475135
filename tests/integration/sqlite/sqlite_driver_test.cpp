// What only the SQLite backend has: files, WAL, locking modes, the worker
// thread or inline execution, the statement cache, declared-type decoding.

#include <filesystem>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "backends/sqlite/driver/statement_cache.hpp"
#include "suite/suite.hpp"
#include "support/sleep.hpp"
#include "support/temp_dir.hpp"

#include <sqlite3.h>

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class SqliteOnly : public ::testing::Test {
protected:
    TempDir dir;

    template <class F>
    void with_engine(const std::string& url, const Options& options, F body) {
        run_with_engine(create_engine(url, options), std::move(body));
    }
};

TEST_F(SqliteOnly, FileDatabasesUseWalAndOtherJournalModesOnRequest) {
    with_engine(dir.sqlite_url("wal.db"), {}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<std::string>("PRAGMA journal_mode"), "wal");
        EXPECT_EQ(co_await c.scalar<int>("PRAGMA foreign_keys"), 1);
    });
    with_engine(dir.sqlite_url("delete.db"), {{"journal_mode", "delete"}, {"foreign_keys", "off"}},
                [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<std::string>("PRAGMA journal_mode"), "delete");
        EXPECT_EQ(co_await c.scalar<int>("PRAGMA foreign_keys"), 0);
    });
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "wal.db"));
}

TEST_F(SqliteOnly, RelativePathsAreRelativeToTheWorkingDirectory) {
    const auto previous = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    with_engine("sqlite:///relative.db", {}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE t (x INTEGER)");
        co_await c.commit();
    });
    std::filesystem::current_path(previous);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "relative.db"));
}

// Two tasks each read then write in one transaction. With deferred BEGIN both
// take a read lock and one of them cannot upgrade (SQLite answers BUSY at
// once, since waiting could never succeed); with BEGIN IMMEDIATE the second
// waits for the first and both commit.
asio::awaitable<std::pair<int, int>> read_then_write_race(Engine& engine) {
    {
        auto setup = co_await engine.connect();
        co_await setup.execute("CREATE TABLE IF NOT EXISTS counter (n INTEGER)");
        co_await setup.execute("DELETE FROM counter");
        co_await setup.execute("INSERT INTO counter VALUES (0)");
        co_await setup.commit();
    }
    auto ex = co_await asio::this_coro::executor;
    int committed = 0, busy = 0, finished = 0;
    for (int task = 0; task < 2; ++task) {
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            try {
                co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
                    auto n = co_await c.scalar<int>("SELECT n FROM counter");
                    co_await sleep_for(20ms);  // both hold their read snapshot now
                    co_await c.execute("UPDATE counter SET n = :n", {{"n", n + 1}});
                });
                ++committed;
            } catch (const OperationalError& e) {
                if (e.kind() == ErrorKind::lock_timeout) ++busy;
            }
            ++finished;
        }, asio::detached);
    }
    while (finished < 2) co_await sleep_for(5ms);
    co_return std::pair{committed, busy};
}

TEST_F(SqliteOnly, BeginImmediateMakesConcurrentWritersWaitInsteadOfFailing) {
    with_engine(dir.sqlite_url("deferred.db"), {}, [](Engine& engine) -> asio::awaitable<void> {
        auto [committed, busy] = co_await read_then_write_race(engine);
        EXPECT_EQ(committed, 1);
        EXPECT_EQ(busy, 1);
    });
    with_engine(dir.sqlite_url("immediate.db"), {{"begin", "immediate"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto [committed, busy] = co_await read_then_write_race(engine);
        EXPECT_EQ(committed, 2);
        EXPECT_EQ(busy, 0);
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT n FROM counter"), 2);
    });
}

TEST_F(SqliteOnly, BusyTimeoutBoundsTheWaitForALock) {
    with_engine(dir.sqlite_url("busy.db"), {{"busy_timeout", "0.15"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto holder = co_await engine.connect();
        co_await holder.execute("CREATE TABLE t (x INTEGER)");
        co_await holder.commit();
        co_await holder.execute("INSERT INTO t VALUES (1)");  // holds the write lock
        auto other = co_await engine.connect();
        const auto started = std::chrono::steady_clock::now();
        bool locked = false;
        try {
            co_await other.execute("INSERT INTO t VALUES (2)");
        } catch (const OperationalError& e) {
            locked = e.kind() == ErrorKind::lock_timeout;
        }
        const auto waited = std::chrono::steady_clock::now() - started;
        EXPECT_TRUE(locked);
        EXPECT_GE(waited, 140ms);
        EXPECT_LT(waited, 2s);
        co_await holder.commit();
        co_await other.execute("INSERT INTO t VALUES (2)");
        co_await other.commit();
    });
}

TEST_F(SqliteOnly, InMemoryDatabaseIsSharedThroughOneConnection) {
    with_engine("sqlite://", {}, [](Engine& engine) -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
            co_await c.execute("CREATE TABLE t (x INTEGER)");
            co_await c.execute("INSERT INTO t VALUES (1)");
            co_await c.commit();
        }
        auto again = co_await engine.connect();
        EXPECT_EQ(co_await again.scalar<int>("SELECT COUNT(*) FROM t"), 1);
        EXPECT_EQ(engine.pool_status().kind, "StaticPool");
        EXPECT_EQ(engine.pool_status().connects, 1u);
    });
}

TEST_F(SqliteOnly, InMemoryCheckoutsWaitForTheOneConnection) {
    with_engine("sqlite:///:memory:", {{"pool_timeout", "0.05"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto first = co_await engine.connect();
        EXPECT_THROW(co_await engine.connect(), TimeoutError);
    });
}

TEST_F(SqliteOnly, InlineExecutionRunsOnTheCallingThread) {
    with_engine(dir.sqlite_url("inline.db"), {{"execution", "inline"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE t (x INTEGER)");
        std::vector<Params> rows;
        for (int i = 0; i < 100; ++i) rows.push_back({{"x", i}});
        co_await c.execute_many("INSERT INTO t VALUES (:x)", rows);
        co_await c.commit();
        EXPECT_EQ(co_await c.scalar<int>("SELECT SUM(x) FROM t"), 4950);
        auto stream = co_await c.stream("SELECT x FROM t");
        std::size_t n = 0;
        while (auto part = co_await stream.partition(30)) n += part.size();
        EXPECT_EQ(n, 100u);
    });
}

TEST_F(SqliteOnly, DeclaredTypesDecideTheDecodedKind) {
    with_engine(dir.sqlite_url("types.db"), {}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE t (flag BOOLEAN, at DATETIME, day DATE, plain)");
        co_await c.execute("INSERT INTO t VALUES (1, '2024-01-01 00:00:05', '2024-03-01', 5)");
        auto row = (co_await c.execute("SELECT flag, at, day, plain, flag + 0 AS expr FROM t")).one();
        EXPECT_EQ(row["flag"].kind(), ValueKind::boolean);
        EXPECT_EQ(row["at"].kind(), ValueKind::timestamp);
        EXPECT_EQ(row["day"].kind(), ValueKind::date);
        EXPECT_EQ(row["plain"].kind(), ValueKind::integer);
        EXPECT_EQ(row["expr"].kind(), ValueKind::integer) << "expressions have no declared type";
        // Text in a column without a date type still reads as a timestamp on request.
        auto text = co_await c.scalar<Timestamp>("SELECT '2024-01-01 00:00:05'");
        EXPECT_EQ(text, row.get<Timestamp>("at"));
    });
}

TEST_F(SqliteOnly, OnlyOneStatementPerCall) {
    with_engine(dir.sqlite_url("multi.db"), {}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        EXPECT_THROW(co_await c.execute("SELECT 1; SELECT 2"), ProgrammingError);
        EXPECT_EQ(co_await c.scalar<int>("SELECT 3;"), 3);
    });
}

TEST_F(SqliteOnly, UnknownOrBadDriverOptionsAreRejectedBeforeConnecting) {
    EXPECT_THROW(create_engine(dir.sqlite_url("x.db") + "?journal_mode=sideways"), ArgumentError);
    EXPECT_THROW(create_engine(dir.sqlite_url("x.db") + "?begin=later"), ArgumentError);
    EXPECT_THROW(create_engine(dir.sqlite_url("x.db") + "?busy_timeout=soon"), ArgumentError);
    EXPECT_THROW(create_engine(dir.sqlite_url("x.db") + "?isolation_level=READ%20COMMITTED"), ArgumentError);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "x.db"));
}

TEST(SqliteStatementCache, KeepsTheMostRecentlyUsedUpToItsCapacity) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
    sqlite::api::Database db(raw);
    sqlite::StatementCache cache(2);
    for (const char* sql : {"SELECT 1", "SELECT 2", "SELECT 1", "SELECT 3"}) {
        auto statement = cache.borrow(db.get(), sql);
        EXPECT_EQ(statement->sql, sql);
    }
    EXPECT_EQ(cache.size(), 2u);
    // "SELECT 2" was least recently used and is gone; "SELECT 1" stays.
    auto kept = cache.take(db.get(), "SELECT 1");
    EXPECT_EQ(cache.size(), 1u);
    cache.give_back(std::move(kept));
    auto evicted = cache.take(db.get(), "SELECT 2");
    EXPECT_EQ(cache.size(), 2u) << "a miss prepares anew and leaves the cache as it was";
    cache.give_back(std::move(evicted));
    EXPECT_EQ(cache.size(), 2u);

    sqlite::StatementCache none(0);
    { auto s = none.borrow(db.get(), "SELECT 1"); }
    EXPECT_EQ(none.size(), 0u);
}

}  // namespace
}  // namespace asyncsql::test
