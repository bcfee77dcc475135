#include "backends/postgresql/driver/pg_rows.hpp"

#include <string_view>

#include <libpq-fe.h>

#include "backends/postgresql/driver/pg_types.hpp"

namespace asyncsql::postgresql {

void decode_rows(const pg_result* result, std::size_t first_row, RowSet& into) {
    const int fields = PQnfields(result);
    const int rows = PQntuples(result);
    const bool binary = fields > 0 && PQfformat(result, 0) == 1;
    into.values.reserve(into.values.size() + static_cast<std::size_t>(rows - static_cast<int>(first_row)) *
                                                 static_cast<std::size_t>(fields));
    for (int r = static_cast<int>(first_row); r < rows; ++r) {
        for (int c = 0; c < fields; ++c) {
            if (PQgetisnull(result, r, c)) {
                into.values.emplace_back();
                continue;
            }
            const std::string_view bytes(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c)));
            const Oid type = PQftype(result, c);
            into.values.push_back(binary ? decode_binary(type, bytes) : decode_text(type, bytes));
        }
    }
}

}  // namespace asyncsql::postgresql
