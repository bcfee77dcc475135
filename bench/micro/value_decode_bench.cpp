// Reading values out of a buffered result: Row::get<T> over a RowSet of
// 1000 rows x 6 columns shaped like the benchmark table
//   bench_users(id, name, email, balance, active, created_at)
// (bench_users.hpp), Row::as<T> mapping whole rows into a struct, and
// parse_timestamp on ISO 8601 text (how SQLite returns timestamps).
//
// The BM_RowGet* benchmarks read one column of all 1000 rows per iteration,
// so items/s is values/s; the mapping ones count rows.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include <boost/describe/class.hpp>

#include "asyncsql/result/result.hpp"
#include "asyncsql/result/row.hpp"
#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"
#include "bench_users.hpp"

namespace {

using namespace asyncsql;

constexpr std::size_t row_count = bench::user_rows;

enum Column : std::size_t { id, name, email, balance, active, created_at };

// created_at as a native Timestamp value, or as the ISO text SQLite stores.
std::shared_ptr<const RowSet> make_rows(bool text_timestamps) {
    auto set = std::make_shared<RowSet>();
    set->columns = std::make_shared<const Columns>(
        std::vector<std::string>{"id", "name", "email", "balance", "active", "created_at"});
    set->values.reserve(row_count * 6);
    for (std::size_t i = 0; i < row_count; ++i) {
        bench::User u = bench::user(i);
        set->values.emplace_back(u.id);
        set->values.emplace_back(std::move(u.name));
        set->values.emplace_back(std::move(u.email));
        set->values.emplace_back(u.balance);
        set->values.emplace_back(u.active);
        if (text_timestamps) set->values.emplace_back(format_timestamp(u.created_at));
        else set->values.emplace_back(u.created_at);
    }
    return set;
}

std::vector<Row> rows_of(const std::shared_ptr<const RowSet>& set) {
    std::vector<Row> rows;
    rows.reserve(set->row_count());
    for (std::size_t i = 0; i < set->row_count(); ++i) rows.emplace_back(set, i);
    return rows;
}

template <class T>
void read_column(benchmark::State& state, bool text_timestamps, std::size_t column) {
    const auto rows = rows_of(make_rows(text_timestamps));
    for (auto _ : state) {
        for (const Row& row : rows) {
            T value = row.get<T>(column);
            benchmark::DoNotOptimize(value);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
}

void BM_RowGetInt64(benchmark::State& state) { read_column<std::int64_t>(state, false, id); }
BENCHMARK(BM_RowGetInt64);

// Copies the text out (std::string owns it); short names fit the SSO buffer,
// the e-mail addresses mostly do not.
void BM_RowGetStringName(benchmark::State& state) { read_column<std::string>(state, false, name); }
BENCHMARK(BM_RowGetStringName);

void BM_RowGetStringEmail(benchmark::State& state) { read_column<std::string>(state, false, email); }
BENCHMARK(BM_RowGetStringEmail);

void BM_RowGetDouble(benchmark::State& state) { read_column<double>(state, false, balance); }
BENCHMARK(BM_RowGetDouble);

void BM_RowGetBool(benchmark::State& state) { read_column<bool>(state, false, active); }
BENCHMARK(BM_RowGetBool);

// created_at held as a Timestamp value (a backend with a native type).
void BM_RowGetTimestamp(benchmark::State& state) { read_column<Timestamp>(state, false, created_at); }
BENCHMARK(BM_RowGetTimestamp);

// created_at held as ISO text, as SQLite returns it: get<Timestamp> parses.
void BM_RowGetTimestampFromText(benchmark::State& state) {
    read_column<Timestamp>(state, true, created_at);
}
BENCHMARK(BM_RowGetTimestampFromText);

// By column name instead of index (a hash lookup in Columns first).
void BM_RowGetInt64ByName(benchmark::State& state) {
    const auto rows = rows_of(make_rows(false));
    for (auto _ : state) {
        for (const Row& row : rows) {
            auto value = row.get<std::int64_t>(std::string_view("id"));
            benchmark::DoNotOptimize(value);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
}
BENCHMARK(BM_RowGetInt64ByName);

// All six columns of every row, each with its natural type.
void BM_RowGetAllColumns(benchmark::State& state) {
    const auto rows = rows_of(make_rows(false));
    for (auto _ : state) {
        for (const Row& row : rows) {
            auto i = row.get<std::int64_t>(id);
            auto n = row.get<std::string>(name);
            auto e = row.get<std::string>(email);
            auto b = row.get<double>(balance);
            auto a = row.get<bool>(active);
            auto c = row.get<Timestamp>(created_at);
            benchmark::DoNotOptimize(i);
            benchmark::DoNotOptimize(n);
            benchmark::DoNotOptimize(e);
            benchmark::DoNotOptimize(b);
            benchmark::DoNotOptimize(a);
            benchmark::DoNotOptimize(c);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
    state.SetLabel("items = rows");
}
BENCHMARK(BM_RowGetAllColumns);

// Row::as<T> for a whole row, each iteration over all 1000 rows.
// bench::User is a plain aggregate: mapped by position (Boost.PFR).
void BM_RowAsUser(benchmark::State& state) {
    const auto rows = rows_of(make_rows(false));
    for (auto _ : state) {
        for (const Row& row : rows) {
            bench::User user = row.as<bench::User>();
            benchmark::DoNotOptimize(user);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
    state.SetLabel("items = rows");
}
BENCHMARK(BM_RowAsUser);

// The same fields in a Boost.Describe'd struct: mapped by column name.
struct NamedUser {
    std::int64_t id;
    std::string name;
    std::string email;
    double balance;
    bool active;
    Timestamp created_at;
};
BOOST_DESCRIBE_STRUCT(NamedUser, (), (id, name, email, balance, active, created_at))

void BM_RowAsNamedUser(benchmark::State& state) {
    const auto rows = rows_of(make_rows(false));
    for (auto _ : state) {
        for (const Row& row : rows) {
            NamedUser user = row.as<NamedUser>();
            benchmark::DoNotOptimize(user);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows.size()));
    state.SetLabel("items = rows");
}
BENCHMARK(BM_RowAsNamedUser);

// Result::as<User>() on a fresh Result over the same rows: the cursor, the
// Row of every step and the std::vector<User> it fills.
void BM_ResultAsUser(benchmark::State& state) {
    const auto set = make_rows(false);
    for (auto _ : state) {
        Result result(set, -1, std::nullopt);
        std::vector<bench::User> users = result.as<bench::User>();
        benchmark::DoNotOptimize(users.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(set->row_count()));
    state.SetLabel("items = rows");
}
BENCHMARK(BM_ResultAsUser);

// Iterating a Result without consuming it (for (Row row : result)) and
// reading one column: the Row each step makes.
void BM_ResultIterate(benchmark::State& state) {
    const Result result(make_rows(false), -1, std::nullopt);
    for (auto _ : state) {
        for (const Row row : result) {
            auto value = row.get<std::int64_t>(id);
            benchmark::DoNotOptimize(value);
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(row_count));
    state.SetLabel("items = rows");
}
BENCHMARK(BM_ResultIterate);

// parse_timestamp on one ISO 8601 text; the argument picks the form.
void BM_ParseTimestamp(benchmark::State& state) {
    static constexpr std::string_view texts[] = {
        "2024-03-15 12:34:56",             // what format_timestamp writes
        "2024-03-15 12:34:56.789012",      // with microseconds
        "2024-03-15T12:34:56.789+02:00",   // 'T' and an offset
    };
    const std::string_view text = texts[state.range(0)];
    for (auto _ : state) {
        Timestamp ts = parse_timestamp(text);
        benchmark::DoNotOptimize(ts);
    }
    state.SetLabel(std::string(text));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseTimestamp)->DenseRange(0, 2);

}  // namespace
