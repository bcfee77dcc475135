// Fault scenarios (label `fault`), compiled once per server backend against a
// throwaway server of their own (fixtures postgresql_fault_server,
// mysql_fault_server), which the restart scenario kills: a server restarted
// under load, connections cut at random by a FaultProxy, a statement timeout
// while the proxy stalls, and a stream's connection killed from outside.
// Each ends with the same checks (see run_scenario) and prints one
// FAULT-SUMMARY line. README.md next to this file says how to run them.

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <stdexcept>
#include <string>

#include <boost/asio/this_coro.hpp>

#include "fault/ledger_load.hpp"
#include "support/sleep.hpp"
#include "suite/suite.hpp"
#include "support/fault_proxy.hpp"
#include "support/process_resources.hpp"

#if !defined(ASYNCSQL_FAULT_SERVER_SCRIPT) || !defined(ASYNCSQL_FAULT_SERVER_DIR) || \
    !defined(ASYNCSQL_FAULT_BACKEND_LABEL)
#error "ASYNCSQL_FAULT_SERVER_SCRIPT, ASYNCSQL_FAULT_SERVER_DIR and ASYNCSQL_FAULT_BACKEND_LABEL must be defined"
#endif

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr int load_tasks = 64;
const Options load_options{
    {"pool_size", "16"}, {"max_overflow", "0"}, {"pool_timeout", "10"}, {"connect_timeout", "2"}};

// How long the proxy cuts connections (ASYNCSQL_FAULT_SECONDS, default 30).
std::chrono::seconds fault_duration() {
    const char* text = std::getenv("ASYNCSQL_FAULT_SECONDS");
    const int seconds = text ? std::atoi(text) : 0;
    return std::chrono::seconds(seconds > 0 ? seconds : 30);
}

// The random cuts' seed (ASYNCSQL_FAULT_SEED, default 20261121), to replay a run.
std::uint32_t fault_seed() {
    const char* text = std::getenv("ASYNCSQL_FAULT_SEED");
    return text ? static_cast<std::uint32_t>(std::strtoul(text, nullptr, 10)) : 20261121u;
}

std::string scenario_name(const std::string& scenario) {
    return std::string(ASYNCSQL_FAULT_BACKEND_LABEL) + " " + scenario;
}

// The port of postgresql://user:password@127.0.0.1:PORT/database, and the URL
// with another port.
std::size_t port_position(const std::string& url) {
    const auto at = url.find('@');
    const auto colon = url.find(':', at);
    if (at == std::string::npos || colon == std::string::npos) throw std::runtime_error("no port in " + url);
    return colon + 1;
}
std::uint16_t port_of(const std::string& url) {
    return static_cast<std::uint16_t>(std::stoi(url.substr(port_position(url))));
}
std::string with_port(const std::string& url, std::uint16_t port) {
    const auto from = port_position(url);
    const auto to = url.find_first_not_of("0123456789", from);
    return url.substr(0, from) + std::to_string(port) + url.substr(to);
}

// A query whose 3,000,000 rows (tens of MB, more than the sockets buffer)
// keep the server sending for a while, from the first row on: PostgreSQL
// materializes a generate_series before its first row, but not a join of two
// small ones; MariaDB's sequence tables stream.
std::string long_series() {
    return backend_under_test().name == "postgresql"
               ? "SELECT a * 1000 + b FROM generate_series(0, 2999) AS a, generate_series(1, 1000) AS b"
               : "SELECT seq FROM seq_1_to_3000000";
}

// One line per client session on this database other than the caller's own
// (PostgreSQL's autovacuum workers are no client's).
std::string other_sessions_sql() {
    return backend_under_test().name == "postgresql"
               ? "SELECT CONCAT_WS(' ', pid, backend_type, state, LEFT(query, 80)) FROM pg_stat_activity "
                 "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
               : "SELECT CONCAT_WS(' ', ID, COMMAND, TIME, STATE, LEFT(INFO, 80)) FROM information_schema.PROCESSLIST "
                 "WHERE DB = DATABASE() AND ID <> CONNECTION_ID()";
}

// Polls (at most 5 s: the server notices closed connections in the
// background) until no session but `c` is left on its database; returns those
// left.
asio::awaitable<std::vector<std::string>> sessions_left(Connection& c) {
    std::vector<std::string> left;
    for (int i = 0; i < 250; ++i) {
        left = co_await c.scalars<std::string>(other_sessions_sql());
        co_await c.rollback();
        if (left.empty()) break;
        co_await sleep_for(20ms);
    }
    co_return left;
}

