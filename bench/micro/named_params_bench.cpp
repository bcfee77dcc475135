// Named-parameter handling on a typical three-parameter statement:
//   * compile_named, cold (no cache): the full scan and rewrite;
//   * CompiledSqlCache::get on a hit: what every execute() of a known text pays;
//   * bind() of three named values into driver order.

#include <cstdint>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/sql/params.hpp"
#include "asyncsql/sql/sql_syntax.hpp"

namespace {

using namespace asyncsql;

constexpr std::string_view statement =
    "SELECT id, name, email, balance, active, created_at FROM accounts "
    "WHERE id = :id AND active = :active AND balance >= :min_balance";

SqlSyntax syntax_for(std::int64_t index) {
    switch (index) {
    case 0: return sqlite_syntax();
    case 1: return postgresql_syntax();
    default: return mysql_syntax();
    }
}

const char* syntax_name(std::int64_t index) {
    switch (index) {
    case 0: return "sqlite";
    case 1: return "postgresql";
    default: return "mysql";
    }
}

// Range argument: 0 = SQLite (?1), 1 = PostgreSQL ($1), 2 = MySQL (?).
void BM_CompileNamedCold(benchmark::State& state) {
    const SqlSyntax syntax = syntax_for(state.range(0));
    for (auto _ : state) {
        CompiledSql compiled = compile_named(statement, syntax);
        benchmark::DoNotOptimize(compiled);
    }
    state.SetLabel(syntax_name(state.range(0)));
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(statement.size()));
}
BENCHMARK(BM_CompileNamedCold)->DenseRange(0, 2);

// A hit in a cache holding 100 statements (the default statement_cache_size).
void BM_CompiledSqlCacheHit(benchmark::State& state) {
    const SqlSyntax syntax = sqlite_syntax();
    CompiledSqlCache cache(100);
    std::string others[99];
    for (int i = 0; i < 99; ++i) {
        others[i] = "SELECT * FROM t" + std::to_string(i) + " WHERE id = :id";
        cache.get(others[i], syntax, false);
    }
    cache.get(statement, syntax, false);
    for (auto _ : state) {
        auto compiled = cache.get(statement, syntax, false);
        benchmark::DoNotOptimize(compiled);
    }
    if (cache.misses() != 100) state.SkipWithError("unexpected cache miss");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompiledSqlCacheHit);

// bind() with the Params built once: name lookup and copying three Values.
void BM_Bind3(benchmark::State& state) {
    const CompiledSql compiled = compile_named(statement, sqlite_syntax());
    const Params params = {{"id", std::int64_t{4242}}, {"active", true}, {"min_balance", 100.5}};
    for (auto _ : state) {
        auto values = bind(compiled, params, statement);
        benchmark::DoNotOptimize(values);
    }
    state.SetItemsProcessed(state.iterations() * 3);
}
BENCHMARK(BM_Bind3);

// What a caller writing {{"id", ...}, ...} pays per execution: building the
// Params and binding them.
void BM_BuildParamsAndBind3(benchmark::State& state) {
    const CompiledSql compiled = compile_named(statement, sqlite_syntax());
    std::int64_t id = 0;
    for (auto _ : state) {
        const Params params = {{"id", ++id}, {"active", true}, {"min_balance", 100.5}};
        auto values = bind(compiled, params, statement);
        benchmark::DoNotOptimize(values);
    }
    state.SetItemsProcessed(state.iterations() * 3);
}
BENCHMARK(BM_BuildParamsAndBind3);

}  // namespace
