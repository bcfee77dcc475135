#include "fault/ledger_load.hpp"

#include "support/sleep.hpp"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asyncsql::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void LedgerLoad::start(const asio::any_io_executor& executor, int tasks) {
    for (int task = 0; task < tasks; ++task) {
        ++spawned_;
        asio::co_spawn(executor, run_task(task), asio::detached);
    }
}

asio::awaitable<void> LedgerLoad::run_task(int task) {
    while (!stopping_) {
        bool committed = false;
        try {
            committed = co_await transact_once(task);
        } catch (const std::exception& e) {
            record_unexpected(std::string("task ") + std::to_string(task) + ": " + e.what());
        }
        // A failing server is not hammered: a real client backs off too.
        if (!committed) co_await sleep_for(20ms);
    }
    ++finished_;
}

asio::awaitable<void> LedgerLoad::until_finished(std::chrono::seconds patience) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (finished_ < spawned_) {
        if (std::chrono::steady_clock::now() > deadline) {
            std::cerr << "HANG: " << spawned_ - finished_ << " of " << spawned_ << " tasks still running "
                      << patience.count() << " s after the load was stopped\n"
                      << engine_.pool_status().to_string() << std::endl;
            std::abort();
        }
        co_await sleep_for(10ms);
    }
}

namespace {

constexpr std::string_view insert_row = "INSERT INTO ledger (id, task) VALUES (:id, :task)";
constexpr std::string_view select_row = "SELECT id FROM ledger WHERE id = :id";

void expect_read_back(std::int64_t seen, std::int64_t id) {
    if (seen != id)
        throw std::logic_error("wrong result: read id " + std::to_string(seen) + " back for id " + std::to_string(id));
}

// The row inserted and read back, in one of six shapes, so that faults also
// land in pipelines, savepoints, streams, bulk executions and COPY.
asio::awaitable<void> insert_and_read_back(Connection& c, std::string_view dialect, std::int64_t id, int task) {
    Params row{{"id", id}, {"task", task}};
    Params which{{"id", id}};
    switch (id % 6) {
    case 0: {
        co_await c.execute(insert_row, std::move(row));
        const auto seen = co_await c.scalar<std::int64_t>(select_row, std::move(which));
        expect_read_back(seen, id);
        break;
    }
    case 1: {  // one round trip on PostgreSQL
        std::vector<BatchStatement> batch;
        batch.push_back({std::string(insert_row), std::move(row)});
        batch.push_back({std::string(select_row), std::move(which)});
        auto results = co_await c.execute_batch(std::move(batch));
        expect_read_back(results.at(1).scalar_one<std::int64_t>(), id);
        break;
    }
    case 2: {
        co_await c.nested([&row](Connection& inner) -> asio::awaitable<void> {
            co_await inner.execute(insert_row, std::move(row));
        });
        const auto seen = co_await c.scalar<std::int64_t>(select_row, std::move(which));
        expect_read_back(seen, id);
        break;
    }
    case 4: {  // MariaDB's bulk execution
        std::vector<Params> sets;
        sets.push_back(std::move(row));
        co_await c.execute_many(insert_row, std::move(sets));
        const auto seen = co_await c.scalar<std::int64_t>(select_row, std::move(which));
        expect_read_back(seen, id);
        break;
    }
    case 5: {  // COPY on PostgreSQL
        if (dialect == "postgresql") {
            std::vector<std::vector<Value>> rows;
            rows.push_back({Value(id), Value(std::int64_t{task})});
            std::vector<std::string> columns{"id", "task"};
            co_await c.copy_records("ledger", std::move(columns), std::move(rows));
        } else {
            co_await c.execute(insert_row, std::move(row));
        }
        const auto seen = co_await c.scalar<std::int64_t>(select_row, std::move(which));
        expect_read_back(seen, id);
        break;
    }
    default: {  // the row among the last few hundred ids, streamed in small batches
        co_await c.execute(insert_row, std::move(row));
        Params recent{{"low", id - 300}, {"id", id}};
        auto stream = co_await c.stream("SELECT id FROM ledger WHERE id > :low AND id <= :id ORDER BY id",
                                        std::move(recent));
        std::int64_t last = 0;
        for (;;) {
            const auto batch = co_await stream.partition(50);
            if (!batch) break;
            last = batch[batch.size() - 1].get<std::int64_t>(std::size_t{0});
        }
        expect_read_back(last, id);
        break;
    }
    }
}

}  // namespace

asio::awaitable<bool> LedgerLoad::transact_once(int task) {
    const std::int64_t id = next_id_++;
    ++transactions_;
    try {
        const std::string_view dialect = engine_.dialect_name();
        co_await engine_.transaction([dialect, id, task](Connection& c) -> asio::awaitable<void> {
            co_await insert_and_read_back(c, dialect, id, task);
        });
        ledger_.committed(id);
        co_return true;
    } catch (const Error&) {
        ledger_.failed(id, std::current_exception());
    } catch (...) {
        ledger_.failed(id, std::current_exception());  // rolled back by transaction(), as for any exception of fn
        throw;
    }
    co_return false;
}

std::string LedgerLoad::summary(std::string_view scenario, std::string_view leaks) const {
    return "FAULT-SUMMARY " + std::string(scenario) + ": " + std::to_string(transactions_) + " transactions, " +
           ledger_.outcome() + ", leaks: " + (leaks.empty() ? std::string("none") : std::string(leaks));
}

}  // namespace asyncsql::test
