#include "backends/sqlite/dialect/sqlite_dialect.hpp"

#include "asyncsql/error.hpp"

namespace asyncsql::sqlite {

const SqlSyntax& SqliteDialect::syntax() const noexcept {
    static const SqlSyntax syntax = sqlite_syntax();
    return syntax;
}

std::string SqliteDialect::quote_identifier(std::string_view identifier) const {
    std::string out = "\"";
    for (char c : identifier) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

// SQLite transactions are always serializable; READ UNCOMMITTED only matters
// for shared-cache connections. AUTOCOMMIT is handled by the engine.
void SqliteDialect::check_isolation_level(std::string_view level) const {
    if (level == "SERIALIZABLE" || level == "READ UNCOMMITTED" || level == "AUTOCOMMIT") return;
    throw ArgumentError("isolation level '" + std::string(level) +
                            "' is not available on SQLite; use SERIALIZABLE, READ UNCOMMITTED or AUTOCOMMIT",
                        ErrorKind::invalid_argument);
}

std::vector<std::string> SqliteDialect::begin(const dialect::TransactionMode& mode) const {
    if (mode.read_only.value_or(false) || mode.deferrable.value_or(false))
        throw NotSupportedError("SQLite transactions have no READ ONLY or DEFERRABLE mode",
                                ErrorKind::not_supported);
    const std::string_view level = mode.level;
    std::vector<std::string> statements;
    if (level == "READ UNCOMMITTED") statements.emplace_back("PRAGMA read_uncommitted = 1");
    else if (level == "SERIALIZABLE") statements.emplace_back("PRAGMA read_uncommitted = 0");
    switch (begin_mode_) {
    case BeginMode::deferred: statements.emplace_back("BEGIN"); break;
    case BeginMode::immediate: statements.emplace_back("BEGIN IMMEDIATE"); break;
    case BeginMode::exclusive: statements.emplace_back("BEGIN EXCLUSIVE"); break;
    }
    return statements;
}

}  // namespace asyncsql::sqlite
