#pragma once
// What every Connection of one Engine shares.

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "asyncsql/engine/events.hpp"
#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"
#include "backends/backend.hpp"
#include "engine/metrics_recorder.hpp"
#include "pool/connection_pool.hpp"

namespace asyncsql::detail {

struct EngineState : std::enable_shared_from_this<EngineState> {
    Url url;
    EngineOptions options;
    const backends::Backend* backend = nullptr;
    std::unique_ptr<dialect::Dialect> dialect;
    CompiledSqlCache sql_cache{256};
    Events events;
    MetricsRecorder metrics;
    pool::PoolConfig pool_config;
    std::shared_ptr<pool::ConnectionPool> pool;  // made on first connect, on its executor

    pool::ConnectionPool& pool_on(const boost::asio::any_io_executor& executor);
    // A checkout (whole, or a share other Connections pipeline on too) with
    // the pool's failures as library errors.
    boost::asio::awaitable<pool::PooledConnection> checkout(std::string label, bool shared);
    // Connections start on a shared checkout and take one of their own when
    // they need it: the backend pipelines, the option allows it, and
    // statements run outside transactions unless asked otherwise (AUTOCOMMIT).
    bool pipelines() const;
    void echo(const std::string& line) const;
};

}  // namespace asyncsql::detail
