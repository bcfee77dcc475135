// FaultProxy (tests/support/fault_proxy.hpp) against an in-process echo server,
// driven by a blocking client on the test thread.

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "support/fault_proxy.hpp"
#include "support/process_resources.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Echoes every byte back, on a thread of its own, and records how many bytes
// each connection brought in.
class EchoServer {
public:
    EchoServer() {
        const tcp::endpoint listen_on(asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(listen_on.protocol());
        acceptor_.bind(listen_on);
        acceptor_.listen();
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~EchoServer() {
        io_.stop();
        thread_.join();
    }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    // Bytes received by each connection so far, in the order they were accepted.
    std::vector<std::uint64_t> received() const {
        std::lock_guard lock(mutex_);
        return received_;
    }

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
            std::size_t index = 0;
            {
                std::lock_guard lock(mutex_);
                index = received_.size();
                received_.push_back(0);
            }
            asio::co_spawn(io_, echo(std::move(socket), index), asio::detached);
        }
    }

    asio::awaitable<void> echo(tcp::socket socket, std::size_t index) {
        char buffer[4096];
        for (;;) {
            boost::system::error_code ec;
            const asio::mutable_buffer into = asio::buffer(buffer);
            const std::size_t size = co_await socket.async_read_some(into, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            {
                std::lock_guard lock(mutex_);
                received_[index] += size;
            }
            const asio::const_buffer out = asio::buffer(buffer, size);
            co_await asio::async_write(socket, out, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
        }
    }

    asio::io_context io_;
    tcp::acceptor acceptor_{io_};
    mutable std::mutex mutex_;
    std::vector<std::uint64_t> received_;
    std::thread thread_;
};

// A blocking client of the proxy.
class Client {
public:
    explicit Client(std::uint16_t port) {
        socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }

    void send(const std::string& text) {
        boost::system::error_code ec;
        asio::write(socket_, asio::buffer(text), ec);
    }

    // What arrives within `patience`, stopping early once `want` bytes came or
    // the connection ended.
    std::string receive(std::size_t want, std::chrono::milliseconds patience) {
        std::string got;
        const auto deadline = Clock::now() + patience;
        while (got.size() < want && !ended_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) break;
            pollfd fd{.fd = socket_.native_handle(), .events = POLLIN, .revents = 0};
            if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
            char buffer[4096];
            boost::system::error_code ec;
            const std::size_t size = socket_.read_some(asio::buffer(buffer), ec);
            got.append(buffer, size);
            if (ec) ended_ = true;
        }
        return got;
    }

    // True once the connection has ended (reading what is left in between).
    bool ends_within(std::chrono::milliseconds patience) {
        receive(SIZE_MAX, patience);
        return ended_;
    }

private:
    asio::io_context io_;
    tcp::socket socket_{io_};
    bool ended_ = false;
};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds patience = 2s) {
    const auto deadline = Clock::now() + patience;
    while (!condition()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

TEST(FaultProxy, ForwardsBothWaysAndCounts) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    Client client(proxy.port());
    client.send("hello");
    EXPECT_EQ(client.receive(5, 2s), "hello");
    const auto counters = proxy.counters();
    EXPECT_EQ(counters.accepted, 1u);
    EXPECT_EQ(counters.live, 1u);
    EXPECT_EQ(counters.bytes_to_server, 5u);
    EXPECT_EQ(counters.bytes_to_client, 5u);
    EXPECT_EQ(counters.cut, 0u);
}

TEST(FaultProxy, LatencyDelaysEveryChunk) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    proxy.set_latency(100ms);
    Client client(proxy.port());
    const auto started = Clock::now();
    client.send("ping");
    EXPECT_EQ(client.receive(4, 2s), "ping");
    EXPECT_GE(Clock::now() - started, 200ms) << "100 ms each way";
}

TEST(FaultProxy, StallHoldsTrafficUntilResumed) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    Client client(proxy.port());
    proxy.stall();
    client.send("held");
    EXPECT_EQ(client.receive(4, 200ms), "");
    EXPECT_EQ(echo.received(), std::vector<std::uint64_t>{0});
    proxy.resume();
    EXPECT_EQ(client.receive(4, 2s), "held");
}

TEST(FaultProxy, CutAllEndsEveryLiveConnection) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    Client first(proxy.port()), second(proxy.port());
    first.send("a");
    second.send("b");
    ASSERT_EQ(first.receive(1, 2s), "a");
    ASSERT_EQ(second.receive(1, 2s), "b");
    proxy.cut_all();
    EXPECT_TRUE(first.ends_within(2s));
    EXPECT_TRUE(second.ends_within(2s));
    EXPECT_EQ(proxy.counters().cut, 2u);
    EXPECT_EQ(proxy.counters().live, 0u);
    Client later(proxy.port());
    later.send("c");
    EXPECT_EQ(later.receive(1, 2s), "c") << "new connections are forwarded";
}

