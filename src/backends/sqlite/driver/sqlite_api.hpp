#pragma once
// The one file that talks to the SQLite C library. Everything here runs on
// the thread that currently owns the connection (its worker, or the caller
// in inline mode).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsql/result/row.hpp"
#include "asyncsql/types/value.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace asyncsql::sqlite::api {

struct DatabaseCloser {
    void operator()(sqlite3* db) const noexcept;
};
using Database = std::unique_ptr<sqlite3, DatabaseCloser>;

struct StatementFinalizer {
    void operator()(sqlite3_stmt* stmt) const noexcept;
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// How a column's declared type asks its values to be decoded.
enum class ColumnHint : std::uint8_t { none, boolean, date, time, timestamp, decimal, uuid, json };

Database open(const std::string& path);
void exec(sqlite3* db, const std::string& sql);
void set_busy_timeout(sqlite3* db, int milliseconds);
// sqlite3_busy_handler, and sqlite3_progress_handler called every few
// thousand virtual-machine instructions.
void set_busy_handler(sqlite3* db, int (*handler)(void*, int) noexcept, void* context);
void set_progress_handler(sqlite3* db, int (*handler)(void*) noexcept, void* context);

Statement prepare(sqlite3* db, std::string_view sql);
std::shared_ptr<const Columns> column_names(sqlite3_stmt* stmt);
std::vector<ColumnHint> column_hints(sqlite3_stmt* stmt);

// Binds `values` to ?1..?N; throws ProgrammingError when the counts differ.
void bind(sqlite3_stmt* stmt, std::span<const Value> values, std::string_view sql);

enum class StepResult { row, done };
// Throws the mapped error (and resets the statement) on failure.
StepResult step(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql);
void reset(sqlite3_stmt* stmt) noexcept;

// Appends the current row's values to `out`.
void read_row(sqlite3_stmt* stmt, std::span<const ColumnHint> hints, std::vector<Value>& out);

std::int64_t changes(sqlite3* db) noexcept;
std::int64_t total_changes(sqlite3* db) noexcept;
std::int64_t last_insert_rowid(sqlite3* db) noexcept;
bool in_transaction(sqlite3* db) noexcept;
// Whether a COMMIT waits for the disk: synchronous FULL or EXTRA, or NORMAL
// outside WAL mode.
bool commit_syncs(sqlite3* db);
bool is_read_only(sqlite3_stmt* stmt) noexcept;
void interrupt(sqlite3* db) noexcept;

// Throws the asyncsql error class for SQLite result code `rc`.
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view sql);
// True for result codes after which the connection must be discarded.
bool is_fatal(int rc) noexcept;

}  // namespace asyncsql::sqlite::api
