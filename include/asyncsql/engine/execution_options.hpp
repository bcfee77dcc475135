#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace asyncsql {

// Per-connection settings, merged over the engine's options
// (Connection::set_execution_options).
struct ExecutionOptions {
    // Applies from the next transaction the connection begins. "AUTOCOMMIT"
    // turns autobegin off: every statement commits on its own.
    std::optional<std::string> isolation_level;
    // PostgreSQL: transactions begin READ ONLY (or READ WRITE) and
    // DEFERRABLE (or NOT DEFERRABLE) from the next one on. SQLite raises
    // NotSupportedError at the next begin when either is true.
    std::optional<bool> read_only;
    std::optional<bool> deferrable;
    // Each statement fails with TimeoutError after this long; the server-side
    // statement is interrupted and the connection stays usable.
    std::optional<std::chrono::milliseconds> timeout;
    // Rows fetched per hand-off when a stream is read row by row.
    std::optional<std::size_t> stream_batch_rows;
};

}  // namespace asyncsql
