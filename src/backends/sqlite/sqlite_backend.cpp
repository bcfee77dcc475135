#include "backends/sqlite/sqlite_backend.hpp"

#include "backends/sqlite/dialect/sqlite_dialect.hpp"
#include "backends/sqlite/driver/sqlite_connection.hpp"

namespace asyncsql::sqlite {

namespace asio = boost::asio;

namespace {

class SqliteBackend final : public backends::Backend {
public:
    std::unique_ptr<dialect::Dialect> make_dialect(const Url& url,
                                                   const EngineOptions& options) const override {
        return std::make_unique<SqliteDialect>(parse_options(url, options).begin);
    }

    void check_options(const Url& url, const EngineOptions& options) const override {
        parse_options(url, options);
    }

    asio::awaitable<std::unique_ptr<driver::Connection>> connect(
        const Url& url, const EngineOptions& options) const override {
        co_return co_await SqliteConnection::open(parse_options(url, options));
    }

    // One in-memory database per connection: every user must share the one.
    backends::PoolKind default_pool(const Url& url) const override {
        return url.is_memory_sqlite() ? backends::PoolKind::single : backends::PoolKind::queue;
    }
};

}  // namespace

const backends::Backend& backend() {
    static const SqliteBackend instance;
    return instance;
}

}  // namespace asyncsql::sqlite
