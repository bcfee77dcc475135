// The SQLite execution modes (driver option `execution`): cooperative, the
// default, runs statements on the caller's thread in time slices and moves to
// the worker thread only to wait (a lock, a long single step, a COMMIT that
// syncs to disk); the event loop is never blocked for long either way.

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"
#include "support/process_resources.hpp"
#include "support/temp_dir.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ExecutionModes : public ::testing::Test {
protected:
    TempDir dir;

    // A file engine whose connections use `mode`, committing without a
    // sync to disk (WAL with synchronous=NORMAL).
    Engine engine_with(const std::string& mode) {
        return create_engine(dir.sqlite_url(mode + ".db"), {{"execution", mode}, {"synchronous", "NORMAL"}});
    }
};

asio::awaitable<void> fill_big(Engine& engine) {
    auto c = co_await engine.connect();
    co_await c.execute("CREATE TABLE big (i INTEGER)");
    co_await c.execute(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000) "
        "INSERT INTO big SELECT i FROM s");
    co_await c.commit();
}

// Ticks every millisecond until stopped. The ticks counted while a statement
// runs show that the event loop went on meanwhile; counting ticks rather
// than timing gaps keeps the tests honest on a loaded machine.
struct Ticker {
    bool stop = false;
    bool stopped = false;
    int ticks = 0;

    asio::awaitable<void> run() {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (!stop) {
            timer.expires_after(1ms);
            co_await timer.async_wait(asio::use_awaitable);
            ++ticks;
        }
        stopped = true;
    }
    asio::awaitable<void> finish() {
        stop = true;
        asio::steady_timer pause(co_await asio::this_coro::executor);
        while (!stopped) {
            pause.expires_after(1ms);
            co_await pause.async_wait(asio::use_awaitable);
        }
    }
};

TEST_F(ExecutionModes, CooperativeIsTheDefaultAndShortStatementsStartNoThread) {
    const auto before = ProcessResources::now();
    run_with_engine(create_engine(dir.sqlite_url("default.db"), {{"synchronous", "NORMAL"}}),
                    [&](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
        for (int i = 0; i < 200; ++i) co_await c.execute("INSERT INTO t VALUES (:id, 'n')", {{"id", i}});
        co_await c.commit();
        int found = 0;
        for (int i = 0; i < 200; ++i) found += co_await c.scalar<int>("SELECT COUNT(*) FROM t WHERE id = :id", {{"id", i}});
        EXPECT_EQ(found, 200);
        EXPECT_EQ(ProcessResources::now().threads, before.threads) << "no worker thread was needed";
    });
}

// A long read runs in 2 ms slices on the caller's thread and lets the other
// tasks run between them. (It returns a tenth of the rows: growing one
// buffer of a million values is a copy no slice can split.)
TEST_F(ExecutionModes, LongReadYieldsToOtherTasksBetweenSlices) {
    const auto before = ProcessResources::now();
    run_with_engine(engine_with("cooperative"), [&](Engine& engine) -> asio::awaitable<void> {
        co_await fill_big(engine);
        Ticker ticker;
        asio::co_spawn(co_await asio::this_coro::executor, ticker.run(), asio::detached);
        auto c = co_await engine.connect();
        const auto started = Clock::now();
        const int ticks_before = ticker.ticks;
        auto rows = co_await c.execute("SELECT i, 'row ' || i AS label FROM big WHERE i % 10 = 0");
        const int ticks_during = ticker.ticks - ticks_before;
        const auto took = Clock::now() - started;
        co_await ticker.finish();
        EXPECT_EQ(rows.remaining(), 20000u);
        EXPECT_GT(took, 20ms) << "too quick to show anything";
        EXPECT_GE(ticks_during, 3) << "the loop was blocked";
        EXPECT_EQ(ProcessResources::now().threads, before.threads) << "slices stay on the caller's thread";
    });
}

