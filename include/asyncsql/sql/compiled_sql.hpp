#pragma once
// Rewriting named (:name) or positional (?) parameters to a dialect's
// placeholders, once per statement text, and binding Params to the result.
//
//   SELECT * FROM t WHERE a = :a AND b = :b OR a > :a
//     PostgreSQL  SELECT * FROM t WHERE a = $1 AND b = $2 OR a > $1
//                 names {a, b}, slots {0, 1}
//     MySQL       SELECT * FROM t WHERE a = ? AND b = ? OR a > ?
//                 names {a, b}, slots {0, 1, 0}
//
// The scanning rules (what counts as a literal, comment or quoted identifier
// and is therefore copied untouched) are documented in docs/parameters.md.

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asyncsql/sql/params.hpp"
#include "asyncsql/sql/sql_syntax.hpp"
#include "asyncsql/types/value.hpp"

namespace asyncsql {

struct CompiledSql {
    // The statement with every parameter replaced by the dialect's placeholder
    // and every \: or \? escape reduced to the bare character.
    std::string sql;
    // Distinct parameter names in order of first appearance; empty for a
    // positional statement.
    std::vector<std::string> names;
    // One entry per value the driver binds, in bind order: an index into
    // `names` (named) or into the caller's positional values. With numbered
    // placeholders (?N, $N) a repeated name reuses its number, so there is one
    // slot per number; with qmark every occurrence is its own '?' and slots
    // repeat indexes.
    std::vector<std::size_t> slots;
    // Number of '?' found by compile_positional (0 for named statements).
    std::size_t positional_count = 0;
    // True when produced by compile_named, false by compile_positional; it is
    // the statement's mode and stays true for a named statement without names.
    bool uses_named = false;
    // Byte offset in `sql` of every placeholder written, one per occurrence
    // (so a repeated name with numbered placeholders appears here twice but
    // in `slots` once). For diagnostics and tests.
    std::vector<std::size_t> placeholder_offsets;
};

// Rewrites :name (name = [A-Za-z_][A-Za-z0-9_]*) outside literals, quoted
// identifiers and comments. Not a parameter: "::" (casts), ":=", a ':' not
// followed by a name start (":1", lone ':'), and a ':' directly after an
// identifier character or another ':' (arr[lo:hi], as SQLAlchemy does).
// "\:" becomes ':' and "\?" becomes '?'. Existing '?' are left alone.
// Throws ArgumentError when a name runs straight into a non-ASCII byte
// (":név"), which would otherwise be cut silently.
CompiledSql compile_named(std::string_view sql, const SqlSyntax& syntax);

// Rewrites '?' outside literals, quoted identifiers and comments to the
// dialect's placeholder in order; leaves :name alone; "\?" becomes a literal
// '?' (PostgreSQL's jsonb operators) and "\:" a literal ':'. Throws
// ArgumentError for "?<digit>" (write plain '?', values bind in order).
CompiledSql compile_positional(std::string_view sql, const SqlSyntax& syntax);

// The highest N of the "$N" placeholders written in `sql` outside literals,
// quoted identifiers and comments (PostgreSQL's own spelling, as
// exec_driver_sql takes it), or 0; rewrites nothing.
std::size_t highest_dollar_placeholder(std::string_view sql, const SqlSyntax& syntax);

// The values for the driver, in placeholder order (one per number for ?N/$N,
// one per occurrence for '?'). Throws ArgumentError for a missing or
// unexpected name, a positional count mismatch, or named values for a
// positional statement and vice versa. Empty Params of either kind satisfy a
// statement without placeholders. `sql_for_errors` only appears in messages.
//
// `bind` is a function object rather than a function so that an unqualified
// call with a std::string argument cannot pick std::bind through
// argument-dependent lookup (finding an object suppresses ADL).
namespace detail {
struct BindFn {
    std::vector<Value> operator()(const CompiledSql& compiled, const Params& params,
                                  std::string_view sql_for_errors) const;
};
}  // namespace detail
inline constexpr detail::BindFn bind{};

// LRU cache of compiled statements keyed by (sql text, SqlSyntax, mode). The
// key includes the whole SqlSyntax, not only its placeholder style, because
// the skipping rules depend on the other fields too.
//
// A lookup does not allocate on a hit: the index is an unordered_map whose
// key holds a std::string_view pointing into the std::string owned by the
// LRU list node (list nodes never move), so a lookup builds a key of views
// from the caller's string_view, hashes it and compares; a hit splices the
// node to the front and copies the shared_ptr (a reference-count increment).
//
// Not thread-safe: each engine owns one and uses it from one strand, or
// guards it itself.
class CompiledSqlCache {
public:
    // capacity == 0 disables caching: get() compiles on every call.
    explicit CompiledSqlCache(std::size_t capacity);

    CompiledSqlCache(const CompiledSqlCache&) = delete;
    CompiledSqlCache& operator=(const CompiledSqlCache&) = delete;

    // The compiled form of `sql`, compiling and inserting it on a miss and
    // evicting the least recently used entry beyond capacity. Compilation
    // errors propagate and nothing is inserted.
    std::shared_ptr<const CompiledSql> get(std::string_view sql, const SqlSyntax& syntax,
                                           bool positional);

    // Whether the entry is cached, without touching its recency.
    bool contains(std::string_view sql, const SqlSyntax& syntax, bool positional) const;

    std::size_t size() const noexcept { return lru_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t hits() const noexcept { return hits_; }
    std::size_t misses() const noexcept { return misses_; }
    void clear() noexcept;

private:
    struct Key {
        std::string_view sql;
        SqlSyntax syntax;
        bool positional = false;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };
    struct Entry {
        std::string sql;
        SqlSyntax syntax;
        bool positional = false;
        std::shared_ptr<const CompiledSql> compiled;
    };
    using List = std::list<Entry>;

    std::size_t capacity_;
    List lru_;  // most recently used first
    std::unordered_map<Key, List::iterator, KeyHash> index_;
    std::size_t hits_ = 0;
    std::size_t misses_ = 0;
};

// A statement text that remembers its compiled forms, like SQLAlchemy's
// text(): hold it (for example as a static) and it is rewritten once per
// (syntax, mode) no matter how often it runs. Copies share the compiled
// forms; compiled() is safe to call from several threads at once.
class TextClause {
public:
    explicit TextClause(std::string sql);

    // Copying shares state; there is no separate move, so a moved-from
    // TextClause stays usable.
    TextClause(const TextClause&) = default;
    TextClause& operator=(const TextClause&) = default;

    const std::string& sql() const noexcept;

    // Compiles on first use for this (syntax, positional) and returns the same
    // object on every later call; the reference lives as long as any copy of
    // this TextClause. Compilation errors propagate and nothing is kept.
    const CompiledSql& compiled(const SqlSyntax& syntax, bool positional) const;
    std::shared_ptr<const CompiledSql> shared_compiled(const SqlSyntax& syntax,
                                                       bool positional) const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

TextClause text(std::string sql);

}  // namespace asyncsql
