// Reading values out of a buffered result: Row::get<T> over a RowSet of
// 1000 rows x 6 columns shaped like the benchmark table
//   accounts(id, name, email, balance, active, created_at)
// and parse_timestamp on ISO 8601 text (how SQLite returns timestamps).
//
// Each iteration reads one column of all 1000 rows, so items/s is values/s.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "asyncsql/result/row.hpp"
#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"

namespace {

using namespace asyncsql;

constexpr std::size_t row_count = 1000;

enum Column : std::size_t { id, name, email, balance, active, created_at };

// created_at as a native Timestamp value, or as the ISO text SQLite stores.
std::shared_ptr<const RowSet> make_rows(bool text_timestamps) {
    auto set = std::make_shared<RowSet>();
    set->columns = std::make_shared<const Columns>(
        std::vector<std::string>{"id", "name", "email", "balance", "active", "created_at"});
    set->values.reserve(row_count * 6);
    const Timestamp base = parse_timestamp("2024-01-01 00:00:00");
    for (std::size_t i = 0; i < row_count; ++i) {
        const auto n = static_cast<std::int64_t>(i);
        const Timestamp ts = base + std::chrono::seconds(n * 3607) + std::chrono::microseconds(n * 13);
        set->values.emplace_back(n + 1);
        set->values.emplace_back("user " + std::to_string(n + 1));
        set->values.emplace_back("user" + std::to_string(n + 1) + "@example.com");
        set->values.emplace_back(static_cast<double>(n) * 10.25);
        set->values.emplace_back(n % 3 != 0);
        if (text_timestamps) set->values.emplace_back(format_timestamp(ts));
        else set->values.emplace_back(ts);
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
