#include "support/fault_proxy.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <future>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Flow = FaultProxy::Flow;

// One proxied connection: the client's socket and ours to the target.
struct Link {
    Link(tcp::socket from_client, asio::io_context& io) : client(std::move(from_client)), server(io) {}

    tcp::socket client;
    tcp::socket server;
    bool closed = false;
    std::uint64_t to_server = 0;
    std::uint64_t to_client = 0;
    std::optional<std::uint64_t> cut_offset;
    Flow cut_flow = Flow::both;

    std::uint64_t counted(Flow flow) const {
        switch (flow) {
        case Flow::to_server: return to_server;
        case Flow::to_client: return to_client;
        case Flow::both: break;
        }
        return to_server + to_client;
    }
    bool cut_counts(Flow direction) const { return cut_offset && (cut_flow == Flow::both || cut_flow == direction); }
    // How many of `size` bytes going `direction` may pass before the cut point.
    std::size_t allowance(Flow direction, std::size_t size) const {
        if (!cut_counts(direction)) return size;
        const std::uint64_t passed = counted(cut_flow);
        const std::uint64_t left = *cut_offset > passed ? *cut_offset - passed : 0;
        return static_cast<std::size_t>(std::min<std::uint64_t>(size, left));
    }
    bool cut_reached() const { return cut_offset && counted(cut_flow) >= *cut_offset; }
};

struct CutRule {
    enum class Kind { none, fixed, random } kind = Kind::none;
    Flow flow = Flow::both;
    std::uint64_t min_offset = 0;  // the offset itself for Kind::fixed
    std::uint64_t max_offset = 0;
};

}  // namespace

// Everything below runs on the proxy's thread, except the atomic counters and
// the constructor; controls reach it through on_proxy_thread().
struct FaultProxy::State {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    tcp::endpoint target;
    std::uint16_t port = 0;
    // Never expires: waiting on it parks a coroutine until wake_all() cancels it.
    asio::steady_timer wakeup{io, asio::steady_timer::time_point::max()};
    std::chrono::milliseconds latency{0};
    bool stalled = false;
    bool stopping = false;
    Refusal refusal = Refusal::none;
    CutRule rule;
    std::mt19937_64 rng;
    std::set<std::shared_ptr<Link>> links;

    std::atomic<std::uint64_t> accepted{0}, refused{0}, cut{0}, live{0}, bytes_to_server{0}, bytes_to_client{0};

    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::thread thread;

