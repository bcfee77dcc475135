#pragma once
// The engine the client runs on: the runner's URL with the pool sized as the
// workload asks, and the settings every client of a backend shares.

#include <string>
#include <utility>
#include <vector>

#include <asyncsql/engine/engine.hpp>

#include "options.hpp"

namespace bench {

// Throws std::invalid_argument when --backend and the URL's dialect disagree.
asyncsql::Engine make_engine(const Options& options);

// The engine settings that shape the figures, for the JSON line.
std::vector<std::pair<std::string, std::string>> engine_details(const asyncsql::Engine& engine);

}  // namespace bench
