#pragma once

#include "backends/sqlite/driver/sqlite_options.hpp"
#include "dialect/dialect.hpp"

namespace asyncsql::sqlite {

class SqliteDialect final : public dialect::Dialect {
public:
    explicit SqliteDialect(BeginMode begin_mode) : begin_mode_(begin_mode) {}

    std::string_view name() const noexcept override { return "sqlite"; }
    const SqlSyntax& syntax() const noexcept override;
    std::string quote_identifier(std::string_view identifier) const override;
    void check_isolation_level(std::string_view level) const override;
    std::vector<std::string> begin(const dialect::TransactionMode& mode) const override;

private:
    BeginMode begin_mode_;
};

}  // namespace asyncsql::sqlite
