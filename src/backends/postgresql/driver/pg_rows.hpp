#pragma once
// The rows of one libpq result decoded into a RowSet: what
// PgConnection::take_rows does with every PGresult, kept apart from the
// connection so that it can be measured without a server
// (bench/micro/driver_decode_bench.cpp).

#include <cstddef>

#include "asyncsql/result/row.hpp"

struct pg_result;

namespace asyncsql::postgresql {

// Appends rows [first_row, PQntuples(result)) of `result` to `into.values`,
// each field decoded with decode_binary or decode_text as the result's format
// says (NULL as a null Value). Throws DataError on a malformed field; the
// rows before it stay appended.
void decode_rows(const pg_result* result, std::size_t first_row, RowSet& into);

}  // namespace asyncsql::postgresql
