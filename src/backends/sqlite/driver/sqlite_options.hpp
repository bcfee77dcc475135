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

// Where blocking SQLite calls run: on the connection's own worker thread
// (the loop never blocks), or on the calling thread (no hand-off cost).
enum class ExecutionMode { thread, inline_ };

struct SqliteOptions {
    std::string path;  // ":memory:" for in-memory databases
    bool memory = false;
    std::chrono::milliseconds busy_timeout{5000};
    std::string journal_mode;  // "WAL" for files unless given; untouched for memory
    std::string synchronous;   // empty: SQLite's default
    bool foreign_keys = true;
    BeginMode begin = BeginMode::deferred;
    ExecutionMode execution = ExecutionMode::thread;
    std::size_t statement_cache_size = 100;
};

// Throws ArgumentError naming the option for unknown keys and bad values.
SqliteOptions parse_options(const Url& url, const EngineOptions& options);

}  // namespace asyncsql::sqlite