TEST(FaultProxy, CutAtForwardsExactlyTheBytesBeforeTheOffset) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    proxy.cut_at(10, FaultProxy::Flow::to_server);
    Client client(proxy.port());
    client.send("0123456");
    EXPECT_EQ(client.receive(7, 2s), "0123456");
    client.send("789abcdef");
    EXPECT_TRUE(client.ends_within(2s));
    EXPECT_TRUE(eventually([&] { return echo.received() == std::vector<std::uint64_t>{10}; }));
    EXPECT_EQ(proxy.counters().bytes_to_server, 10u);
    EXPECT_EQ(proxy.counters().cut, 1u);
}

TEST(FaultProxy, CutAtCountsTheChosenDirection) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    proxy.cut_at(4, FaultProxy::Flow::to_client);
    Client client(proxy.port());
    client.send("abcdefgh");
    EXPECT_EQ(client.receive(8, 2s), "abcd");
    EXPECT_TRUE(client.ends_within(2s));
    EXPECT_EQ(proxy.counters().bytes_to_server, 8u);
    EXPECT_EQ(proxy.counters().bytes_to_client, 4u);
}

TEST(FaultProxy, CutRuleAppliesToLiveConnectionsAndCanBeRemoved) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    Client client(proxy.port());
    client.send("12345");
    ASSERT_EQ(client.receive(5, 2s), "12345");
    proxy.cut_at(12);  // both directions: 10 bytes passed already
    proxy.never_cut();
    client.send("678");
    EXPECT_EQ(client.receive(3, 2s), "678");
    proxy.cut_at(20);  // 16 passed: 4 more
    client.send("abcdef");
    EXPECT_EQ(client.receive(6, 2s), "");
    EXPECT_TRUE(client.ends_within(2s));
    EXPECT_TRUE(eventually([&] { return echo.received() == std::vector<std::uint64_t>{12}; }));
}

TEST(FaultProxy, CutRandomlyStaysInItsRangeAndFollowsTheSeed) {
    auto offsets_for = [](std::uint32_t seed) {
        EchoServer echo;
        FaultProxy proxy("127.0.0.1", echo.port());
        proxy.cut_randomly(5, 40, seed, FaultProxy::Flow::to_server);
        for (int i = 0; i < 6; ++i) {
            Client client(proxy.port());
            // One connection at a time, so that each takes the next draw.
            EXPECT_TRUE(eventually([&] { return proxy.counters().accepted == static_cast<std::uint64_t>(i + 1); }));
            client.send(std::string(64, 'x'));
            EXPECT_TRUE(client.ends_within(2s));
        }
        EXPECT_EQ(proxy.counters().cut, 6u);
        // The echo server may still be reading the last bytes forwarded.
        EXPECT_TRUE(eventually([&] {
            const auto received = echo.received();
            return std::accumulate(received.begin(), received.end(), std::uint64_t{0}) ==
                   proxy.counters().bytes_to_server;
        }));
        return echo.received();
    };
    const auto first = offsets_for(7);
    ASSERT_EQ(first.size(), 6u);
    for (const std::uint64_t offset : first) {
        EXPECT_GE(offset, 5u);
        EXPECT_LE(offset, 40u);
    }
    EXPECT_EQ(offsets_for(7), first);
}

TEST(FaultProxy, CloseOnAcceptRefusesNewConnections) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    proxy.refuse(FaultProxy::Refusal::close_on_accept);
    Client client(proxy.port());
    client.send("x");
    EXPECT_TRUE(client.ends_within(2s));
    EXPECT_EQ(proxy.counters().refused, 1u);
    EXPECT_EQ(proxy.counters().accepted, 0u);
    EXPECT_TRUE(echo.received().empty());
}

TEST(FaultProxy, StopAcceptingLeavesConnectionsUnansweredUntilAcceptingAgain) {
    EchoServer echo;
    FaultProxy proxy("127.0.0.1", echo.port());
    proxy.refuse(FaultProxy::Refusal::stop_accepting);
    Client client(proxy.port());  // the kernel completes the handshake from the backlog
    client.send("wait");
    EXPECT_EQ(client.receive(4, 200ms), "");
    EXPECT_EQ(proxy.counters().accepted, 0u);
    proxy.refuse(FaultProxy::Refusal::none);
    EXPECT_EQ(client.receive(4, 2s), "wait");
    EXPECT_EQ(proxy.counters().accepted, 1u);
}

TEST(FaultProxy, DestructorClosesEverythingAndJoinsItsThread) {
    EchoServer echo;
    const ProcessResources before = ProcessResources::now();
    {
        FaultProxy proxy("127.0.0.1", echo.port());
        proxy.stall();
        Client client(proxy.port());
        client.send("left in flight");
        EXPECT_TRUE(eventually([&] { return proxy.counters().live == 1; }));
    }
    EXPECT_EQ(wait_until_released(before), "");
}

}  // namespace
}  // namespace asyncsql::test