// Runs fault(engine, load) on a fresh database, with the checks every
// scenario ends with: the tasks all returned, the engine works again, the pool
// holds nothing, the ledger agrees, the server has no session of the disposed
// engine left, the process no thread or descriptor. `url` is what the load
// connects to (through a proxy or not), `direct_url` the same database
// without one, for the checks after the load's engine is gone.
template <class Fault>
void run_scenario(const std::string& scenario, const std::string& url, const std::string& direct_url, Fault fault,
                  const std::function<std::string()>& note = {}) {
    const ProcessResources before = ProcessResources::now();
    Engine engine = create_engine(url, load_options);
    LedgerLoad load(engine);
    std::string pool_note;
    run_with_engine(engine, [&](Engine& e) -> asio::awaitable<void> {
        {
            auto c = co_await e.connect();
            co_await c.execute(LedgerLoad::create_table);
            co_await c.commit();
        }
        std::exception_ptr failure;
        try {
            co_await fault(e, load);
        } catch (...) {
            failure = std::current_exception();
        }
        if (failure) {
            // The tasks refer to the load: they must be over before it goes.
            load.stop();
            co_await load.until_finished(60s);
            std::rethrow_exception(failure);
        }
        EXPECT_EQ(load.finished(), load.spawned()) << "tasks still running";
        EXPECT_GT(load.errors(), 0u) << "the fault caused no error at all";
        for (const auto& what : load.unexpected()) ADD_FAILURE() << what;

        // The engine works again: transactions in a row, each on its first try.
        int failures_after = 0;
        for (int i = 0; i < 20; ++i) {
            const bool committed = co_await load.transact_once(load_tasks + i);
            if (!committed) ++failures_after;
        }
        EXPECT_EQ(failures_after, 0) << "transactions failed after the fault was over";

        const PoolStatus status = e.pool_status();
        EXPECT_EQ(status.checked_out, 0u) << status.to_string();
        EXPECT_EQ(status.waiters, 0u) << status.to_string();
        pool_note = ", pool: " + std::to_string(status.connects) + " connects, " +
                    std::to_string(status.disconnects) + " disconnects, " + std::to_string(status.discards) +
                    " discards, " + std::to_string(status.pings) + " pings (" +
                    std::to_string(status.ping_failures) + " failed)";
    });
    run_with_engine(create_engine(direct_url), [&](Engine& checker) -> asio::awaitable<void> {
        // One connection for both checks: it is the only session expected.
        auto c = co_await checker.connect("checks");
        const std::string problems = co_await load.verify(c);
        EXPECT_EQ(problems, "");
        const std::vector<std::string> sessions = co_await sessions_left(c);
        for (const auto& session : sessions) ADD_FAILURE() << "a session is still open on the server: " << session;
    });
    const std::string leaks = wait_until_released(before);
    EXPECT_EQ(leaks, "");
    std::cout << load.summary(scenario_name(scenario), leaks) << pool_note << (note ? note() : "") << std::endl;
}

TEST(Fault, ServerRestartedUnderLoad) {
    const std::string url = backend_under_test().fresh_url();
    run_scenario("restart", url, url, [](Engine&, LedgerLoad& load) -> asio::awaitable<void> {
        load.start(co_await asio::this_coro::executor, load_tasks);
        co_await sleep_for(1500ms);
        const std::string command = std::string("bash ") + ASYNCSQL_FAULT_SERVER_SCRIPT + " restart " +
                                    ASYNCSQL_FAULT_SERVER_DIR + " >/dev/null";
        // On a thread of its own: the load keeps running while the server goes down and up.
        auto restart = std::async(std::launch::async, [command] { return std::system(command.c_str()); });
        while (restart.wait_for(0s) != std::future_status::ready) co_await sleep_for(20ms);
        EXPECT_EQ(restart.get(), 0) << command;
        co_await sleep_for(3s);
        load.stop();
        co_await load.until_finished(60s);
    });
}

