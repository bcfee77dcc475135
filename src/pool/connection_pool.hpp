#pragma once
// One pool state machine serves the three policies: QueuePool (pool_size idle
// kept, max_overflow extra), NullPool (nothing kept) and StaticPool (exactly
// one connection, handed to one user at a time). All of it runs on the
// engine's executor; nothing here is thread-safe.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "asyncsql/error.hpp"
#include "asyncsql/pool/pool_status.hpp"
#include "backends/backend.hpp"
#include "driver/driver_connection.hpp"

namespace asyncsql::pool {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct PoolConfig {
    backends::PoolKind kind = backends::PoolKind::queue;
    std::size_t size = 5;
    std::size_t max_overflow = 10;
    std::chrono::milliseconds timeout{30000};
    std::optional<std::chrono::milliseconds> recycle;
    bool pre_ping = false;
    bool lifo = false;
    std::string reset_sql = "ROLLBACK";
};

// Called on the pool's executor; they must not throw (the engine's relays
// catch what its listeners throw).
struct PoolHooks {
    std::function<void(std::uint64_t id)> on_connect;
    std::function<void(std::uint64_t id, Clock::duration waited)> on_checkout;
    std::function<void(std::uint64_t id)> on_checkin;
    // A connect failed or a checkout timed out, just before it is thrown.
    std::function<void(const Error& error)> on_error;
    std::function<void(std::string_view message)> log;  // set when echo_pool
};

class ConnectionPool;

// A checked-out connection. Dropping it returns the connection without IO:
// the pool rolls back a dirty one in the background before reuse, and
// discards a broken or invalidated one.
class PooledConnection {
public:
    PooledConnection() = default;
    PooledConnection(PooledConnection&& other) noexcept;
    PooledConnection& operator=(PooledConnection&& other) noexcept;
    ~PooledConnection();

    explicit operator bool() const noexcept { return entry_ != nullptr; }
    driver::Connection& operator*() const noexcept;
    driver::Connection* operator->() const noexcept { return &**this; }
    std::uint64_t id() const noexcept;

    // The connection will be closed instead of reused.
    void invalidate() noexcept;
    // The connection was found broken: it is invalidated, and every idle
    // connection opened before now is pinged before its next use.
    void report_disconnect() noexcept;
    // Returns the connection now (the destructor's job, done early).
    void release() noexcept;
    // A checkout from acquire_shared() that no one else shares becomes a
    // whole one (true); false when others share it.
    bool take_whole() noexcept;

private:
    friend class ConnectionPool;
    struct Entry;
    PooledConnection(std::shared_ptr<ConnectionPool> pool, Entry* entry) noexcept
        : pool_(std::move(pool)), entry_(entry) {}

    std::shared_ptr<ConnectionPool> pool_;
    Entry* entry_ = nullptr;
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
public:
    using Connector = std::function<asio::awaitable<std::unique_ptr<driver::Connection>>()>;

    ConnectionPool(asio::any_io_executor executor, PoolConfig config, Connector connector,
                   PoolHooks hooks);
    ~ConnectionPool();

    // Waits at most config.timeout (TimeoutError naming the holders).
    // `wants_share` is for acquire_shared(): while waiting, it may be given
    // a share of a connection that became shared.
    asio::awaitable<PooledConnection> acquire(std::string label, bool wants_share = false);
    // A connection for one pipelined statement (driver::Connection::
    // execute_pipelined), which other such checkouts may hold at the same
    // time: an idle one, a new one while fewer than pool_size are open, else
    // the one shared by the fewest, else the first to come back. A shared
    // connection is never handed out whole until its last sharer lets go.
    asio::awaitable<PooledConnection> acquire_shared(std::string label);

    PoolStatus status() const;
    const asio::any_io_executor& executor() const noexcept { return executor_; }

    // Closes idle connections, fails waiters, and closes every connection
    // still checked out when it comes back. Acquire fails afterwards.
    asio::awaitable<void> dispose();

private:
    friend class PooledConnection;
    using Entry = PooledConnection::Entry;
    struct Waiter;

    std::size_t capacity() const noexcept;
    std::size_t idle_limit() const noexcept;
    Entry* take_idle() noexcept;
    asio::awaitable<bool> ready_for_use(Entry& entry);
    asio::awaitable<Entry*> open_new();
    PooledConnection hand_out(Entry& entry, std::string label, Clock::time_point asked_at);
    Entry* least_shared() const noexcept;
    void share_with_waiters(Entry& entry) noexcept;
    void count_checkout(const Entry& entry, Clock::time_point asked_at) noexcept;
    void release(Entry& entry) noexcept;
    void make_available(Entry& entry) noexcept;
    void discard(Entry& entry) noexcept;
    void wake_first_waiter() noexcept;
    bool may_be_stale(const Entry& entry) const noexcept;
    asio::awaitable<void> reset_then_reuse(Entry& entry);
    [[noreturn]] void throw_timeout(Clock::duration waited);
    void log(const std::string& message) const;

    asio::any_io_executor executor_;
    PoolConfig config_;
    Connector connector_;
    PoolHooks hooks_;

    std::unordered_map<Entry*, std::unique_ptr<Entry>> entries_;
    std::deque<Entry*> idle_;  // most recently returned at the back
    std::vector<Entry*> shared_;  // checked out by acquire_shared()
    std::list<Waiter*> waiters_;
    std::size_t opening_ = 0;
    std::size_t closing_ = 0;
    std::uint64_t next_id_ = 1;
    bool disposed_ = false;
    // When a connection last turned out broken: a server restart or a
    // network cut usually breaks its siblings too.
    std::optional<Clock::time_point> last_disconnect_;
    PoolStatus counters_;
};

}  // namespace asyncsql::pool
