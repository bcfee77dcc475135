#pragma once
// A backend pairs a dialect with a driver; the engine picks one by the URL's
// dialect name.

#include <memory>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"
#include "dialect/dialect.hpp"
#include "driver/driver_connection.hpp"

namespace asyncsql::backends {

namespace asio = boost::asio;

enum class PoolKind { queue, null, single };

class Backend {
public:
    virtual ~Backend() = default;

    virtual std::unique_ptr<dialect::Dialect> make_dialect(const Url& url,
                                                           const EngineOptions& options) const = 0;
    // Rejects driver options the backend does not know, before any connect.
    virtual void check_options(const Url& url, const EngineOptions& options) const = 0;
    virtual asio::awaitable<std::unique_ptr<driver::Connection>> connect(
        const Url& url, const EngineOptions& options) const = 0;
    virtual PoolKind default_pool(const Url& url) const = 0;
    // Whether its connections implement execute_pipelined(), so that the
    // engine may share them between callers (the `pipelining` option).
    virtual bool pipelines() const noexcept { return false; }
};

// Throws ArgumentError when this build has no backend for `dialect_name`.
const Backend& find_backend(std::string_view dialect_name);

}  // namespace asyncsql::backends