TEST(Fault, ProxyCutsConnectionsAtRandomPoints) {
    const std::string direct_url = backend_under_test().fresh_url();
    FaultProxy proxy("127.0.0.1", port_of(direct_url));
    run_scenario(
        "random cuts", with_port(direct_url, proxy.port()), direct_url,
        [&proxy](Engine&, LedgerLoad& load) -> asio::awaitable<void> {
            load.start(co_await asio::this_coro::executor, load_tasks);
            co_await sleep_for(500ms);
            // Anywhere from the first byte of the handshake to well into a connection's life.
            proxy.cut_randomly(0, 50000, fault_seed());
            co_await sleep_for(fault_duration());
            proxy.never_cut();
            // Then every connection goes at once, and new ones end during their
            // handshake for a second, then get no answer at all for longer than
            // connect_timeout: the pool must get over failing connects too.
            proxy.refuse(FaultProxy::Refusal::close_on_accept);
            proxy.cut_all();
            co_await sleep_for(1s);
            proxy.refuse(FaultProxy::Refusal::stop_accepting);
            co_await sleep_for(3s);
            proxy.refuse(FaultProxy::Refusal::none);
            co_await sleep_for(1s);
            load.stop();
            co_await load.until_finished(60s);
            EXPECT_GT(proxy.counters().cut, 0u);
            EXPECT_GT(proxy.counters().refused, 0u);
        },
        [&proxy] {
            return ", proxy cuts " + std::to_string(proxy.counters().cut) + ", refused " +
                   std::to_string(proxy.counters().refused) + ", seed " + std::to_string(fault_seed());
        });
}

// The network to the server stalls: the statement timeout's cancel request
// cannot get through either, and after connect_timeout more the connection is
// given up on (postgresql.md, mysql.md), so no statement waits for the whole stall.
TEST(Fault, StatementTimeoutEndsWhileTheNetworkStalls) {
    const std::string direct_url = backend_under_test().fresh_url();
    FaultProxy proxy("127.0.0.1", port_of(direct_url));
    run_scenario("stall", with_port(direct_url, proxy.port()) + "?statement_timeout=1", direct_url,
                 [&proxy](Engine&, LedgerLoad& load) -> asio::awaitable<void> {
                     load.start(co_await asio::this_coro::executor, 16);
                     co_await sleep_for(500ms);
                     proxy.stall();
                     const auto stalled = std::chrono::steady_clock::now();
                     // 1 s of statement_timeout, then 2 s of connect_timeout.
                     while (load.errors() == 0 && std::chrono::steady_clock::now() - stalled < 6s)
                         co_await sleep_for(10ms);
                     EXPECT_LT(std::chrono::steady_clock::now() - stalled, 5s) << "statements waited for the stall";
                     co_await sleep_for(1s);
                     proxy.resume();
                     co_await sleep_for(1s);
                     load.stop();
                     co_await load.until_finished(60s);
                 });
}

// Opens a stream, reads a first batch, has `admin` kill the stream's
// connection, and reads on. Returns what went wrong, "" when the stream ended
// with a disconnect error, whose message goes to `message`.
asio::awaitable<std::string> stream_killed_from_outside(Engine& engine, Engine& admin, LedgerLoad& load,
                                                        std::string& message) {
    const BackendUnderTest& backend = backend_under_test();
    auto connection = co_await engine.connect("stream");
    const auto victim = co_await connection.scalar<std::int64_t>(backend.connection_id_sql);
    auto stream = co_await connection.stream(long_series());
    const auto first = co_await stream.partition(1000);
    if (first.size() != 1000) co_return "the first batch has " + std::to_string(first.size()) + " rows";
    {
        auto killer = co_await admin.connect();
        std::string kill = backend.kill_connection_sql;
        kill.replace(kill.find("%ID%"), 4, std::to_string(victim));
        co_await killer.execute(kill);
    }
    std::size_t rows = first.size();
    for (;;) {
        try {
            const auto batch = co_await stream.partition(1000);
            if (!batch) co_return "the stream was read to its end (" + std::to_string(rows) + " rows)";
            rows += batch.size();
        } catch (const Error& e) {
            load.record_error(e);
            message = e.message();
            if (message.find('\n') != std::string::npos) co_return "the message is not one line: " + message;
            if (e.is_disconnect()) co_return "";
            co_return "the stream ended with " + error_class(e) + " instead of a disconnect: " + e.what();
        }
    }
}

TEST(Fault, StreamKilledFromOutside) {
    const std::string url = backend_under_test().fresh_url();
    constexpr int rounds = 5;
    std::string last_message;
    run_scenario(
        "stream killed", url, url,
        [&url, &last_message](Engine& engine, LedgerLoad& load) -> asio::awaitable<void> {
            load.start(co_await asio::this_coro::executor, 16);
            Engine admin = create_engine(url, {{"isolation_level", "AUTOCOMMIT"}});
            for (int round = 0; round < rounds; ++round) {
                const std::string problem = co_await stream_killed_from_outside(engine, admin, load, last_message);
                EXPECT_EQ(problem, "") << "round " << round;
            }
            co_await admin.dispose();
            co_await sleep_for(500ms);
            load.stop();
            co_await load.until_finished(60s);
        },
        [&last_message] { return ", streams killed " + std::to_string(rounds) + " (last: " + last_message + ")"; });
}

}  // namespace
}  // namespace asyncsql::test
