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

}  // namespace
}  // namespace asyncsql::test
