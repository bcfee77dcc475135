#pragma once
// The load every fault scenario runs, and the checks it ends with.
//
// Tasks loop over short transactions, each inserting one row with a unique id
// into the table `ledger` and reading it back, and record each id by outcome
// in a Ledger (tests/support/ledger.hpp). Errors are expected while a fault
// lasts; they are counted by class and kind, and the task goes on after a
// short pause. verify() then checks the table against the ledger.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "asyncsql/asyncsql.hpp"
#include "support/ledger.hpp"

namespace asyncsql::test {

class LedgerLoad {
public:
    static constexpr std::string_view create_table = "CREATE TABLE ledger (id BIGINT PRIMARY KEY, task INTEGER NOT NULL)";

    explicit LedgerLoad(Engine engine) : engine_(std::move(engine)) {}

    // Spawns `tasks` tasks on `executor`, each running transactions until stop().
    void start(const boost::asio::any_io_executor& executor, int tasks);
    void stop() noexcept { stopping_ = true; }
    // Waits until every spawned task has returned. A task still running after
    // `patience` is a hang: the pool's state is printed and the process aborts,
    // since the tasks still refer to this object.
    boost::asio::awaitable<void> until_finished(std::chrono::seconds patience);

    // One transaction; true when it committed.
    boost::asio::awaitable<bool> transact_once(int task);

    // Compares the table, read on `connection` (of an engine other than the
    // load's), with the recorded outcomes; "" when they agree, else what is wrong.
    boost::asio::awaitable<std::string> verify(Connection& connection) { return ledger_.verify(connection); }

    void record_error(const Error& error) { ledger_.count(std::make_exception_ptr(error)); }
    // Something that must never happen (a wrong result, an exception that is no asyncsql::Error).
    void record_unexpected(std::string what) { ledger_.unexpected(std::move(what)); }

    std::int64_t transactions() const noexcept { return transactions_; }
    std::size_t committed() const noexcept { return ledger_.committed(); }
    std::size_t errors() const noexcept { return ledger_.errors(); }
    const std::vector<std::string>& unexpected() const noexcept { return ledger_.unexpected(); }
    int spawned() const noexcept { return spawned_; }
    int finished() const noexcept { return finished_; }

    // FAULT-SUMMARY <scenario>: N transactions, C committed, errors {...}, ledger rows verified V
    // (of the K unknown commits P committed), leaks: L
    std::string summary(std::string_view scenario, std::string_view leaks) const;

private:
    boost::asio::awaitable<void> run_task(int task);

    Engine engine_;
    bool stopping_ = false;
    int spawned_ = 0;
    int finished_ = 0;
    std::int64_t next_id_ = 1;
    std::int64_t transactions_ = 0;
    Ledger ledger_;
};

}  // namespace asyncsql::test
