#include "engine_setup.hpp"

#include <map>
#include <stdexcept>
#include <string_view>

#include <asyncsql/url/url.hpp>

namespace bench {

namespace {

using OptionList = std::vector<std::pair<std::string, std::string>>;

std::string_view dialect_of(std::string_view backend) {
    static const std::map<std::string_view, std::string_view> dialects{
        {"pg", "postgresql"}, {"mysql", "mysql"}, {"sqlite", "sqlite"}};
    const auto found = dialects.find(backend);
    if (found == dialects.end())
        throw std::invalid_argument("--backend must be pg, mysql or sqlite, not '" + std::string(backend) + "'");
    return found->second;
}

OptionList default_options(const Options& options) {
    OptionList list{
        // Exactly --pool connections, as the peers' pools.
        {"pool_size", std::to_string(options.pool)},
        {"max_overflow", "0"},
        // Each statement outside engine.transaction() / begin() commits on
        // its own, as with the peers' drivers. The default ("commit as you
        // go") would begin a transaction with every look-up and have the pool
        // roll it back at check-in.
        {"isolation_level", "AUTOCOMMIT"},
    };
    if (options.backend == "sqlite") {
        // What servers/sqlite.sh asks of every client's connections.
        list.emplace_back("busy_timeout", "5");
        list.emplace_back("synchronous", "NORMAL");
        // The driver's default, named so that the JSON line shows it.
        list.emplace_back("execution", "COOPERATIVE");
    }
    return list;
}

}  // namespace

asyncsql::Engine make_engine(const Options& options) {
    // The runner's URLs (servers/*.sh) are already in asyncsql's form:
    // postgresql://..., mysql://... and sqlite:////absolute/file. Options the
    // URL sets itself win over the defaults here, to try other settings.
    const asyncsql::Url url = asyncsql::Url::parse(options.url);
    OptionList defaults = default_options(options);
    std::erase_if(defaults, [&url](const auto& option) { return url.option(option.first).has_value(); });
    asyncsql::Engine engine = asyncsql::create_engine(options.url, defaults);
    if (engine.dialect_name() != dialect_of(options.backend))
        throw std::invalid_argument("--backend " + options.backend + " does not match the URL " + url.to_string());
    return engine;
}

OptionList engine_details(const asyncsql::Engine& engine) {
    const asyncsql::EngineOptions& options = engine.options();
    OptionList details{
        {"dialect", std::string(engine.dialect_name())},
        {"pool_size", std::to_string(options.pool_size)},
        {"isolation_level", options.isolation_level},
    };
    for (const auto& [key, value] : options.driver_options) details.emplace_back(key, value);
    return details;
}

}  // namespace bench
