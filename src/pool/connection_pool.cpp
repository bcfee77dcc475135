#include "pool/connection_pool.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"

namespace asyncsql::pool {

struct PooledConnection::Entry {
    enum class State { idle, checked_out, resetting };

    std::unique_ptr<driver::Connection> connection;
    std::uint64_t id = 0;
    State state = State::idle;
    Clock::time_point opened_at;
    Clock::time_point known_alive_at;  // opened, or last passed a ping
    Clock::time_point checked_out_at;
    std::string label;
    bool invalidated = false;
    std::size_t sharers = 0;  // holders through acquire_shared(); 0 when held whole
};

// A task queued for a connection. It sleeps on its timer until the deadline;
// release() cancels the timer after handing it a connection (`granted`) or
// after freeing room for a new one (`room_freed`).
struct ConnectionPool::Waiter {
    Waiter(const asio::any_io_executor& ex, bool wants_share) : timer(ex), shares(wants_share) {}
    asio::steady_timer timer;
    bool shares;  // from acquire_shared(): may join a shared connection
    Entry* granted = nullptr;
    Entry* joined = nullptr;  // granted a share of this shared connection
    bool room_freed = false;
    bool disposed = false;
};

// ---- PooledConnection ------------------------------------------------------

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(std::move(other.pool_)), entry_(std::exchange(other.entry_, nullptr)) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = std::move(other.pool_);
        entry_ = std::exchange(other.entry_, nullptr);
    }
    return *this;
}

PooledConnection::~PooledConnection() { release(); }

driver::Connection& PooledConnection::operator*() const noexcept { return *entry_->connection; }
std::uint64_t PooledConnection::id() const noexcept { return entry_ ? entry_->id : 0; }

void PooledConnection::invalidate() noexcept {
    if (entry_) entry_->invalidated = true;
}

void PooledConnection::report_disconnect() noexcept {
    if (!entry_) return;
    entry_->invalidated = true;
    ++pool_->counters_.disconnects;
    pool_->last_disconnect_ = Clock::now();
}

void PooledConnection::release() noexcept {
    if (!entry_) return;
    Entry& entry = *std::exchange(entry_, nullptr);
    auto pool = std::move(pool_);
    if (entry.sharers > 0) {
        if (--entry.sharers > 0) {
            if (pool->hooks_.on_checkin) pool->hooks_.on_checkin(entry.id);
            return;
        }
        std::erase(pool->shared_, &entry);
    }
    pool->release(entry);
}

bool PooledConnection::take_whole() noexcept {
    if (!entry_ || entry_->sharers > 1) return false;
    if (entry_->sharers == 1) {
        entry_->sharers = 0;
        std::erase(pool_->shared_, entry_);
    }
    return true;
}

// ---- ConnectionPool --------------------------------------------------------

namespace {

std::string_view kind_name(backends::PoolKind kind) {
    switch (kind) {
    case backends::PoolKind::queue: return "QueuePool";
    case backends::PoolKind::null: return "NullPool";
    case backends::PoolKind::single: return "StaticPool";
    }
    return "pool";
}

std::string seconds(Clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", std::chrono::duration<double>(d).count());
    return buf;
}

}  // namespace

ConnectionPool::ConnectionPool(asio::any_io_executor executor, PoolConfig config, Connector connector,
                               PoolHooks hooks)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      connector_(std::move(connector)),
      hooks_(std::move(hooks)) {
    counters_.kind = std::string(kind_name(config_.kind));
    counters_.pool_size = config_.kind == backends::PoolKind::queue ? config_.size
                          : config_.kind == backends::PoolKind::single ? 1
                                                                        : 0;
    counters_.max_overflow = config_.kind == backends::PoolKind::queue ? config_.max_overflow : 0;
}

ConnectionPool::~ConnectionPool() = default;

std::size_t ConnectionPool::capacity() const noexcept {
    switch (config_.kind) {
    case backends::PoolKind::queue:  // pool_size 0 means no limit, as in SQLAlchemy
        if (config_.size == 0 || config_.max_overflow > SIZE_MAX - config_.size) return SIZE_MAX;
        return config_.size + config_.max_overflow;
    case backends::PoolKind::null: return SIZE_MAX;
    case backends::PoolKind::single: return 1;
    }
    return 0;
}

