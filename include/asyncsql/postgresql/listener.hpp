#pragma once
// LISTEN/NOTIFY: notifications from PostgreSQL on a dedicated connection of
// its own (not from the pool, since it must stay open and idle).
//
//   asyncsql::postgresql::Listener listener(engine);
//   co_await listener.listen("orders");
//   for (;;) { auto n = co_await listener.next(); ... n.payload ... }
//
// When the connection is lost, next() reconnects (with back-off) and listens
// again on every channel; notifications sent while it was away are lost, as
// PostgreSQL only delivers to sessions listening at the time. Cancelling
// next() (an Asio cancellation or timeout) leaves the listener usable.
// Not thread-safe; use it on the engine's executor.

#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/engine/engine.hpp"

namespace asyncsql::postgresql {

struct Notification {
    std::string channel;
    std::string payload;
    std::int64_t sender_pid = 0;
};

class Listener {
public:
    // Throws ArgumentError when `engine` is not a PostgreSQL engine.
    explicit Listener(const Engine& engine);
    Listener(Listener&&) noexcept;
    Listener& operator=(Listener&&) noexcept;
    ~Listener();

    boost::asio::awaitable<void> listen(std::string channel);
    boost::asio::awaitable<void> unlisten(std::string channel);
    // The next notification on any channel listened to.
    boost::asio::awaitable<Notification> next();
    boost::asio::awaitable<void> close();

    // How many times the connection was re-established.
    std::uint64_t reconnects() const noexcept;
    // The server process of the current connection (0 before the first).
    std::int64_t backend_pid() const noexcept;

    struct State;

private:
    std::unique_ptr<State> state_;
};

}  // namespace asyncsql::postgresql
