#include "workloads.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <asyncsql/asyncsql.hpp>

#include "checksum.hpp"
#include "tasks.hpp"

namespace bench {

namespace {

namespace asio = boost::asio;
using asyncsql::Connection;
using asyncsql::Engine;
using asyncsql::Params;

// Operations (or repetitions) before the timed part, as every client does.
constexpr std::size_t warm_up_ops = 1000;
// Rows per fetch of a stream, the size WORKLOADS.md gives cursor clients.
constexpr std::size_t rows_per_fetch = 1000;

constexpr std::string_view select_user =
    "SELECT id,name,email,balance,active,created_at FROM bench_users WHERE id = :id";
constexpr std::string_view select_users = "SELECT id,name,email,balance,active,created_at FROM bench_users";
constexpr std::string_view select_inserted = "SELECT id,name,email,balance,active,created_at FROM bench_insert";
constexpr std::string_view insert_user =
    "INSERT INTO bench_insert (id,name,email,balance,active,created_at) VALUES (?,?,?,?,?,?)";
constexpr std::string_view raise_balance = "UPDATE bench_users SET balance = balance + 1 WHERE id = :id";
constexpr std::string_view select_balance = "SELECT balance FROM bench_users WHERE id = :id";
constexpr std::string_view record_change =
    "INSERT INTO bench_history (user_id, delta, at) VALUES (:id, 1, CURRENT_TIMESTAMP)";
constexpr std::string_view restore_balances =
    "UPDATE bench_users SET balance = id * 1.5 WHERE balance <> id * 1.5";
constexpr std::string_view clear_history = "DELETE FROM bench_history";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Report make_report(const Options& options, std::int64_t ops, double seconds, std::string checksum) {
    return Report{.workload = options.workload, .ops = ops, .seconds = seconds, .checksum = std::move(checksum)};
}

// Every row of `sql`, buffered, decoded into Users and added to `sum`.
asio::awaitable<void> fetch_users(Connection& conn, std::string_view sql, Params params, RowChecksum& sum) {
    const std::vector<User> users = co_await conn.fetch_all<User>(sql, std::move(params));
    for (const User& user : users) sum.add(user);
}

// Every row of `sql`, streamed rows_per_fetch at a time, each decoded and added to `sum`.
asio::awaitable<void> stream_users(Connection& conn, std::string_view sql, RowChecksum& sum) {
    asyncsql::StreamResult stream = co_await conn.stream(sql);
    for (;;) {
        const asyncsql::RowBatch batch = co_await stream.partition(rows_per_fetch);
        if (batch.empty()) break;
        for (const asyncsql::Row& row : batch) sum.add(row.as<User>());
    }
}

// Runs op(id, sum) over the first warm_up_ops ids into a checksum that is
// thrown away, then, timed, over the first `count` ids into `sum`, `tasks`
// at a time. Returns the seconds of the timed part.
template <class Sum, class Op>
asio::awaitable<double> warm_up_then_time(std::size_t tasks, std::size_t count, Sum& sum, Op op) {
    const std::vector<std::int64_t> ids = point_ids(std::max(count, warm_up_ops));
    const std::span<const std::int64_t> all(ids);
    Sum warm_up_sum;
    auto warm_up = [&](std::int64_t id) { return op(id, warm_up_sum); };
    co_await run_tasks(tasks, all.first(warm_up_ops), warm_up);
    auto timed = [&](std::int64_t id) { return op(id, sum); };
    const Clock::time_point start = Clock::now();
    co_await run_tasks(tasks, all.first(count), timed);
    co_return seconds_since(start);
}

// point, point_concurrent: each look-up checks a connection out of the pool.
asio::awaitable<Report> point(Engine& engine, const Options& options) {
    auto look_up = [&engine](std::int64_t id, RowChecksum& sum) -> asio::awaitable<void> {
        Connection conn = co_await engine.connect();
        Params params{{"id", id}};
        co_await fetch_users(conn, select_user, std::move(params), sum);
    };
    RowChecksum sum;
    const double seconds = co_await warm_up_then_time(options.concurrency, options.ops, sum, look_up);
    co_return make_report(options, sum.rows(), seconds, sum.text());
}

// fetch_all, stream: one connection reads the whole table `ops` times.
template <class Read>
asio::awaitable<Report> read_table(Engine& engine, const Options& options, Read read) {
    Connection conn = co_await engine.connect();
    RowChecksum warm_up_sum;
    co_await read(conn, warm_up_sum);
    RowChecksum sum;
    const Clock::time_point start = Clock::now();
    for (std::size_t i = 0; i < options.ops; ++i) co_await read(conn, sum);
    const double seconds = seconds_since(start);
    co_return make_report(options, sum.rows(), seconds, sum.text());
}

asio::awaitable<Report> fetch_all(Engine& engine, const Options& options) {
    auto read = [](Connection& conn, RowChecksum& sum) { return fetch_users(conn, select_users, {}, sum); };
    co_return co_await read_table(engine, options, read);
}

asio::awaitable<Report> stream(Engine& engine, const Options& options) {
    auto read = [](Connection& conn, RowChecksum& sum) { return stream_users(conn, select_users, sum); };
    co_return co_await read_table(engine, options, read);
}

// Row i of bench_users, as the parameters of one insert.
Params user_row(std::int64_t i) {
    const std::string name = "user_" + std::to_string(i);
    const asyncsql::Timestamp created_at =
        std::chrono::sys_days(std::chrono::year(2024) / std::chrono::January / 1) + std::chrono::seconds(i);
    return Params::positional(i, name, name + "@example.com", static_cast<double>(i) * 1.5, i % 3 != 0,
                              created_at);
}

std::vector<Params> user_rows(std::size_t count) {
    std::vector<Params> rows;
    rows.reserve(count);
    for (std::size_t i = 1; i <= count; ++i) rows.push_back(user_row(static_cast<std::int64_t>(i)));
    return rows;
}

asio::awaitable<void> insert_in_one_transaction(Connection& conn, std::vector<Params> rows) {
    asyncsql::Transaction transaction = co_await conn.begin();
    co_await conn.execute_many(insert_user, std::move(rows));
    co_await transaction.commit();
}

asio::awaitable<Report> insert_many(Engine& engine, const Options& options) {
    std::vector<Params> warm_up_rows = user_rows(warm_up_ops);
    std::vector<Params> rows = user_rows(options.ops);
    // SQLite has no TRUNCATE; on the servers it leaves no dead rows behind.
    const std::string_view empty_table =
        engine.dialect_name() == "sqlite" ? "DELETE FROM bench_insert" : "TRUNCATE TABLE bench_insert";
    Connection conn = co_await engine.connect();
    co_await conn.execute(empty_table);
    co_await insert_in_one_transaction(conn, std::move(warm_up_rows));
    co_await conn.execute(empty_table);
    const Clock::time_point start = Clock::now();
    co_await insert_in_one_transaction(conn, std::move(rows));
    const double seconds = seconds_since(start);
    RowChecksum sum;  // read back untimed, from the table itself
    co_await stream_users(conn, select_inserted, sum);
    co_return make_report(options, static_cast<std::int64_t>(options.ops), seconds, sum.text());
}

// Puts balances and history back as seeded, so that txn's own checksum (and
// the read workloads' after it) do not depend on earlier runs.
asio::awaitable<void> restore_seeded_data(Engine& engine) {
    Connection conn = co_await engine.connect();
    co_await conn.execute(restore_balances);
    co_await conn.execute(clear_history);
}

asio::awaitable<Report> txn(Engine& engine, const Options& options) {
    auto transfer = [&engine](std::int64_t id, TxnChecksum& sum) -> asio::awaitable<void> {
        auto body = [id](Connection& conn) -> asio::awaitable<double> {
            Params raise{{"id", id}};
            co_await conn.execute(raise_balance, std::move(raise));
            Params select{{"id", id}};
            const double balance = co_await conn.scalar<double>(select_balance, std::move(select));
            Params record{{"id", id}};
            co_await conn.execute(record_change, std::move(record));
            co_return balance;
        };
        const double balance = co_await engine.transaction(std::move(body));
        sum.add(id, balance);
    };
    co_await restore_seeded_data(engine);
    TxnChecksum sum;
    const double seconds = co_await warm_up_then_time(options.concurrency, options.ops, sum, transfer);
    co_await restore_seeded_data(engine);
    co_return make_report(options, static_cast<std::int64_t>(options.ops), seconds, sum.text());
}

constexpr std::array workloads{
    Workload{"point", 1, 1, 20'000, point},
    Workload{"point_concurrent", 64, 8, 100'000, point},
    Workload{"fetch_all", 1, 1, 5, fetch_all},
    Workload{"stream", 1, 1, 5, stream},
    Workload{"insert_many", 1, 1, 50'000, insert_many},
    Workload{"txn", 32, 8, 20'000, txn},
};

}  // namespace

const Workload* find_workload(std::string_view name) {
    const auto found = std::ranges::find(workloads, name, &Workload::name);
    return found == workloads.end() ? nullptr : &*found;
}

}  // namespace bench
