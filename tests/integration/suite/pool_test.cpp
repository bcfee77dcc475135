// The pool under load, at its limits, and its bookkeeping.

#include <random>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "suite/suite.hpp"
#include "support/sleep.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Spawns `n` copies of make(i) and waits for all of them.
template <class Make>
asio::awaitable<void> run_all(int n, Make make) {
    auto ex = co_await asio::this_coro::executor;
    int left = n;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    for (int i = 0; i < n; ++i)
        asio::co_spawn(ex, make(i), [&](std::exception_ptr) {
            if (--left == 0) done.cancel();
        });
    if (left > 0) {
        boost::system::error_code ec;
        co_await done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

using PoolSuite = EngineSuite;

TEST_F(PoolSuite, TwoHundredTasksOverFourConnectionsWithRandomFailures) {
    with_engine({{"pool_size", "4"}, {"max_overflow", "0"}, {"pool_timeout", "30"}},
                [](Engine& engine) -> asio::awaitable<void> {
        co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
            co_await c.execute("CREATE TABLE hits (task INTEGER PRIMARY KEY)");
        });
        int committed = 0, failed = 0;
        co_await run_all(200, [&](int task) -> asio::awaitable<void> {
            std::mt19937 rng(static_cast<unsigned>(task));
            try {
                co_await engine.transaction([&](Connection& c) -> asio::awaitable<void> {
                    co_await c.execute("INSERT INTO hits VALUES (:t)", {{"t", task}});
                    if (rng() % 4 == 0) throw std::runtime_error("random failure");
                    if (rng() % 7 == 0) co_await c.execute("SELECT no_such_column FROM hits");
                });
                ++committed;
            } catch (...) {
                ++failed;
            }
        });
        EXPECT_EQ(committed + failed, 200);
        EXPECT_GT(failed, 0);
        const PoolStatus status = engine.pool_status();
        EXPECT_EQ(status.checked_out, 0u) << status.to_string();
        EXPECT_EQ(status.waiters, 0u);
        EXPECT_LE(status.connections, 4u);
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT COUNT(*) FROM hits"), committed);
    });
}

TEST_F(PoolSuite, ExhaustedPoolRaisesTimeoutErrorNamingTheHolders) {
    with_engine({{"pool_size", "2"}, {"max_overflow", "0"}, {"pool_timeout", "0.1"}},
                [](Engine& engine) -> asio::awaitable<void> {
        auto a = co_await engine.connect("report-job");
        auto b = co_await engine.connect();
        const auto started = std::chrono::steady_clock::now();
        try {
            co_await engine.connect("third");
            ADD_FAILURE() << "a third checkout succeeded";
        } catch (const TimeoutError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::pool_timeout);
            const std::string text = e.what();
            EXPECT_NE(text.find("report-job"), std::string::npos) << text;
            EXPECT_NE(text.find("pool_size 2"), std::string::npos) << text;
        }
        EXPECT_GE(std::chrono::steady_clock::now() - started, 100ms);
        EXPECT_EQ(engine.pool_status().timeouts, 1u);
        EXPECT_EQ(engine.pool_status().holders.size(), 2u);
        EXPECT_EQ(engine.pool_status().holders[0].label, "report-job");
    });
}

TEST_F(PoolSuite, WaitersAreServedInArrivalOrder) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        std::vector<int> order;
        auto holder = std::make_unique<Connection>(co_await engine.connect());
        auto ex = co_await asio::this_coro::executor;
        int finished = 0;
        for (int i = 0; i < 5; ++i) {
            asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
                auto c = co_await engine.connect();
                order.push_back(i);
                co_await sleep_for(1ms);
                ++finished;
            }, asio::detached);
            co_await sleep_for(2ms);
        }
        EXPECT_EQ(engine.pool_status().waiters, 5u);
        holder.reset();
        while (finished < 5) co_await sleep_for(2ms);
        EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
    });
}

TEST_F(PoolSuite, PoolSizeZeroMeansNoLimit) {
    with_engine({{"pool_size", "0"}, {"max_overflow", "0"}, {"pool_timeout", "0.05"}},
                [](Engine& engine) -> asio::awaitable<void> {
        std::vector<Connection> held;
        for (int i = 0; i < 12; ++i) held.push_back(co_await engine.connect());
        EXPECT_EQ(engine.pool_status().checked_out, 12u);
        held.clear();
        EXPECT_EQ(engine.pool_status().idle, 12u);
    });
}