    template <class F>
    void on_proxy_thread(F fn) {
        std::promise<void> done;
        asio::post(io, [&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
    }

    void wake_all() { wakeup.cancel(); }

    template <class Blocked>
    asio::awaitable<void> wait_while(Blocked blocked) {
        while (!stopping && blocked()) {
            boost::system::error_code ignored;
            co_await wakeup.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
    }

    void apply_rule(Link& link) {
        link.cut_flow = rule.flow;
        switch (rule.kind) {
        case CutRule::Kind::none: link.cut_offset.reset(); break;
        case CutRule::Kind::fixed: link.cut_offset = rule.min_offset; break;
        case CutRule::Kind::random:
            link.cut_offset = std::uniform_int_distribution<std::uint64_t>(rule.min_offset, rule.max_offset)(rng);
            break;
        }
    }
    void set_rule(CutRule new_rule) {
        rule = new_rule;
        for (const auto& link : links) apply_rule(*link);
    }

    void close(const std::shared_ptr<Link>& link, bool as_fault) {
        if (link->closed) return;
        link->closed = true;
        // Counted first: whoever sees the connection end sees it counted.
        if (as_fault) ++cut;
        --live;
        boost::system::error_code ignored;
        link->client.close(ignored);
        link->server.close(ignored);
        links.erase(link);
    }

    asio::awaitable<void> pump(std::shared_ptr<Link> link, Flow direction) {
        tcp::socket& from = direction == Flow::to_server ? link->client : link->server;
        tcp::socket& to = direction == Flow::to_server ? link->server : link->client;
        std::array<char, 16384> buffer;
        asio::steady_timer delay(io);
        bool fault = false;
        for (;;) {
            boost::system::error_code ec;
            const asio::mutable_buffer into = asio::buffer(buffer);
            const std::size_t size = co_await from.async_read_some(into, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            if (latency.count() > 0) {
                delay.expires_after(latency);
                co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            co_await wait_while([this] { return stalled; });
            if (link->closed || stopping) break;
            const std::size_t allowed = link->allowance(direction, size);
            // Counted before the write: whoever receives the bytes sees them counted.
            (direction == Flow::to_server ? link->to_server : link->to_client) += allowed;
            (direction == Flow::to_server ? bytes_to_server : bytes_to_client) += allowed;
            const asio::const_buffer out = asio::buffer(buffer.data(), allowed);
            co_await asio::async_write(to, out, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            if (link->cut_reached() && link->cut_counts(direction)) {
                fault = true;
                break;
            }
        }
        // Either side ending ends the whole connection, as database protocols expect.
        close(link, fault);
    }

    asio::awaitable<void> forward(tcp::socket client) {
        auto link = std::make_shared<Link>(std::move(client), io);
        links.insert(link);
        ++live;
        ++accepted;
        apply_rule(*link);
        boost::system::error_code ec;
        co_await link->server.async_connect(target, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || link->closed) {
            close(link, false);
            co_return;
        }
        // Small protocol messages must not wait for Nagle's algorithm.
        link->client.set_option(tcp::no_delay(true), ec);
        link->server.set_option(tcp::no_delay(true), ec);
        asio::co_spawn(io, pump(link, Flow::to_server), asio::detached);
        asio::co_spawn(io, pump(link, Flow::to_client), asio::detached);
    }

    asio::awaitable<void> accept_loop() {
        asio::steady_timer pause(io);
        for (;;) {
            co_await wait_while([this] { return refusal == Refusal::stop_accepting; });
            if (stopping) co_return;
            boost::system::error_code ec;
            tcp::socket client = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (stopping) co_return;
            if (ec == asio::error::operation_aborted) continue;  // refuse(stop_accepting)
            if (ec) {  // out of descriptors, say: try again soon rather than spin
                pause.expires_after(std::chrono::milliseconds(10));
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            if (refusal == Refusal::close_on_accept) {
                ++refused;
                client.close(ec);
                continue;
            }
            asio::co_spawn(io, forward(std::move(client)), asio::detached);
        }
    }

    void shut_down() {
        stopping = true;
        boost::system::error_code ignored;
        acceptor.close(ignored);
        wake_all();
        const auto open = links;
        for (const auto& link : open) close(link, false);
    }
};

FaultProxy::FaultProxy(std::string target_address, std::uint16_t target_port) : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.target = tcp::endpoint(asio::ip::make_address(target_address), target_port);
    const tcp::endpoint listen_on(asio::ip::make_address("127.0.0.1"), 0);
    s.acceptor.open(listen_on.protocol());
    s.acceptor.set_option(tcp::acceptor::reuse_address(true));
    s.acceptor.bind(listen_on);
    s.acceptor.listen();
    s.port = s.acceptor.local_endpoint().port();
    asio::co_spawn(s.io, s.accept_loop(), asio::detached);
    s.thread = std::thread([&s] { s.io.run(); });
}

FaultProxy::~FaultProxy() {
    State& s = *state_;
    s.on_proxy_thread([&s] { s.shut_down(); });
    s.work.reset();
    s.thread.join();
}

std::uint16_t FaultProxy::port() const noexcept { return state_->port; }

void FaultProxy::set_latency(std::chrono::milliseconds per_chunk) {
    state_->on_proxy_thread([this, per_chunk] { state_->latency = per_chunk; });
}

void FaultProxy::stall() {
    state_->on_proxy_thread([this] { state_->stalled = true; });
}

void FaultProxy::resume() {
    state_->on_proxy_thread([this] {
        state_->stalled = false;
        state_->wake_all();
    });
}

void FaultProxy::cut_all() {
    state_->on_proxy_thread([this] {
        const auto open = state_->links;
        for (const auto& link : open) state_->close(link, true);
    });
}

void FaultProxy::cut_at(std::uint64_t offset, Flow flow) {
    state_->on_proxy_thread([this, offset, flow] {
        state_->set_rule({.kind = CutRule::Kind::fixed, .flow = flow, .min_offset = offset, .max_offset = offset});
    });
}

void FaultProxy::cut_randomly(std::uint64_t min_offset, std::uint64_t max_offset, std::uint32_t seed, Flow flow) {
    state_->on_proxy_thread([this, min_offset, max_offset, seed, flow] {
        state_->rng.seed(seed);
        state_->set_rule({.kind = CutRule::Kind::random,
                          .flow = flow,
                          .min_offset = std::min(min_offset, max_offset),
                          .max_offset = std::max(min_offset, max_offset)});
    });
}

void FaultProxy::never_cut() {
    state_->on_proxy_thread([this] { state_->set_rule({}); });
}

void FaultProxy::refuse(Refusal refusal) {
    state_->on_proxy_thread([this, refusal] {
        state_->refusal = refusal;
        boost::system::error_code ignored;
        // A pending accept would take the next connection: withdraw it.
        if (refusal == Refusal::stop_accepting) state_->acceptor.cancel(ignored);
        state_->wake_all();
    });
}

FaultProxy::Counters FaultProxy::counters() const {
    const State& s = *state_;
    return {.accepted = s.accepted.load(),
            .refused = s.refused.load(),
            .cut = s.cut.load(),
            .live = s.live.load(),
            .bytes_to_server = s.bytes_to_server.load(),
            .bytes_to_client = s.bytes_to_client.load()};
}

}  // namespace asyncsql::test
