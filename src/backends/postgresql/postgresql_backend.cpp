#include "backends/postgresql/postgresql_backend.hpp"

#include "backends/postgresql/dialect/postgresql_dialect.hpp"
#include "backends/postgresql/driver/pg_connection.hpp"

namespace asyncsql::postgresql {

namespace {

class PostgresqlBackend final : public backends::Backend {
public:
    std::unique_ptr<dialect::Dialect> make_dialect(const Url&, const EngineOptions&) const override {
        return std::make_unique<PostgresqlDialect>();
    }

    void check_options(const Url& url, const EngineOptions& options) const override {
        parse_options(url, options);
    }

    asio::awaitable<std::unique_ptr<driver::Connection>> connect(const Url& url,
                                                                 const EngineOptions& options) const override {
        co_return co_await PgConnection::open(parse_options(url, options));
    }

    backends::PoolKind default_pool(const Url&) const override { return backends::PoolKind::queue; }
    bool pipelines() const noexcept override { return true; }
};

}  // namespace

const backends::Backend& backend() {
    static const PostgresqlBackend instance;
    return instance;
}

}  // namespace asyncsql::postgresql