TEST_F(PoolSuite, OverflowConnectionsAreClosedWhenReturned) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "2"}}, [](Engine& engine) -> asio::awaitable<void> {
        {
            auto a = co_await engine.connect();
            auto b = co_await engine.connect();
            auto c = co_await engine.connect();
            EXPECT_EQ(engine.pool_status().overflow, 2u);
        }
        const auto status = engine.pool_status();
        EXPECT_EQ(status.idle, 1u);
        EXPECT_EQ(status.discards, 2u);
    });
}

TEST_F(PoolSuite, LifoReusesTheMostRecentlyReturned) {
    with_engine({{"pool_size", "3"}, {"pool_use_lifo", "true"}}, [](Engine& engine) -> asio::awaitable<void> {
        std::uint64_t last = 0;
        {
            auto a = co_await engine.connect();
            auto b = co_await engine.connect();
            auto c = co_await engine.connect();
            last = c.id();
            a.close();
            b.close();
            c.close();
        }
        auto again = co_await engine.connect();
        EXPECT_EQ(again.id(), last);
    });
}

TEST_F(PoolSuite, FifoReusesTheLongestIdle) {
    with_engine({{"pool_size", "3"}}, [](Engine& engine) -> asio::awaitable<void> {
        std::uint64_t first = 0;
        {
            auto a = co_await engine.connect();
            auto b = co_await engine.connect();
            first = a.id();
            a.close();
            b.close();
        }
        auto again = co_await engine.connect();
        EXPECT_EQ(again.id(), first);
    });
}

TEST_F(PoolSuite, NullPoolOpensAndClosesPerCheckout) {
    with_engine({{"poolclass", "null"}}, [](Engine& engine) -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
            auto c = co_await engine.connect();
            EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
        }
        const auto status = engine.pool_status();
        EXPECT_EQ(status.connects, 3u);
        EXPECT_EQ(status.idle, 0u);
        EXPECT_EQ(status.kind, "NullPool");
    });
}

TEST_F(PoolSuite, InvalidatedConnectionIsReplaced) {
    with_engine({{"pool_size", "1"}}, [](Engine& engine) -> asio::awaitable<void> {
        std::uint64_t old_id = 0;
        {
            auto c = co_await engine.connect();
            old_id = c.id();
            c.invalidate();
            EXPECT_TRUE(c.closed());
        }
        auto fresh = co_await engine.connect();
        EXPECT_NE(fresh.id(), old_id);
        EXPECT_EQ(co_await fresh.scalar<int>("SELECT 2"), 2);
    });
}

TEST_F(PoolSuite, RecycleAndPrePingReplaceOrCheckIdleConnections) {
    with_engine({{"pool_recycle", "0.3"}, {"pool_pre_ping", "true"}}, [](Engine& engine) -> asio::awaitable<void> {
        std::uint64_t old_id = 0;
        {
            auto c = co_await engine.connect();
            old_id = c.id();
        }
        {
            auto c = co_await engine.connect();
            EXPECT_EQ(c.id(), old_id) << "young enough to reuse after a ping";
        }
        co_await sleep_for(400ms);
        auto c = co_await engine.connect();
        EXPECT_NE(c.id(), old_id) << "older than pool_recycle";
    });
}

TEST_F(PoolSuite, CancelledWaiterLeavesTheQueue) {
    with_engine({{"pool_size", "1"}, {"max_overflow", "0"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto holder = co_await engine.connect();
        auto ex = co_await asio::this_coro::executor;
        asio::cancellation_signal cancel;
        bool cancelled = false;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> { auto c = co_await engine.connect(); },
                       asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) { cancelled = e != nullptr; }));
        co_await sleep_for(5ms);
        EXPECT_EQ(engine.pool_status().waiters, 1u);
        cancel.emit(asio::cancellation_type::terminal);
        co_await sleep_for(5ms);
        EXPECT_TRUE(cancelled);
        EXPECT_EQ(engine.pool_status().waiters, 0u);
        holder.close();
        auto c = co_await engine.connect();
        EXPECT_EQ(engine.pool_status().checked_out, 1u);
    });
}

TEST_F(PoolSuite, DisposeClosesEverythingAndANewPoolStartsAfterwards) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
        }
        EXPECT_EQ(engine.pool_status().idle, 1u);
        co_await engine.dispose();
        auto c = co_await engine.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 3"), 3);
    });
}

}  // namespace
}  // namespace asyncsql::test
