#include "backends/postgresql/driver/pg_rows.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <libpq-fe.h>

#include "backends/postgresql/driver/pg_types.hpp"

namespace asyncsql::postgresql {

void decode_rows(const pg_result* result, std::size_t first_row, RowSet& into) {
    const int fields = PQnfields(result);
    const int rows = PQntuples(result);
    if (fields == 0 || rows <= static_cast<int>(first_row)) return;
    // A pipeline appends the rows of each parameter set's result to one RowSet.
    into.reserve_more(static_cast<std::size_t>(rows - static_cast<int>(first_row)));
    auto& values = into.values;

    const auto decode = PQfformat(result, 0) == 1 ? &decode_binary : &decode_text;
    // The column types, read once rather than for every field (up to a width
    // that fits on the stack; wider results ask libpq past it).
    constexpr int max_known_types = 64;
    std::array<Oid, max_known_types> types{};
    for (int c = 0; c < std::min(fields, max_known_types); ++c) types[static_cast<std::size_t>(c)] = PQftype(result, c);

    for (int r = static_cast<int>(first_row); r < rows; ++r) {
        for (int c = 0; c < fields; ++c) {
            if (PQgetisnull(result, r, c)) {
                values.emplace_back();
                continue;
            }
            const std::string_view bytes(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c)));
            const Oid type = c < max_known_types ? types[static_cast<std::size_t>(c)] : PQftype(result, c);
            values.push_back(decode(type, bytes));
        }
    }
}

}  // namespace asyncsql::postgresql
