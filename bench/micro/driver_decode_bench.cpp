// Decoding a result into a RowSet inside each driver, without a server: the
// 1000 rows of bench_users (bench_users.hpp) as
//   - a libpq PGresult built in memory (PQmakeEmptyPGresult, PQsetvalue),
//     in binary and in text format, decoded by postgresql::decode_rows, what
//     PgConnection::take_rows runs on every result;
//   - an in-memory SQLite table, stepped and read with sqlite::api::read_row,
//     as the SQLite driver's ExecuteJob does;
//   - MySQL result buffers as mysql_stmt_fetch leaves them, decoded with
//     mysql::decode_field, as the MySQL driver's result reader does per field.
//
// Each iteration decodes all 1000 rows into a fresh RowSet; items are rows.

#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <mysql.h>

#include "asyncsql/result/row.hpp"
#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"
#include "backends/mysql/driver/mysql_types.hpp"
#include "backends/postgresql/driver/pg_rows.hpp"
#include "backends/postgresql/driver/pg_types.hpp"
#include "backends/sqlite/driver/sqlite_api.hpp"
#include "bench_users.hpp"

namespace {

using namespace asyncsql;

const std::vector<std::string> column_names = {"id", "name", "email", "balance", "active", "created_at"};

std::shared_ptr<const Columns> user_columns() {
    static const auto columns = std::make_shared<const Columns>(column_names);
    return columns;
}

// Aborts unless `rows` holds bench_users as bench::user() makes them: each
// benchmark checks its decoding once before timing it.
void verify(const RowSet& rows) {
    const auto set = std::make_shared<const RowSet>(rows);
    if (set->row_count() != bench::user_rows) std::abort();
    for (std::size_t r = 0; r < bench::user_rows; ++r) {
        const bench::User got = Row(set, r).as<bench::User>();
        const bench::User want = bench::user(r);
        if (got.id != want.id || got.name != want.name || got.email != want.email ||
            got.balance != want.balance || got.active != want.active || got.created_at != want.created_at) {
            std::fprintf(stderr, "row %zu decoded wrong: %s\n", r, Row(set, r).to_string().c_str());
            std::abort();
        }
    }
}

// Checks decode() once, then times it (the RowSet's destruction included).
template <class Decode>
void run(benchmark::State& state, const Decode& decode) {
    verify(decode());
    for (auto _ : state) {
        RowSet rows = decode();
        benchmark::DoNotOptimize(rows.values.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(bench::user_rows));
    state.SetLabel("items = rows");
}

// ------------------------------------------------------------------ PostgreSQL

template <class U>
std::string big_endian(U v) {
    std::string out(sizeof(U), '\0');
    for (std::size_t i = 0; i < sizeof(U); ++i)
        out[i] = static_cast<char>(static_cast<std::uint64_t>(v) >> (8 * (sizeof(U) - 1 - i)));
    return out;
}

// The fields of one row as the server sends them in `binary` or text format.
std::vector<std::string> pg_fields(const bench::User& u, bool binary) {
    using namespace std::chrono;
    constexpr std::int64_t pg_epoch_us = 10'957LL * 86'400 * 1'000'000;  // 2000-01-01
    if (binary) {
        const auto us = duration_cast<microseconds>(u.created_at.time_since_epoch()).count();
        return {big_endian(static_cast<std::uint64_t>(u.id)), u.name, u.email,
                big_endian(std::bit_cast<std::uint64_t>(u.balance)), std::string(1, u.active ? '\1' : '\0'),
                big_endian(static_cast<std::uint64_t>(us - pg_epoch_us))};
    }
    return {std::to_string(u.id), u.name, u.email, std::to_string(u.balance), u.active ? "t" : "f",
            format_timestamp(u.created_at)};
}

using PgResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

PgResultPtr make_pg_result(bool binary) {
    PgResultPtr result(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK), &PQclear);
    namespace oid = postgresql::oid;
    const postgresql::Oid types[] = {oid::int8, oid::text, oid::text, oid::float8, oid::boolean, oid::timestamp};
    const int lengths[] = {8, -1, -1, 8, 1, 8};
    std::vector<PGresAttDesc> attributes(column_names.size());
    for (std::size_t c = 0; c < attributes.size(); ++c) {
        attributes[c] = PGresAttDesc{const_cast<char*>(column_names[c].c_str()), 0, 0, binary ? 1 : 0,
                                     types[c], lengths[c], -1};
    }
    if (!PQsetResultAttrs(result.get(), static_cast<int>(attributes.size()), attributes.data())) std::abort();
    for (std::size_t r = 0; r < bench::user_rows; ++r) {
        const std::vector<std::string> fields = pg_fields(bench::user(r), binary);
        for (std::size_t c = 0; c < fields.size(); ++c) {
            auto& field = fields[c];
            if (!PQsetvalue(result.get(), static_cast<int>(r), static_cast<int>(c), const_cast<char*>(field.data()),
                            static_cast<int>(field.size())))
                std::abort();
        }
    }
    return result;
}

void pg_decode(benchmark::State& state, bool binary) {
    const PgResultPtr result = make_pg_result(binary);
    const auto decode = [&] {
        RowSet rows;
        rows.columns = user_columns();
        postgresql::decode_rows(result.get(), 0, rows);
        return rows;
    };
    run(state, decode);
}

void BM_PgDecodeBinary(benchmark::State& state) { pg_decode(state, true); }
BENCHMARK(BM_PgDecodeBinary);

void BM_PgDecodeText(benchmark::State& state) { pg_decode(state, false); }
BENCHMARK(BM_PgDecodeText);

// ---------------------------------------------------------------------- SQLite

void BM_SqliteReadRows(benchmark::State& state) {
    namespace api = sqlite::api;
    const api::Database db = api::open(":memory:");
    api::exec(db.get(),
              "CREATE TABLE bench_users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, "
              "balance REAL NOT NULL, active BOOLEAN NOT NULL, created_at TIMESTAMP NOT NULL)");
    {
        const std::string insert = "INSERT INTO bench_users VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
        const api::Statement statement = api::prepare(db.get(), insert);
        for (std::size_t r = 0; r < bench::user_rows; ++r) {
            bench::User u = bench::user(r);
            const std::vector<Value> values{Value(u.id),      Value(std::move(u.name)), Value(std::move(u.email)),
                                            Value(u.balance), Value(u.active),          Value(u.created_at)};
            api::bind(statement.get(), values, insert);
            api::step(db.get(), statement.get(), insert);
            api::reset(statement.get());
        }
    }
    const std::string select = "SELECT id, name, email, balance, active, created_at FROM bench_users";
    const api::Statement statement = api::prepare(db.get(), select);
    const std::vector<api::ColumnHint> hints = api::column_hints(statement.get());
    const auto columns = api::column_names(statement.get());
    const auto decode = [&] {
        RowSet rows;
        rows.columns = columns;
        while (api::step(db.get(), statement.get(), select) == api::StepResult::row)
            api::read_row(statement.get(), hints, rows.values);
        api::reset(statement.get());
        return rows;
    };
    run(state, decode);
}
BENCHMARK(BM_SqliteReadRows);

// ----------------------------------------------------------------------- MySQL

// One column's result buffer over all rows: what mysql_stmt_fetch would have
// written into the bound buffer for row r at [r * width, r * width + lengths[r]).
struct MysqlColumn {
    mysql::ColumnType type;
    std::size_t width = 0;
    std::string bytes;
    std::vector<unsigned long> lengths;

