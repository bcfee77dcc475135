#pragma once
// Options of the SQLite driver, read from the URL's driver options
// (`sqlite:///app.db?busy_timeout=10&begin=immediate`).

#include <chrono>
#include <cstddef>
#include <string>

#include "asyncsql/url/engine_options.hpp"
#include "asyncsql/url/url.hpp"

namespace asyncsql::sqlite {

enum class BeginMode { deferred, immediate, exclusive };

// Where blocking SQLite calls run. cooperative: on the calling thread in
// time slices, yielding to the event loop between them, and on the
// connection's worker thread when SQLite would wait for a lock or one step
// outlasts its slice. thread: always on the worker (the loop never blocks,
// every call pays a thread hand-off). inline: always on the calling thread
// (lock waits block the loop; no cancellation).
enum class ExecutionMode { cooperative, thread, inline_ };

struct SqliteOptions {
    std::string path;  // ":memory:" for in-memory databases
    bool memory = false;
    std::chrono::milliseconds busy_timeout{5000};
    std::string journal_mode;  // "WAL" for files unless given; untouched for memory
    std::string synchronous;   // empty: SQLite's default
    bool foreign_keys = true;
    BeginMode begin = BeginMode::deferred;
    ExecutionMode execution = ExecutionMode::cooperative;
    // How long cooperative mode runs on the caller before it yields.
    std::chrono::milliseconds slice{2};
    std::size_t statement_cache_size = 100;
};

// Throws ArgumentError naming the option for unknown keys and bad values.
SqliteOptions parse_options(const Url& url, const EngineOptions& options);

}  // namespace asyncsql::sqlite
