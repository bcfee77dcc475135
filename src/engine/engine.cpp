#include "asyncsql/engine/engine.hpp"

#include <boost/asio/this_coro.hpp>

#include "asyncsql/error.hpp"
#include "asyncsql/log.hpp"
#include "engine/cancellation.hpp"
#include "engine/connection_state.hpp"
#include "engine/engine_state.hpp"

namespace asyncsql {

namespace detail {

pool::ConnectionPool& EngineState::pool_on(const boost::asio::any_io_executor& executor) {
    if (pool) return *pool;
    pool::PoolHooks hooks;
    auto relay = [this](auto member) {
        return [this, member](std::uint64_t id) noexcept {
            for (const auto& listener : events.*member) {
                try {
                    listener(id);
                } catch (const std::exception& e) {
                    log_line(std::string("[asyncsql] event listener failed: ") + e.what());
                } catch (...) {
                    log_line("[asyncsql] event listener failed");
                }
            }
        };
    };
    hooks.on_connect = relay(&Events::connect);
    hooks.on_checkout = [this, relayed = relay(&Events::checkout)](std::uint64_t id, auto waited) noexcept {
        metrics.checkout(waited);
        relayed(id);
    };
    hooks.on_checkin = relay(&Events::checkin);
    hooks.on_error = [this](const Error& error) noexcept { metrics.error(error); };
    if (options.echo_pool) hooks.log = [](std::string_view line) { log_line("[asyncsql pool] " + std::string(line)); };
    // The pool never outlives the engine state that made it while it can
    // still connect: only Engine::connect (which holds the state) acquires.
    auto connector = [this]() { return backend->connect(url, options); };
    pool = std::make_shared<pool::ConnectionPool>(executor, pool_config, std::move(connector), std::move(hooks));
    return *pool;
}

boost::asio::awaitable<pool::PooledConnection> EngineState::checkout(std::string label, bool shared) {
    auto& pool = pool_on(co_await boost::asio::this_coro::executor);
    pool::PooledConnection lease;
    std::exception_ptr failure;
    try {
        if (shared)
            lease = co_await pool.acquire_shared(std::move(label));
        else
            lease = co_await pool.acquire(std::move(label));
    } catch (...) {
        failure = as_library_error(std::current_exception());
    }
    if (failure) std::rethrow_exception(failure);
    co_return lease;
}

bool EngineState::pipelines() const {
    return options.pipelining && backend->pipelines() && options.isolation_level == "AUTOCOMMIT";
}

void EngineState::echo(const std::string& line) const { log_line(line); }

}  // namespace detail

namespace {

detail::EngineState& engine_state(const std::shared_ptr<detail::EngineState>& state) {
    if (!state) throw InterfaceError("this Engine is empty; make one with create_engine()", ErrorKind::invalid_state);
    return *state;
}

backends::PoolKind pool_kind(const backends::Backend& backend, const Url& url, const std::string& poolclass) {
    if (poolclass.empty()) return backend.default_pool(url);
    if (poolclass == "queue") return backends::PoolKind::queue;
    if (poolclass == "null") return backends::PoolKind::null;
    if (poolclass == "static") return backends::PoolKind::single;
    throw ArgumentError("option 'poolclass': expected queue, null or static, got '" + poolclass + "'",
                        ErrorKind::invalid_argument);
}

}  // namespace

Engine create_engine(std::string_view url, const std::vector<std::pair<std::string, std::string>>& options) {
    Url parsed = Url::parse(url);
    EngineOptions engine_options = EngineOptions::from_url(parsed);
    for (const auto& [key, value] : options) apply_option(engine_options, key, value);
    return create_engine(parsed, std::move(engine_options));
}

Engine create_engine(const Url& url, EngineOptions options) {
    auto state = std::make_shared<detail::EngineState>();
    state->backend = &backends::find_backend(url.dialect);
    state->backend->check_options(url, options);
    state->dialect = state->backend->make_dialect(url, options);
    if (!options.isolation_level.empty()) state->dialect->check_isolation_level(options.isolation_level);
    state->pool_config = pool::PoolConfig{
        .kind = pool_kind(*state->backend, url, options.poolclass),
        .size = options.pool_size,
        .max_overflow = options.max_overflow,
        .timeout = options.pool_timeout,
        .recycle = options.pool_recycle,
        .pre_ping = options.pool_pre_ping,
        .lifo = options.pool_use_lifo,
        .reset_sql = state->dialect->rollback(),
    };
    state->url = url;
    state->options = std::move(options);
    return Engine(std::move(state));
}

namespace {

// A Connection with a checkout of its own (not shared for pipelining).
boost::asio::awaitable<Connection> own_connection(std::shared_ptr<detail::EngineState> state, std::string label) {
    pool::PooledConnection lease = co_await state->checkout(std::move(label), false);
    co_return Connection(std::make_shared<detail::ConnectionState>(std::move(state), std::move(lease), false,
                                                                   std::string()));
}

}  // namespace

boost::asio::awaitable<Connection> Engine::connect(std::string label) {
    auto& state = engine_state(state_);
    if (!state.pipelines()) co_return co_await own_connection(state_, std::move(label));
    // Kept for the checkout of its own it may need later. (Not built inside
    // the co_await expression: g++ 12 mishandles such temporaries.)
    std::string checkout_label = label;
    pool::PooledConnection lease = co_await state.checkout(std::move(checkout_label), true);
    co_return Connection(std::make_shared<detail::ConnectionState>(state_, std::move(lease), true, std::move(label)));
}

boost::asio::awaitable<Connection> Engine::connect_own() {
    engine_state(state_);
    std::string no_label;
    co_return co_await own_connection(state_, std::move(no_label));
}

boost::asio::awaitable<void> Engine::dispose() {
    auto& state = engine_state(state_);
    // Like SQLAlchemy: the old pool closes, and a later connect() starts a new one.
    if (auto pool = std::move(state.pool)) co_await pool->dispose();
}

PoolStatus Engine::pool_status() const {
    auto& state = engine_state(state_);
    if (state.pool) return state.pool->status();
    PoolStatus empty;
    empty.kind = "(no pool yet)";
    return empty;
}

EngineMetrics Engine::metrics() const { return engine_state(state_).metrics.snapshot(pool_status()); }

void Engine::count_retry() const noexcept {
    if (state_) state_->metrics.retried();
}

Events& Engine::events() { return engine_state(state_).events; }
const Url& Engine::url() const { return engine_state(state_).url; }
const EngineOptions& Engine::options() const { return engine_state(state_).options; }
std::string_view Engine::dialect_name() const { return engine_state(state_).dialect->name(); }

}  // namespace asyncsql