    template <class T>
    void add(const T& v) {
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
        bytes.resize(bytes.size() + width - sizeof v);
        lengths.push_back(sizeof v);
    }
    void add_text(const std::string& s) {
        bytes.append(s);
        bytes.resize(bytes.size() + width - s.size());
        lengths.push_back(static_cast<unsigned long>(s.size()));
    }
};

std::vector<MysqlColumn> make_mysql_columns() {
    constexpr unsigned utf8mb4 = 45;
    auto column = [](enum_field_types type, unsigned charset, std::size_t width) {
        MysqlColumn c;
        c.type.type = type;
        c.type.charset = charset;
        c.width = width;
        return c;
    };
    std::vector<MysqlColumn> columns{column(MYSQL_TYPE_LONGLONG, 63, 8),       column(MYSQL_TYPE_VAR_STRING, utf8mb4, 64),
                                     column(MYSQL_TYPE_VAR_STRING, utf8mb4, 64), column(MYSQL_TYPE_DOUBLE, 63, 8),
                                     column(MYSQL_TYPE_TINY, 63, 1),           column(MYSQL_TYPE_DATETIME, 63, sizeof(MYSQL_TIME))};
    columns[5].type.decimals = 6;
    for (std::size_t r = 0; r < bench::user_rows; ++r) {
        const bench::User u = bench::user(r);
        columns[0].add(static_cast<long long>(u.id));
        columns[1].add_text(u.name);
        columns[2].add_text(u.email);
        columns[3].add(u.balance);
        columns[4].add(static_cast<signed char>(u.active ? 1 : 0));
        const auto day = std::chrono::floor<std::chrono::days>(u.created_at);
        const std::chrono::year_month_day date(day);
        const std::chrono::hh_mm_ss<std::chrono::microseconds> clock(u.created_at - day);
        MYSQL_TIME t{};
        t.year = static_cast<unsigned>(static_cast<int>(date.year()));
        t.month = static_cast<unsigned>(date.month());
        t.day = static_cast<unsigned>(date.day());
        t.hour = static_cast<unsigned>(clock.hours().count());
        t.minute = static_cast<unsigned>(clock.minutes().count());
        t.second = static_cast<unsigned>(clock.seconds().count());
        t.second_part = static_cast<unsigned long>(clock.subseconds().count());
        t.time_type = MYSQL_TIMESTAMP_DATETIME;
        columns[5].add(t);
    }
    return columns;
}

void BM_MysqlDecodeFields(benchmark::State& state) {
    const std::vector<MysqlColumn> columns = make_mysql_columns();
    const auto decode = [&] {
        RowSet rows;
        rows.columns = user_columns();
        for (std::size_t r = 0; r < bench::user_rows; ++r) {
            for (const MysqlColumn& c : columns)
                rows.values.push_back(mysql::decode_field(c.type, c.bytes.data() + r * c.width, c.lengths[r]));
        }
        return rows;
    };
    run(state, decode);
}
BENCHMARK(BM_MysqlDecodeFields);

}  // namespace
