#include "backends/mysql/dialect/mysql_dialect.hpp"

#include <array>

#include "asyncsql/error.hpp"

namespace asyncsql::mysql {

const SqlSyntax& MysqlDialect::syntax() const noexcept {
    static const SqlSyntax syntax = mysql_syntax();
    return syntax;
}

std::string MysqlDialect::quote_identifier(std::string_view identifier) const {
    std::string out = "`";
    for (char c : identifier) {
        if (c == '`') out += '`';
        out += c;
    }
    return out + '`';
}

void MysqlDialect::check_isolation_level(std::string_view level) const {
    static constexpr std::array<std::string_view, 5> levels{"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ",
                                                            "SERIALIZABLE", "AUTOCOMMIT"};
    for (auto known : levels)
        if (level == known) return;
    throw ArgumentError("isolation level '" + std::string(level) +
                            "' is not known to MySQL; use READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, "
                            "SERIALIZABLE or AUTOCOMMIT",
                        ErrorKind::invalid_argument);
}

// SET TRANSACTION applies to the next transaction only, so it travels with
// the START TRANSACTION it is for.
std::vector<std::string> MysqlDialect::begin(const dialect::TransactionMode& mode) const {
    if (mode.deferrable.value_or(false))
        throw NotSupportedError("MySQL transactions have no DEFERRABLE mode", ErrorKind::not_supported);
    std::vector<std::string> statements;
    if (!mode.level.empty()) statements.push_back("SET TRANSACTION ISOLATION LEVEL " + mode.level);
    std::string start = "START TRANSACTION";
    if (mode.read_only) start += *mode.read_only ? " READ ONLY" : " READ WRITE";
    statements.push_back(std::move(start));
    return statements;
}

}  // namespace asyncsql::mysql