std::size_t ConnectionPool::idle_limit() const noexcept {
    switch (config_.kind) {
    case backends::PoolKind::queue: return config_.size == 0 ? SIZE_MAX : config_.size;
    case backends::PoolKind::null: return 0;
    case backends::PoolKind::single: return 1;
    }
    return 0;
}

void ConnectionPool::log(const std::string& message) const {
    if (hooks_.log) hooks_.log(message);
}

ConnectionPool::Entry* ConnectionPool::take_idle() noexcept {
    if (idle_.empty()) return nullptr;
    Entry* entry;
    if (config_.lifo) {
        entry = idle_.back();
        idle_.pop_back();
    } else {
        entry = idle_.front();
        idle_.pop_front();
    }
    entry->state = Entry::State::checked_out;
    return entry;
}

bool ConnectionPool::may_be_stale(const Entry& entry) const noexcept {
    return last_disconnect_ && entry.known_alive_at < *last_disconnect_;
}

// Recycles an old connection and pings one that may be broken (always with
// pool_pre_ping, else when it predates the last disconnect seen); false
// means the entry was discarded and the caller should look again.
asio::awaitable<bool> ConnectionPool::ready_for_use(Entry& entry) {
    if (config_.recycle && Clock::now() - entry.opened_at > *config_.recycle) {
        log("recycling connection #" + std::to_string(entry.id));
        discard(entry);
        co_return false;
    }
    if (config_.pre_ping || may_be_stale(entry)) {
        bool alive = true;
        ++counters_.pings;
        try {
            co_await entry.connection->ping();
        } catch (const std::exception& e) {
            log("pre-ping of connection #" + std::to_string(entry.id) + " failed: " + e.what());
            alive = false;
        }
        if (!alive) {
            ++counters_.ping_failures;
            last_disconnect_ = Clock::now();
            discard(entry);
            co_return false;
        }
        entry.known_alive_at = Clock::now();
    }
    co_return true;
}

asio::awaitable<ConnectionPool::Entry*> ConnectionPool::open_new() {
    ++opening_;
    std::unique_ptr<driver::Connection> connection;
    try {
        connection = co_await connector_();
    } catch (const Error& error) {
        --opening_;
        if (hooks_.on_error) hooks_.on_error(error);
        wake_first_waiter();
        throw;
    } catch (...) {
        --opening_;
        wake_first_waiter();
        throw;
    }
    --opening_;
    auto entry = std::make_unique<Entry>();
    entry->connection = std::move(connection);
    entry->id = next_id_++;
    entry->state = Entry::State::checked_out;
    entry->opened_at = Clock::now();
    entry->known_alive_at = entry->opened_at;
    Entry* raw = entry.get();
    entries_.emplace(raw, std::move(entry));
    ++counters_.connects;
    log("opened connection #" + std::to_string(raw->id));
    if (hooks_.on_connect) hooks_.on_connect(raw->id);
    co_return raw;
}

PooledConnection ConnectionPool::hand_out(Entry& entry, std::string label, Clock::time_point asked_at) {
    entry.state = Entry::State::checked_out;
    entry.label = std::move(label);
    entry.checked_out_at = Clock::now();
    count_checkout(entry, asked_at);
    return PooledConnection(shared_from_this(), &entry);
}

void ConnectionPool::count_checkout(const Entry& entry, Clock::time_point asked_at) noexcept {
    const auto waited = Clock::now() - asked_at;
    ++counters_.checkouts;
    counters_.checkout_wait_total += waited;
    counters_.checkout_wait_max = std::max(counters_.checkout_wait_max, waited);
    if (hooks_.log)
        log("checkout of connection #" + std::to_string(entry.id) +
            (entry.label.empty() ? std::string() : " by '" + entry.label + "'"));
    if (hooks_.on_checkout) hooks_.on_checkout(entry.id, waited);
}

ConnectionPool::Entry* ConnectionPool::least_shared() const noexcept {
    Entry* best = nullptr;
    for (Entry* entry : shared_) {
        if (entry->invalidated || !entry->connection->usable()) continue;
        if (!best || entry->sharers < best->sharers) best = entry;
    }
    return best;
}

