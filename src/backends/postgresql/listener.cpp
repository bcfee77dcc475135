#include "asyncsql/postgresql/listener.hpp"

#include <algorithm>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"
#include "backends/postgresql/dialect/postgresql_dialect.hpp"
#include "backends/postgresql/driver/pg_connection.hpp"

namespace asyncsql::postgresql {

namespace asio = boost::asio;

struct Listener::State {
    PgOptions options;
    std::unique_ptr<PgConnection> connection;
    std::vector<std::string> channels;
    std::uint64_t reconnects = 0;
    bool ever_connected = false;
    bool closed = false;

    asio::awaitable<void> run(const std::string& sql) {
        co_await connected();
        co_await connection->execute(driver::ExecuteRequest{.prelude = {}, .sql = sql, .parameter_sets = {}});
    }

    // A working connection listening on every channel, reconnecting with
    // back-off (50 ms doubling to 5 s) while the server cannot be reached.
    asio::awaitable<void> connected() {
        if (closed) throw ResourceClosedError("this listener is closed", ErrorKind::resource_closed);
        std::chrono::milliseconds pause{50};
        while (!connection || !connection->usable()) {
            if (connection) {
                co_await connection->close();
                connection.reset();
            }
            bool failed = false;
            try {
                auto fresh = co_await PgConnection::open(options);
                for (const auto& channel : channels)
                    co_await fresh->execute(driver::ExecuteRequest{.prelude = {}, .sql = listen_sql(channel),
                                                                   .parameter_sets = {}});
                connection = std::move(fresh);
                if (ever_connected) ++reconnects;
                ever_connected = true;
            } catch (const OperationalError& e) {
                // The first connect reports its failure; later ones retry.
                if (!ever_connected || e.kind() == ErrorKind::cancelled) throw;
                failed = true;
            }
            if (failed) {
                asio::steady_timer timer(co_await asio::this_coro::executor, pause);
                boost::system::error_code ec;
                co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                if (ec == asio::error::operation_aborted)
                    throw OperationalError("postgresql: waiting to reconnect the listener was cancelled",
                                           ErrorKind::cancelled);
                pause = std::min(pause * 2, std::chrono::milliseconds{5000});
            }
        }
    }

    static std::string listen_sql(const std::string& channel) {
        return "LISTEN " + PostgresqlDialect().quote_identifier(channel);
    }
};

Listener::Listener(const Engine& engine) : state_(std::make_unique<State>()) {
    if (engine.dialect_name() != "postgresql")
        throw ArgumentError("a Listener needs a PostgreSQL engine, not '" + std::string(engine.dialect_name()) + "'",
                            ErrorKind::invalid_argument);
    state_->options = parse_options(engine.url(), engine.options());
}

Listener::Listener(Listener&&) noexcept = default;
Listener& Listener::operator=(Listener&&) noexcept = default;
Listener::~Listener() = default;

boost::asio::awaitable<void> Listener::listen(std::string channel) {
    co_await state_->run(State::listen_sql(channel));
    if (std::find(state_->channels.begin(), state_->channels.end(), channel) == state_->channels.end())
        state_->channels.push_back(std::move(channel));
}

boost::asio::awaitable<void> Listener::unlisten(std::string channel) {
    co_await state_->run("UNLISTEN " + PostgresqlDialect().quote_identifier(channel));
    std::erase(state_->channels, channel);
}

boost::asio::awaitable<Notification> Listener::next() {
    for (;;) {
        co_await state_->connected();
        try {
            auto raw = co_await state_->connection->next_notification();
            co_return Notification{.channel = std::move(raw.channel), .payload = std::move(raw.payload),
                                   .sender_pid = raw.sender_pid};
        } catch (const OperationalError& e) {
            if (e.kind() != ErrorKind::connection_lost) throw;
        }
        // Lost: connected() reconnects and listens again.
    }
}

boost::asio::awaitable<void> Listener::close() {
    state_->closed = true;
    if (state_->connection) co_await state_->connection->close();
    state_->connection.reset();
}

std::uint64_t Listener::reconnects() const noexcept { return state_->reconnects; }

std::int64_t Listener::backend_pid() const noexcept {
    return state_->connection ? state_->connection->backend_pid() : 0;
}

}  // namespace asyncsql::postgresql
