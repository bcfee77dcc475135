#include "backends/postgresql/dialect/postgresql_dialect.hpp"

#include <array>

#include "asyncsql/error.hpp"

namespace asyncsql::postgresql {

namespace {
constexpr std::array<std::string_view, 5> levels{"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ",
                                                 "SERIALIZABLE", "AUTOCOMMIT"};
}

const SqlSyntax& PostgresqlDialect::syntax() const noexcept {
    static const SqlSyntax syntax = postgresql_syntax();
    return syntax;
}

std::string PostgresqlDialect::quote_identifier(std::string_view identifier) const {
    std::string out = "\"";
    for (char c : identifier) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

void PostgresqlDialect::check_isolation_level(std::string_view level) const {
    for (auto known : levels)
        if (level == known) return;
    throw ArgumentError("isolation level '" + std::string(level) +
                            "' is not known to PostgreSQL; use READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, "
                            "SERIALIZABLE or AUTOCOMMIT",
                        ErrorKind::invalid_argument);
}

std::vector<std::string> PostgresqlDialect::begin(const dialect::TransactionMode& mode) const {
    std::string sql = "BEGIN";
    if (!mode.level.empty()) sql += " ISOLATION LEVEL " + mode.level;
    if (mode.read_only) sql += *mode.read_only ? " READ ONLY" : " READ WRITE";
    if (mode.deferrable) sql += *mode.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
    return {sql};
}

}  // namespace asyncsql::postgresql
