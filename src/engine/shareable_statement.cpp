#include "engine/shareable_statement.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace asyncsql::detail {

namespace {

// Skips blanks, "--" and "/* */" comments, and "(" (a parenthesised SELECT).
std::string_view past_preamble(std::string_view sql) noexcept {
    for (;;) {
        const auto start = sql.find_first_not_of(" \t\r\n\f(");
        if (start == std::string_view::npos) return {};
        sql.remove_prefix(start);
        if (sql.starts_with("--")) {
            const auto end = sql.find('\n');
            if (end == std::string_view::npos) return {};
            sql.remove_prefix(end + 1);
        } else if (sql.starts_with("/*")) {
            const auto end = sql.find("*/", 2);
            if (end == std::string_view::npos) return {};
            sql.remove_prefix(end + 2);
        } else {
            return sql;
        }
    }
}

}  // namespace

bool shareable_statement(std::string_view sql) noexcept {
    sql = past_preamble(sql);
    std::size_t length = 0;
    while (length < sql.size() && std::isalpha(static_cast<unsigned char>(sql[length]))) ++length;
    const std::string_view word = sql.substr(0, length);
    static constexpr std::array<std::string_view, 8> keywords{"SELECT", "INSERT", "UPDATE", "DELETE",
                                                              "MERGE",  "WITH",   "VALUES", "TABLE"};
    return std::any_of(keywords.begin(), keywords.end(), [word](std::string_view keyword) {
        return std::equal(word.begin(), word.end(), keyword.begin(), keyword.end(), [](char a, char b) {
            return std::toupper(static_cast<unsigned char>(a)) == b;
        });
    });
}

}  // namespace asyncsql::detail