asio::awaitable<PooledConnection> ConnectionPool::acquire_shared(std::string label) {
    const auto asked_at = Clock::now();
    const bool room = entries_.size() + opening_ < std::min(capacity(), idle_limit());
    if (idle_.empty() && !room && !disposed_) {
        if (Entry* entry = least_shared()) {
            ++entry->sharers;
            ++counters_.shared_checkouts;
            count_checkout(*entry, asked_at);
            co_return PooledConnection(shared_from_this(), entry);
        }
    }
    PooledConnection lease = co_await acquire(std::move(label), true);
    if (lease.entry_->sharers == 0) {
        lease.entry_->sharers = 1;
        shared_.push_back(lease.entry_);
        share_with_waiters(*lease.entry_);
    }
    co_return lease;
}

// Those waiting to share a connection need not wait for one of their own.
void ConnectionPool::share_with_waiters(Entry& entry) noexcept {
    for (auto it = waiters_.begin(); it != waiters_.end();) {
        Waiter* waiter = *it;
        if (!waiter->shares) {
            ++it;
            continue;
        }
        it = waiters_.erase(it);
        ++entry.sharers;
        ++counters_.shared_checkouts;
        waiter->joined = &entry;
        waiter->timer.cancel();
    }
}

asio::awaitable<PooledConnection> ConnectionPool::acquire(std::string label, bool wants_share) {
    auto self = shared_from_this();  // the pool outlives every suspended acquire
    const auto asked_at = Clock::now();
    const auto deadline = asked_at + config_.timeout;
    bool my_turn = false;  // woken from the queue: may skip the waiters ahead
    for (;;) {
        if (disposed_) throw ResourceClosedError("the engine has been disposed", ErrorKind::resource_closed);
        if (my_turn || waiters_.empty()) {
            // A cancelled coroutine cannot co_await ready_for_use(): an entry
            // taken now would never be handed out.
            const auto cancellation = co_await asio::this_coro::cancellation_state;
            if (cancellation.cancelled() != asio::cancellation_type::none) {
                if (my_turn) wake_first_waiter();
                throw OperationalError("checkout was cancelled", ErrorKind::cancelled);
            }
            my_turn = false;
            if (Entry* entry = take_idle()) {
                const bool ready = co_await ready_for_use(*entry);
                if (ready) co_return hand_out(*entry, std::move(label), asked_at);
                continue;
            }
            if (entries_.size() + opening_ < capacity()) {
                Entry* entry = co_await open_new();
                co_return hand_out(*entry, std::move(label), asked_at);
            }
        }
        if (Clock::now() >= deadline) throw_timeout(Clock::now() - asked_at);

        Waiter waiter(executor_, wants_share);
        waiter.timer.expires_at(deadline);
        auto position = waiters_.insert(waiters_.end(), &waiter);
        boost::system::error_code ec;
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!waiter.granted && !waiter.joined && !waiter.room_freed && !waiter.disposed) waiters_.erase(position);

        if (waiter.joined) {
            PooledConnection share(shared_from_this(), waiter.joined);
            auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
            if (cancelled != asio::cancellation_type::none)
                throw OperationalError("checkout was cancelled", ErrorKind::cancelled);
            count_checkout(*waiter.joined, asked_at);
            co_return share;
        }
        if (waiter.granted) {
            Entry& entry = *waiter.granted;
            auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
            if (cancelled != asio::cancellation_type::none) {
                make_available(entry);
                throw OperationalError("checkout was cancelled", ErrorKind::cancelled);
            }
            const bool ready = co_await ready_for_use(entry);
            if (ready) co_return hand_out(entry, std::move(label), asked_at);
            continue;
        }
        if (waiter.disposed) continue;
        if (waiter.room_freed) {
            my_turn = true;
            continue;
        }
        if (ec == asio::error::operation_aborted && Clock::now() < deadline)
            throw OperationalError("checkout was cancelled", ErrorKind::cancelled);
        throw_timeout(Clock::now() - asked_at);
    }
}

void ConnectionPool::throw_timeout(Clock::duration waited) {
    ++counters_.timeouts;
    const PoolStatus now = status();
    std::string message = counters_.kind + " exhausted: no connection became free within " +
                          seconds(waited) + " (pool_size " + std::to_string(now.pool_size) +
                          ", max_overflow " + std::to_string(now.max_overflow) + "; " +
                          std::to_string(now.checked_out) + " checked out, " +
                          std::to_string(now.resetting) + " resetting, " + std::to_string(now.waiters) +
                          " other waiters). Held by:";
    for (const auto& holder : now.holders)
        message += "\n  #" + std::to_string(holder.id) + " " +
                   (holder.label.empty() ? "(no label)" : "'" + holder.label + "'") + " for " +
                   seconds(holder.held_for);
    message += "\nRaise pool_size/max_overflow, shorten what holds connections, or give checkouts a "
               "label to see who holds them.";
    TimeoutError error(ErrorInfo{.message = std::move(message), .kind = ErrorKind::pool_timeout});
    if (hooks_.on_error) hooks_.on_error(error);
    throw error;
}