// One step that runs long (an aggregate over a join) is stopped at the end of
// its slice and run again on the worker.
TEST_F(ExecutionModes, LongSingleStepMovesToTheWorker) {
    run_with_engine(engine_with("cooperative"), [&](Engine& engine) -> asio::awaitable<void> {
        co_await fill_big(engine);
        Ticker ticker;
        asio::co_spawn(co_await asio::this_coro::executor, ticker.run(), asio::detached);
        auto c = co_await engine.connect();
        const auto threads_before = ProcessResources::now().threads;
        const int ticks_before = ticker.ticks;
        const auto count = co_await c.scalar<std::int64_t>(
            "SELECT COUNT(*) FROM big AS a, big AS b WHERE b.i <= 40 AND (a.i + b.i) % 7 = 0");
        const int ticks_during = ticker.ticks - ticks_before;
        co_await ticker.finish();
        std::int64_t expected = 0;
        for (int a = 1; a <= 200000; ++a)
            for (int b = 1; b <= 40; ++b) expected += (a + b) % 7 == 0;
        EXPECT_EQ(count, expected);
        EXPECT_GE(ticks_during, 3) << "the loop was blocked";
        EXPECT_EQ(ProcessResources::now().threads, threads_before + 1) << "the worker took the statement";
    });
}

// A writer waiting for another connection's lock waits on the worker; the
// loop goes on meanwhile.
TEST_F(ExecutionModes, LockWaitMovesToTheWorker) {
    run_with_engine(engine_with("cooperative"), [&](Engine& engine) -> asio::awaitable<void> {
        auto holder = co_await engine.connect();
        co_await holder.execute("CREATE TABLE t (x INTEGER)");
        co_await holder.commit();
        co_await holder.execute("INSERT INTO t VALUES (1)");  // holds the write lock
        Ticker ticker;
        auto ex = co_await asio::this_coro::executor;
        asio::co_spawn(ex, ticker.run(), asio::detached);
        bool inserted = false;
        std::string failure;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            try {
                auto waiter = co_await engine.connect();
                co_await waiter.execute("INSERT INTO t VALUES (2)");
                co_await waiter.commit();
                inserted = true;
            } catch (const std::exception& e) {
                failure = e.what();
            }
        }, asio::detached);
        const int ticks_before = ticker.ticks;
        asio::steady_timer pause(ex, 200ms);
        co_await pause.async_wait(asio::use_awaitable);
        EXPECT_FALSE(inserted) << "the lock is still held";
        EXPECT_GE(ticker.ticks - ticks_before, 3) << "the loop was blocked while the writer waited";
        co_await holder.commit();
        for (int i = 0; i < 200 && !inserted && failure.empty(); ++i) {
            pause.expires_after(5ms);
            co_await pause.async_wait(asio::use_awaitable);
        }
        co_await ticker.finish();
        EXPECT_TRUE(inserted) << failure;
        EXPECT_EQ(co_await holder.scalar<int>("SELECT COUNT(*) FROM t"), 2);
    });
}

// With synchronous=FULL every COMMIT waits for the disk: it goes to the
// worker. With NORMAL in WAL mode it does not, and stays on the caller.
TEST_F(ExecutionModes, CommitThatSyncsToDiskGoesToTheWorker) {
    for (const std::string synchronous : {"FULL", "NORMAL"}) {
        const auto before = ProcessResources::now();
        run_with_engine(create_engine(dir.sqlite_url("sync_" + synchronous + ".db"), {{"synchronous", synchronous}}),
                        [&](Engine& engine) -> asio::awaitable<void> {
            auto c = co_await engine.connect();
            co_await c.execute("CREATE TABLE t (x INTEGER)");
            const auto threads_before_commit = ProcessResources::now().threads;
            co_await c.commit();
            const std::size_t expected = threads_before_commit + (synchronous == "FULL" ? 1 : 0);
            EXPECT_EQ(ProcessResources::now().threads, expected) << "synchronous=" << synchronous;
        });
        EXPECT_EQ(wait_until_released(before), "") << "the worker is joined when the connection closes";
    }
}

// The same work gives the same results in every mode.
TEST_F(ExecutionModes, EveryModeGivesTheSameResults) {
    for (const std::string mode : {"cooperative", "thread", "inline"}) {
        run_with_engine(engine_with(mode), [&](Engine& engine) -> asio::awaitable<void> {
            co_await fill_big(engine);
            auto c = co_await engine.connect();
            EXPECT_EQ(co_await c.scalar<std::int64_t>("SELECT SUM(i) FROM big"), 200000LL * 200001 / 2) << mode;
            auto stream = co_await c.stream("SELECT i FROM big WHERE i % 1000 = 0");
            std::int64_t sum = 0;
            while (auto part = co_await stream.partition(37))
                for (const auto& row : part) sum += row.get<std::int64_t>(0);
            EXPECT_EQ(sum, 1000LL * (200 * 201 / 2)) << mode;
        });
    }
}

}  // namespace
}  // namespace asyncsql::test
