// The real engine on a SQLite file: point SELECTs by primary key through
// Connection::execute, and pool checkout/checkin.
//
// A file in a fresh temporary directory holds accounts(id, name, email,
// balance, active, created_at) with 10,000 rows, created once per process.
// Each benchmark makes its own engine on one io_context; every benchmark
// iteration runs one coroutine to completion on that io_context, and the
// coroutine does `batch` operations, so items/s is operations per second.
//
//   execution=thread  every statement is handed to the connection's worker
//                     thread and its completion posted back (the default)
//   execution=inline  sqlite3 runs on the io_context's thread itself

#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "asyncsql/asyncsql.hpp"

namespace {

namespace asio = boost::asio;
using namespace asyncsql;

constexpr std::int64_t table_rows = 10'000;
constexpr int batch = 1000;

// The database file, created on first use and removed at exit.
class BenchDatabase {
public:
    static const BenchDatabase& get() {
        static const BenchDatabase db;
        return db;
    }

    std::string url(const std::string& query) const {
        return "sqlite:///" + (dir_ / "bench.db").string() + "?" + query;
    }

    ~BenchDatabase() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

private:
    BenchDatabase();
    std::filesystem::path dir_;
};

// Runs the coroutine to completion on `io`, rethrowing what it throws.
template <class F>
void run_on(asio::io_context& io, F make) {
    bool done = false;
    std::exception_ptr failure;
    io.restart();
    asio::co_spawn(io, make(), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    while (!done && io.run_one() != 0) {
    }
    if (!done) throw std::logic_error("io_context ran out of work before the coroutine finished");
    if (failure) std::rethrow_exception(failure);
}

asio::awaitable<void> create_table(Engine engine) {
    Connection c = co_await engine.connect();
    co_await c.execute(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, "
        "balance REAL NOT NULL, active INTEGER NOT NULL, created_at TEXT NOT NULL)");
    std::vector<Params> rows;  // built outside the co_await (g++ 12)
    rows.reserve(table_rows);
    for (std::int64_t id = 1; id <= table_rows; ++id) {
        Params p;
        p.add("id", id);
        p.add("name", "user " + std::to_string(id));
        p.add("email", "user" + std::to_string(id) + "@example.com");
        p.add("balance", static_cast<double>(id % 1000) * 10.25);
        p.add("active", id % 3 != 0);
        p.add("created_at", std::string("2024-01-01 00:00:00"));
        rows.push_back(std::move(p));
    }
    co_await c.execute_many(
        "INSERT INTO accounts (id, name, email, balance, active, created_at) "
        "VALUES (:id, :name, :email, :balance, :active, :created_at)",
        std::move(rows));
    co_await c.commit();
    const auto count = co_await c.scalar<std::int64_t>("SELECT COUNT(*) FROM accounts");
    if (count != table_rows) throw std::runtime_error("bench table has the wrong row count");
}

asio::awaitable<void> dispose(Engine engine) { co_await engine.dispose(); }

BenchDatabase::BenchDatabase() {
    dir_ = std::filesystem::temp_directory_path() /
           ("asyncsql-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    asio::io_context io;
    Engine engine = create_engine(url("execution=inline"));
    run_on(io, [&] { return create_table(engine); });
    run_on(io, [&] { return dispose(engine); });
}

// `batch` point SELECTs on one checked-out connection, ids spread over the
// table; each result row is read so the whole path is measured. The reads
// share the transaction the first SELECT begins; it is rolled back at the end.
asio::awaitable<void> lookups(Engine engine, std::uint64_t& seed, std::int64_t& checksum) {
    Connection c = co_await engine.connect();
    for (int i = 0; i < batch; ++i) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto id = static_cast<std::int64_t>((seed >> 33) % table_rows) + 1;
        Result r = co_await c.execute(
            "SELECT id, name, email, balance, active, created_at FROM accounts WHERE id = :id",
            {{"id", id}});
        const Row row = r.one();
        checksum += row.get<std::int64_t>(std::size_t{0});
    }
    co_await c.rollback();
}

void point_select(benchmark::State& state, const char* execution) {
    const std::string url = BenchDatabase::get().url(std::string("execution=") + execution);
    asio::io_context io;
    Engine engine = create_engine(url);
    std::uint64_t seed = 42;
    std::int64_t checksum = 0;
    try {
        run_on(io, [&] { return lookups(engine, seed, checksum); });  // warm-up: pool, statement cache
        for (auto _ : state) run_on(io, [&] { return lookups(engine, seed, checksum); });
        benchmark::DoNotOptimize(checksum);
        state.SetItemsProcessed(state.iterations() * batch);
        state.SetLabel(std::string("execution=") + execution + ", " + std::to_string(batch) +
                       " lookups/iteration");
        run_on(io, [&] { return dispose(engine); });
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_PointSelectThread(benchmark::State& state) { point_select(state, "thread"); }
BENCHMARK(BM_PointSelectThread)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PointSelectInline(benchmark::State& state) { point_select(state, "inline"); }
BENCHMARK(BM_PointSelectInline)->Unit(benchmark::kMillisecond)->UseRealTime();

// `batch` checkouts and checkins of an idle connection.
asio::awaitable<void> checkouts(Engine engine) {
    for (int i = 0; i < batch; ++i) {
        Connection c = co_await engine.connect();
        benchmark::DoNotOptimize(c);
    }  // dropping `c` returns it to the pool
}

void pool_checkout(benchmark::State& state, const char* execution) {
    const std::string url = BenchDatabase::get().url(std::string("execution=") + execution);
    asio::io_context io;
    Engine engine = create_engine(url);
    try {
        run_on(io, [&] { return checkouts(engine); });  // warm: one connection open and idle
        for (auto _ : state) run_on(io, [&] { return checkouts(engine); });
        state.SetItemsProcessed(state.iterations() * batch);
        const PoolStatus status = engine.pool_status();
        state.counters["connects"] = static_cast<double>(status.connects);
        state.SetLabel(std::string("execution=") + execution + ", " + std::to_string(batch) +
                       " checkouts/iteration");
        run_on(io, [&] { return dispose(engine); });
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_PoolCheckoutCheckin(benchmark::State& state) { pool_checkout(state, "thread"); }
BENCHMARK(BM_PoolCheckoutCheckin)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_PoolCheckoutCheckinInline(benchmark::State& state) { pool_checkout(state, "inline"); }
BENCHMARK(BM_PoolCheckoutCheckinInline)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