void ConnectionPool::release(Entry& entry) noexcept {
    if (hooks_.log) log("checkin of connection #" + std::to_string(entry.id));
    if (hooks_.on_checkin) hooks_.on_checkin(entry.id);
    entry.label.clear();
    if (disposed_ || entry.invalidated || !entry.connection->usable()) {
        discard(entry);
        return;
    }
    if (entry.connection->transaction_state() != driver::TransactionState::idle) {
        entry.state = Entry::State::resetting;
        asio::co_spawn(executor_, [self = shared_from_this(), &entry]() { return self->reset_then_reuse(entry); },
                       asio::detached);
        return;
    }
    make_available(entry);
}

asio::awaitable<void> ConnectionPool::reset_then_reuse(Entry& entry) {
    log("rolling back connection #" + std::to_string(entry.id) + " returned inside a transaction");
    try {
        const std::string& sql = config_.reset_sql;
        co_await entry.connection->execute(driver::ExecuteRequest{.sql = sql, .control = true});
    } catch (const std::exception& e) {
        log("reset of connection #" + std::to_string(entry.id) + " failed: " + e.what());
    }
    if (!disposed_ && entry.connection->usable() &&
        entry.connection->transaction_state() == driver::TransactionState::idle)
        make_available(entry);
    else
        discard(entry);
}

void ConnectionPool::make_available(Entry& entry) noexcept {
    if (!waiters_.empty()) {
        Waiter* waiter = waiters_.front();
        waiters_.pop_front();
        entry.state = Entry::State::checked_out;
        waiter->granted = &entry;
        waiter->timer.cancel();
        return;
    }
    if (disposed_ || idle_.size() >= idle_limit()) {
        discard(entry);
        return;
    }
    entry.state = Entry::State::idle;
    idle_.push_back(&entry);
}

void ConnectionPool::discard(Entry& entry) noexcept {
    auto node = entries_.extract(&entry);
    ++counters_.discards;
    log("closing connection #" + std::to_string(entry.id));
    std::shared_ptr<driver::Connection> connection(std::move(node.mapped()->connection));
    ++closing_;
    asio::co_spawn(
        executor_,
        [self = shared_from_this(), connection]() -> asio::awaitable<void> {
            co_await connection->close();
            --self->closing_;
        },
        asio::detached);
    wake_first_waiter();
}

void ConnectionPool::wake_first_waiter() noexcept {
    if (waiters_.empty()) return;
    Waiter* waiter = waiters_.front();
    waiters_.pop_front();
    waiter->room_freed = true;
    waiter->timer.cancel();
}

PoolStatus ConnectionPool::status() const {
    PoolStatus out = counters_;
    const auto now = Clock::now();
    out.connections = entries_.size() + opening_;
    out.idle = idle_.size();
    out.waiters = waiters_.size();
    out.overflow = out.connections > out.pool_size ? out.connections - out.pool_size : 0;
    for (const auto& [raw, entry] : entries_) {
        if (entry->state == Entry::State::resetting) ++out.resetting;
        if (entry->state != Entry::State::checked_out) continue;
        ++out.checked_out;
        out.holders.push_back({entry->id, entry->label, now - entry->checked_out_at});
    }
    std::sort(out.holders.begin(), out.holders.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

asio::awaitable<void> ConnectionPool::dispose() {
    disposed_ = true;
    for (Waiter* waiter : waiters_) {
        waiter->disposed = true;
        waiter->timer.cancel();
    }
    waiters_.clear();
    auto idle = std::move(idle_);
    idle_.clear();
    for (Entry* entry : idle) {
        auto node = entries_.extract(entry);
        ++counters_.discards;
        co_await node.mapped()->connection->close();
    }
    // Connections still resetting or closing in the background end soon;
    // dispose returns only when every one of them is closed.
    asio::steady_timer pause(executor_);
    while (closing_ > 0 || status().resetting > 0) {
        pause.expires_after(std::chrono::milliseconds(1));
        co_await pause.async_wait(asio::use_awaitable);
    }
}

}  // namespace asyncsql::pool
