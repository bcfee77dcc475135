#pragma once
// FaultProxy: a TCP proxy for fault tests. It listens on an ephemeral port of
// 127.0.0.1 and forwards every connection to a target, on an io_context and a
// thread of its own, so it keeps forwarding while a test's event loop runs and
// while the test thread blocks. Point a database URL at host()/port() and
// inject faults from any thread:
//
//   FaultProxy proxy("127.0.0.1", server_port);
//   proxy.set_latency(5ms);                         // per forwarded chunk
//   proxy.stall(); ...; proxy.resume();             // hold all traffic
//   proxy.cut_all();                                // drop every live connection
//   proxy.cut_at(1000, FaultProxy::Flow::to_client);      // each connection, at byte 1000
//   proxy.cut_randomly(0, 20000, 42);               // each connection, at a seeded random byte
//   proxy.refuse(FaultProxy::Refusal::close_on_accept);   // new connections fail
//
// Every control has taken effect when it returns. Cut rules apply to live
// connections too (offsets count from each connection's first byte) and stay
// until never_cut(). A cut closes both sides of that connection, after
// forwarding exactly the bytes up to the cut point.
//
// The destructor closes everything and joins the thread. The target must be a
// numeric address: resolving names would start a resolver thread that fault
// tests would count as leaked.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace asyncsql::test {

class FaultProxy {
public:
    // Which bytes a cut offset counts.
    enum class Flow { to_server, to_client, both };

    enum class Refusal {
        none,             // accept and forward
        close_on_accept,  // accept, then close at once: the client sees the connection end
        stop_accepting,   // leave new connections in the listen backlog: the client's handshake
                          // completes but nothing answers; accepted (and forwarded) again after
                          // refuse(Refusal::none)
    };

    struct Counters {
        std::uint64_t accepted = 0;  // connections forwarded to the target
        std::uint64_t refused = 0;   // connections closed on accept
        std::uint64_t cut = 0;       // connections closed by a fault (cut_all or a cut rule)
        std::uint64_t live = 0;      // connections open now
        std::uint64_t bytes_to_server = 0;
        std::uint64_t bytes_to_client = 0;
    };

    FaultProxy(std::string target_address, std::uint16_t target_port);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    std::string host() const { return "127.0.0.1"; }
    std::uint16_t port() const noexcept;

    // Each chunk waits this long before it is forwarded (zero: none).
    void set_latency(std::chrono::milliseconds per_chunk);
    // Stops forwarding in both directions until resume(); data read meanwhile is held.
    void stall();
    void resume();
    // Closes every live connection now.
    void cut_all();
    // Cuts each connection once `offset` bytes of `flow` have passed.
    void cut_at(std::uint64_t offset, Flow flow = Flow::both);
    // Cuts each connection at an offset drawn uniformly from [min_offset,
    // max_offset] by a generator seeded with `seed`, one draw per connection.
    void cut_randomly(std::uint64_t min_offset, std::uint64_t max_offset, std::uint32_t seed,
                      Flow flow = Flow::both);
    // Removes the cut rule, from live connections too.
    void never_cut();
    void refuse(Refusal refusal);

    Counters counters() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace asyncsql::test
