#pragma once
// What goes on the wire for one execution (its parameters, encoded) and
// what comes back besides rows (the count of rows changed).

#include <string>
#include <string_view>
#include <vector>

#include "asyncsql/types/value.hpp"
#include "backends/postgresql/driver/pg_connection.hpp"
#include "backends/postgresql/driver/pg_types.hpp"
#include "driver/driver_connection.hpp"

namespace asyncsql::postgresql {

// Parameters of one execution, encoded into one buffer and pointed into.
struct WireParameters {
    std::string buffer;
    std::vector<EncodedParameter> encoded;
    std::vector<int> lengths;
    std::vector<int> formats;
    std::vector<Oid> types;

    // `targets`: the server's parameter types for a prepared statement (a
    // value whose natural binary type differs is sent as text, which every
    // type can parse); empty for an unnamed statement (natural types).
    void encode(const std::vector<Value>& parameters, const std::vector<Oid>& targets);

    // Pointers into the buffer, taken only when sending: the buffer may have
    // moved (short strings live inside the object).
    std::vector<const char*> values() const;
};

// Checks the number of values against the statement (or the placeholders of
// an unnamed one, when `statement` is null) and encodes them.
WireParameters wire_parameters(const PreparedStatement* statement, const std::vector<Value>& parameters,
                               std::string_view sql);

// Adds the rows one result of a statement changed to `outcome`:
// INSERT/UPDATE/DELETE/MERGE/COPY count theirs, other commands that return
// no rows (DDL, SET) change none, and reads leave it unknown (-1). Called
// once per parameter set, it sums.
void count_rows_changed(driver::ExecuteOutcome& outcome, pg_result* result);

}  // namespace asyncsql::postgresql
