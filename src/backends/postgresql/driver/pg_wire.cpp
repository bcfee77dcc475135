#include "backends/postgresql/driver/pg_wire.hpp"

#include <libpq-fe.h>

#include <cstdlib>

#include "asyncsql/error.hpp"
#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/sql/sql_syntax.hpp"
#include "driver/value_count.hpp"

namespace asyncsql::postgresql {

void WireParameters::encode(const std::vector<Value>& parameters, const std::vector<Oid>& targets) {
    encoded.reserve(parameters.size());
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        const std::size_t start = buffer.size();
        EncodedParameter p = encode_parameter(parameters[i], buffer);
        const Oid target = i < targets.size() ? targets[i] : 0;
        // An unnamed statement leaves an integer's type to the server as
        // a prepared one does (see prepared()): sent as untyped text.
        const bool untyped_integer = targets.empty() && parameters[i].kind() == ValueKind::integer;
        if (!p.is_null && p.format == 1 && (untyped_integer || (target != 0 && p.type != target))) {
            buffer.resize(start);
            buffer += encode_text(parameters[i]);
            p = EncodedParameter{.type = 0, .format = 0, .is_null = false, .offset = start,
                                 .length = buffer.size() - start};
        }
        // libpq reads text-format values up to their NUL, ignoring lengths,
        // and PostgreSQL text cannot hold NUL: refuse rather than truncate.
        if (!p.is_null && p.format == 0) {
            if (std::string_view(buffer.data() + p.offset, p.length).find('\0') != std::string_view::npos)
                throw DataError(ErrorInfo{
                    .message = "parameter " + std::to_string(i + 1) +
                               ": PostgreSQL text cannot contain NUL bytes; send binary data as Bytes (bytea)",
                    .kind = ErrorKind::data_exception});
            buffer.push_back('\0');
        }
        encoded.push_back(p);
        lengths.push_back(static_cast<int>(p.length));
        formats.push_back(p.format);
        types.push_back(p.type);
    }
}

std::vector<const char*> WireParameters::values() const {
    std::vector<const char*> out;
    out.reserve(encoded.size());
    for (const auto& p : encoded) out.push_back(p.is_null ? nullptr : buffer.data() + p.offset);
    return out;
}

WireParameters wire_parameters(const PreparedStatement* statement, const std::vector<Value>& parameters,
                               std::string_view sql) {
    // The server would answer too few values with 08P01, a protocol
    // violation, and take too many for an unnamed statement as parameters
    // it never reads: count them here.
    const std::size_t expected =
        statement ? statement->parameter_types.size() : highest_dollar_placeholder(sql, postgresql_syntax());
    driver::check_value_count("postgresql: ", expected, parameters.size(), sql);
    static const std::vector<Oid> natural;
    WireParameters wire;
    wire.encode(parameters, statement ? statement->parameter_types : natural);
    return wire;
}

void count_rows_changed(driver::ExecuteOutcome& outcome, pg_result* result) {
    const bool counted = outcome.rows_affected >= 0;
    const std::string_view tag = PQcmdStatus(result);
    for (std::string_view verb : {"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"}) {
        if (tag.starts_with(verb)) {
            outcome.rows_affected = (counted ? outcome.rows_affected : 0) + std::atoll(PQcmdTuples(result));
            return;
        }
    }
    if (PQresultStatus(result) == PGRES_COMMAND_OK && !counted) outcome.rows_affected = 0;
}

}  // namespace asyncsql::postgresql
