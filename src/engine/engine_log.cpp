#include <cstdio>
#include <string>

#include "asyncsql/log.hpp"

namespace asyncsql {

namespace {
LogSink& sink() {
    static LogSink installed;
    return installed;
}
}  // namespace

void set_log_sink(LogSink s) { sink() = std::move(s); }

void log_line(std::string_view line) {
    if (auto& s = sink()) {
        s(line);
        return;
    }
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

}  // namespace asyncsql
