#pragma once
// The SQL spelling of one backend: placeholders, quoting, transaction and
// savepoint statements, isolation levels. No C client library here.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsql/sql/sql_syntax.hpp"

namespace asyncsql::dialect {

// How a transaction begins: isolation level (normalised upper case), and the
// access mode / deferrable flags where the backend has them (unset = default).
struct TransactionMode {
    std::string level;
    std::optional<bool> read_only;
    std::optional<bool> deferrable;
};

class Dialect {
public:
    virtual ~Dialect() = default;

    virtual std::string_view name() const noexcept = 0;
    virtual const SqlSyntax& syntax() const noexcept = 0;
    virtual std::string quote_identifier(std::string_view identifier) const = 0;

    // Throws ArgumentError naming the levels the backend accepts. The level
    // arrives normalised: upper case, words separated by one space.
    virtual void check_isolation_level(std::string_view level) const = 0;
    // Statements that open a transaction at `mode.level` ("" = backend default).
    virtual std::vector<std::string> begin(const TransactionMode& mode) const = 0;

    virtual std::string commit() const { return "COMMIT"; }
    virtual std::string rollback() const { return "ROLLBACK"; }
    virtual std::string savepoint(std::string_view name) const {
        return "SAVEPOINT " + quote_identifier(name);
    }
    virtual std::string release_savepoint(std::string_view name) const {
        return "RELEASE SAVEPOINT " + quote_identifier(name);
    }
    virtual std::string rollback_to_savepoint(std::string_view name) const {
        return "ROLLBACK TO SAVEPOINT " + quote_identifier(name);
    }
};

}  // namespace asyncsql::dialect
