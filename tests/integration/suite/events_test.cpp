// Events and echo logging.

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;

using EventsSuite = EngineSuite;

TEST_F(EventsSuite, ListenersSeeConnectCheckoutStatementsAndErrors) {
    std::vector<std::string> seen;
    Engine engine = make_engine();
    auto& events = engine.events();
    events.connect.push_back([&](std::uint64_t id) { seen.push_back("connect #" + std::to_string(id)); });
    events.checkout.push_back([&](std::uint64_t) { seen.push_back("checkout"); });
    events.checkin.push_back([&](std::uint64_t) { seen.push_back("checkin"); });
    events.before_execute.push_back([&](const StatementEvent& e) { seen.push_back("before " + std::string(e.sql)); });
    events.after_execute.push_back([&](const StatementDoneEvent& e) {
        seen.push_back("after rows=" + std::to_string(e.rows));
    });
    events.handle_error.push_back([&](const ErrorEvent& e) {
        seen.push_back(std::string("error ") + std::string(to_string(e.error.kind())));
    });
    run_async([&]() -> asio::awaitable<void> {
        {
            auto c = co_await engine.connect();
            c.set_execution_options(ExecutionOptions{.isolation_level = "AUTOCOMMIT"});
            co_await c.execute("SELECT 1");
            try {
                co_await c.execute("SELEC 1");
            } catch (const ProgrammingError&) {
            }
        }
        co_await engine.dispose();
    });
    const std::vector<std::string> expected{"connect #1", "checkout", "before SELECT 1", "after rows=1",
                                            "before SELEC 1", "error syntax_error", "checkin"};
    EXPECT_EQ(seen, expected);
}

TEST_F(EventsSuite, ThrowingListenersAreLoggedAndIgnored) {
    CapturedLog log;
    Engine engine = make_engine();
    auto fail = [](auto&&...) { throw std::runtime_error("listener bug"); };
    engine.events().checkout.push_back(fail);
    engine.events().checkin.push_back(fail);
    engine.events().before_execute.push_back(fail);
    run_with_engine(engine, [](Engine& e) -> asio::awaitable<void> {
        auto c = co_await e.connect();
        EXPECT_EQ(co_await c.scalar<int>("SELECT 1"), 1);
    });
    EXPECT_EQ(engine.pool_status().checked_out, 0u);
    EXPECT_NE(log.text().find("event listener failed: listener bug"), std::string::npos) << log.text();
}

TEST_F(EventsSuite, EchoLogsStatementsButNotParameterValues) {
    CapturedLog log;
    with_engine({{"echo", "true"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("SELECT :secret AS s", {{"secret", "hunter2"}});
    });
    const std::string& all = log.text();
    EXPECT_NE(all.find("AS s"), std::string::npos) << all;
    EXPECT_NE(all.find("done in"), std::string::npos) << all;
    EXPECT_EQ(all.find("hunter2"), std::string::npos) << all;
}

TEST_F(EventsSuite, EchoParametersLogsValuesWhenAsked) {
    CapturedLog log;
    with_engine({{"echo", "true"}, {"echo_parameters", "true"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
        co_await c.execute("SELECT :v AS s", {{"v", "visible-value"}});
    });
    EXPECT_NE(log.text().find("visible-value"), std::string::npos) << log.text();
}

TEST_F(EventsSuite, EchoPoolLogsPoolActivity) {
    CapturedLog log;
    with_engine({{"echo_pool", "true"}}, [](Engine& engine) -> asio::awaitable<void> {
        auto c = co_await engine.connect();
    });
    EXPECT_EQ(log.text().rfind("[asyncsql pool] opened connection #1", 0), 0u) << log.text();
}

}  // namespace
}  // namespace asyncsql::test
