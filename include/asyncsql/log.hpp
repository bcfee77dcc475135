#pragma once
// The one place the library writes log lines (echo, echo_pool): stderr unless
// the application installs its own sink. Parameter values are never logged
// unless the engine's `echo_parameters` option asks for them.

#include <functional>
#include <string_view>

namespace asyncsql {

using LogSink = std::function<void(std::string_view line)>;

// Not thread-safe: install the sink before engines start logging.
void set_log_sink(LogSink sink);
void log_line(std::string_view line);

}  // namespace asyncsql
