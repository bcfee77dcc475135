#include "backends/mysql/mysql_backend.hpp"

#include "backends/mysql/dialect/mysql_dialect.hpp"
#include "backends/mysql/driver/mysql_connection.hpp"

namespace asyncsql::mysql {

namespace {

class MysqlBackend final : public backends::Backend {
public:
    std::unique_ptr<dialect::Dialect> make_dialect(const Url&, const EngineOptions&) const override {
        return std::make_unique<MysqlDialect>();
    }

    void check_options(const Url& url, const EngineOptions& options) const override {
        parse_options(url, options);
    }

    asio::awaitable<std::unique_ptr<driver::Connection>> connect(const Url& url,
                                                                 const EngineOptions& options) const override {
        co_return co_await MysqlConnection::open(parse_options(url, options));
    }

    backends::PoolKind default_pool(const Url&) const override { return backends::PoolKind::queue; }
};

}  // namespace

const backends::Backend& backend() {
    static const MysqlBackend instance;
    return instance;
}

}  // namespace asyncsql::mysql
