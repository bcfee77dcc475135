#pragma once

#include "dialect/dialect.hpp"

namespace asyncsql::mysql {

class MysqlDialect final : public dialect::Dialect {
public:
    std::string_view name() const noexcept override { return "mysql"; }
    const SqlSyntax& syntax() const noexcept override;
    std::string quote_identifier(std::string_view identifier) const override;
    void check_isolation_level(std::string_view level) const override;
    std::vector<std::string> begin(const dialect::TransactionMode& mode) const override;
};

}  // namespace asyncsql::mysql
