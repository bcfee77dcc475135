// Bad input of every sort fails with a clear error of the right class, or is
// stored verbatim, and leaves the pool healthy: nothing checked out, and the
// next SELECT 1 on the same engine works.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "suite/suite.hpp"

namespace asyncsql::test {
namespace {

namespace asio = boost::asio;

using BadInputSuite = EngineSuite;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool mentions(const Error& error, std::string_view fragment) {
    return lower(error.what()).find(lower(std::string(fragment))) != std::string::npos;
}

// Every connection is back in the pool and the engine still answers.
asio::awaitable<void> expect_healthy_pool(Engine& engine) {
    EXPECT_EQ(engine.pool_status().checked_out, 0u);
    auto c = co_await engine.connect();
    const int one = co_await c.scalar<int>("SELECT 1");
    EXPECT_EQ(one, 1);
}

// Runs attempt(connection) on a connection of its own, which it gives back
// before checking the pool; returns the E it raised.
template <class E, class F>
asio::awaitable<E> expect_error(Engine& engine, F attempt) {
    std::optional<E> caught;
    std::string other = "no error";
    {
        auto c = co_await engine.connect();
        try {
            co_await attempt(c);
        } catch (const E& e) {
            caught.emplace(e);
        } catch (const std::exception& e) {
            other = std::string(typeid(e).name()) + ": " + e.what();
        }
    }
    co_await expect_healthy_pool(engine);
    if (!caught) throw std::runtime_error(std::string("expected ") + typeid(E).name() + ", got " + other);
    co_return *caught;
}

asio::awaitable<void> create_table(Engine& engine, std::string_view ddl) {
    auto c = co_await engine.connect();
    co_await c.execute(ddl);
    co_await c.commit();
}

asio::awaitable<void> expect_empty_table(Engine& engine) {
    auto c = co_await engine.connect();
    const int rows = co_await c.scalar<int>("SELECT COUNT(*) FROM t");
    EXPECT_EQ(rows, 0) << "nothing was sent";
}

// Inserts `value` into the one-column table t and reads it back.
template <class T>
asio::awaitable<T> round_trip(Engine& engine, T value) {
    auto c = co_await engine.connect();
    std::vector<Value> values;
    values.emplace_back(std::move(value));
    auto params = Params::positional(std::move(values));
    co_await c.execute("INSERT INTO t (v) VALUES (?)", std::move(params));
    co_await c.commit();
    co_return co_await c.template scalar<T>("SELECT v FROM t");
}

// ---------------------------------------------------------------- URLs

TEST_F(BadInputSuite, MalformedUrlsAreArgumentErrorsNamingTheProblem) {
    const BackendUnderTest& backend = backend_under_test();
    const std::string url = backend.fresh_url();
    const std::string scheme = backend.name;
    struct Case {
        std::string url;
        std::string named;
    };
    std::vector<Case> cases = {
        {scheme + "+no driver" + url.substr(scheme.size()), "driver"},
        {url + "%zz", "percent"},
        {url + "?pool_size=-1", "pool_size"},
        {url + "?isolation_level=SOMETIMES", "isolation_level"},
        {url + "?no_such_option=1", "no_such_option"},
        {"nosuchdb://host/db", "nosuchdb"},
        {"", "url"},
    };
    if (backend.is_server) {
        cases.push_back({scheme + "://user@host:99999/db", "port"});
        cases.push_back({scheme + "://user@host:abc/db", "port"});
    } else {
        cases.push_back({scheme + "://host/file.db", "host"});
    }
    for (const auto& [url, named] : cases) {
        try {
            (void)create_engine(url);
            ADD_FAILURE() << "no error for " << url;
        } catch (const ArgumentError& e) {
            EXPECT_TRUE(mentions(e, named)) << url << ": " << e.what();
        }
    }
}

// Connecting to `url` fails twice with an OperationalError whose message
// holds every `named` fragment and not `hidden`; the second attempt shows
// that the first gave its only pool slot back.
void expect_connect_refused(const Url& url, std::vector<std::string> named, const std::string& hidden = {}) {
    const Options one_connection = {{"pool_size", "1"}, {"max_overflow", "0"}};
    run_with_engine(create_engine(url.to_string_with_password(), one_connection),
                    [&](Engine& engine) -> asio::awaitable<void> {
        for (int attempt = 0; attempt < 2; ++attempt) {
            try {
                auto c = co_await engine.connect();
                ADD_FAILURE() << "connected to " << url.to_string();
            } catch (const OperationalError& e) {
                for (const auto& fragment : named) EXPECT_TRUE(mentions(e, fragment)) << e.what();
                if (!hidden.empty()) {
                    EXPECT_FALSE(mentions(e, hidden)) << e.what();
                }
            }
            EXPECT_EQ(engine.pool_status().checked_out, 0u);
        }
    });
}

TEST_F(BadInputSuite, WrongPasswordIsAnOperationalErrorWithoutThePassword) {
    if (!backend_under_test().is_server) GTEST_SKIP() << "no server, no password";
    Url url = Url::parse(backend_under_test().fresh_url());
    url.password = "not-the-password";
    expect_connect_refused(url, {"password", url.username}, url.password);
}

TEST_F(BadInputSuite, UnknownDatabaseIsAnOperationalErrorNamingIt) {
    Url url = Url::parse(backend_under_test().fresh_url());
    url.database = backend_under_test().missing_database;
    expect_connect_refused(url, {url.database});
}

// ---------------------------------------------------------------- statements

TEST_F(BadInputSuite, SyntaxErrorIsAProgrammingErrorQuotingTheStatement) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        const auto e = co_await expect_error<ProgrammingError>(
            engine, [](Connection& c) -> asio::awaitable<void> { co_await c.execute("SELEC 1 FROM"); });
        EXPECT_EQ(e.kind(), ErrorKind::syntax_error);
        EXPECT_EQ(e.statement(), "SELEC 1 FROM");
        EXPECT_TRUE(mentions(e, "syntax")) << e.what();
    });
}

constexpr std::string_view insert_named = "INSERT INTO t (a, b) VALUES (:a, :b)";
constexpr std::string_view insert_positional = "INSERT INTO t (a, b) VALUES (?, ?)";

// execute_many(sql, sets) raises an ArgumentError of kind invalid_argument
// whose message holds `fragment`; one set is execute(sql, set).
asio::awaitable<void> expect_argument_error(Engine& engine, std::string_view sql, std::vector<Params> sets,
                                            std::string_view fragment) {
    const auto e = co_await expect_error<ArgumentError>(engine, [&](Connection& c) -> asio::awaitable<void> {
        if (sets.size() == 1) {
            co_await c.execute(sql, std::move(sets.front()));
        } else {
            co_await c.execute_many(sql, std::move(sets));
        }
    });
    EXPECT_EQ(e.kind(), ErrorKind::invalid_argument) << e.what();
    EXPECT_TRUE(mentions(e, fragment)) << e.what();
}

template <class... P>
std::vector<Params> sets(P... params) {
    std::vector<Params> out;
    (out.push_back(std::move(params)), ...);
    return out;
}

TEST_F(BadInputSuite, WrongNamedParametersAreArgumentErrorsNamingTheParameter) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (a INTEGER, b INTEGER)");
        auto missing = sets(Params{{"a", 1}});
        co_await expect_argument_error(engine, insert_named, std::move(missing),
                                       "missing value for parameter 'b' in: INSERT");
        auto extra = sets(Params{{"a", 1}, {"b", 2}, {"c", 3}});
        co_await expect_argument_error(engine, insert_named, std::move(extra),
                                       "unexpected parameter 'c' (the statement uses: a, b) in: INSERT");
        auto misspelt = sets(Params{{"a", 1}, {"bb", 2}});
        co_await expect_argument_error(engine, insert_named, std::move(misspelt), "missing value for parameter 'b'");
        // Positional values make `?` the placeholders, and there is none.
        auto positional = sets(Params::positional(1, 2));
        co_await expect_argument_error(engine, insert_named, std::move(positional),
                                       "expected 0 positional parameter(s), 2 given in: INSERT");
        co_await expect_empty_table(engine);
    });
}

TEST_F(BadInputSuite, WrongPositionalCountIsAnArgumentErrorGivingBothCounts) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (a INTEGER, b INTEGER)");
        auto too_few = sets(Params::positional(1));
        co_await expect_argument_error(engine, insert_positional, std::move(too_few),
                                       "expected 2 positional parameter(s), 1 given in: INSERT");
        auto too_many = sets(Params::positional(1, 2, 3));
        co_await expect_argument_error(engine, insert_positional, std::move(too_many),
                                       "expected 2 positional parameter(s), 3 given in: INSERT");
        auto named = sets(Params{{"a", 1}, {"b", 2}});
        co_await expect_argument_error(engine, insert_positional, std::move(named),
                                       "unexpected parameter 'a' (the statement uses: no named parameters) in: "
                                       "INSERT INTO t (a, b) VALUES (?, ?)");
        co_await expect_empty_table(engine);
    });
}

// exec_driver_sql passes the text untouched, so the driver counts the values.
TEST_F(BadInputSuite, WrongValueCountForDriverSqlIsAProgrammingError) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (a INTEGER, b TEXT)");
        const std::string first = backend_under_test().first_placeholder;
        const std::string sql =
            "INSERT INTO t (a, b) VALUES (" + first + ", " + (first == "?" ? "?" : "$2") + ")";
        const auto too_few = co_await expect_error<ProgrammingError>(engine, [&](Connection& c) -> asio::awaitable<void> {
            auto one = Params::positional(1);
            co_await c.exec_driver_sql(sql, std::move(one));
        });
        EXPECT_EQ(too_few.kind(), ErrorKind::invalid_argument);
        EXPECT_TRUE(mentions(too_few, "the statement has 2 parameter(s) but 1 value(s) were given")) << too_few.what();
        const auto too_many = co_await expect_error<ProgrammingError>(engine, [&](Connection& c) -> asio::awaitable<void> {
            // A typed extra value: PostgreSQL would take it as a parameter the statement never reads.
            auto three = Params::positional(1, "b", 2.5);
            co_await c.exec_driver_sql(sql, std::move(three));
        });
        EXPECT_TRUE(mentions(too_many, "the statement has 2 parameter(s) but 3 value(s) were given")) << too_many.what();
        co_await expect_empty_table(engine);
    });
}

// One bad set among good ones fails the whole call before any row is sent.
TEST_F(BadInputSuite, ExecuteManyWithOneBadSetSendsNothing) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (a INTEGER, b INTEGER)");
        auto missing = sets(Params{{"a", 1}, {"b", 1}}, Params{{"a", 2}}, Params{{"a", 3}, {"b", 3}});
        co_await expect_argument_error(engine, insert_named, std::move(missing), "missing value for parameter 'b'");
        auto too_many = sets(Params::positional(1, 1), Params::positional(2, 2, 2));
        co_await expect_argument_error(engine, insert_positional, std::move(too_many),
                                       "expected 2 positional parameter(s), 3 given");
        auto mixed = sets(Params{{"a", 1}, {"b", 1}}, Params::positional(2, 2));
        co_await expect_argument_error(engine, insert_named, std::move(mixed), "positional");
        co_await expect_empty_table(engine);
    });
}

// ---------------------------------------------------------------- values

TEST_F(BadInputSuite, TextIntoAnIntegerColumnFollowsTheBackend) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (v INTEGER)");
        if (backend_under_test().integer_column_takes_text) {
            // SQLite's type affinity keeps text that does not look like a number.
            std::string text = "forty-two";
            const std::string stored = co_await round_trip(engine, std::move(text));
            EXPECT_EQ(stored, "forty-two");
            co_return;
        }
        const auto e = co_await expect_error<DataError>(engine, [](Connection& c) -> asio::awaitable<void> {
            auto text = Params::positional("forty-two");
            co_await c.execute("INSERT INTO t (v) VALUES (?)", std::move(text));
        });
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
        EXPECT_TRUE(mentions(e, "forty-two")) << e.what();
        EXPECT_TRUE(mentions(e, "integer")) << e.what();
    });
}

TEST_F(BadInputSuite, ReadingAColumnAsTheWrongTypeIsADataErrorNamingIt) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        const auto e = co_await expect_error<DataError>(engine, [](Connection& c) -> asio::awaitable<void> {
            auto result = co_await c.execute("SELECT 'abc' AS word");
            (void)result.one().get<int>("word");
        });
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
        EXPECT_TRUE(mentions(e, "column 'word'")) << e.what();
        EXPECT_TRUE(mentions(e, "'abc'")) << e.what();
    });
}

TEST_F(BadInputSuite, NulBytesInTextAreKeptOrRefusedNeverCut) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (v TEXT)");
        const std::string with_nul("before\0after", 12);
        if (backend_under_test().text_allows_nul) {
            const std::string stored = co_await round_trip(engine, with_nul);
            EXPECT_EQ(stored, with_nul);
            co_return;
        }
        const auto e = co_await expect_error<DataError>(engine, [&](Connection& c) -> asio::awaitable<void> {
            auto text = Params::positional(with_nul);
            co_await c.execute("INSERT INTO t (v) VALUES (?)", std::move(text));
        });
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
        EXPECT_TRUE(mentions(e, "NUL")) << e.what();
    });
}

TEST_F(BadInputSuite, InvalidUtf8InTextIsKeptOrRefusedNeverAltered) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (v TEXT)");
        // A lone continuation byte, a truncated sequence and an overlong '/'.
        const std::string invalid = "a\x80z \xe2\x82 \xc0\xaf";
        if (backend_under_test().text_accepts_invalid_utf8) {
            const std::string stored = co_await round_trip(engine, invalid);
            EXPECT_EQ(stored, invalid);
            co_return;
        }
        const auto e = co_await expect_error<DataError>(engine, [&](Connection& c) -> asio::awaitable<void> {
            auto text = Params::positional(invalid);
            co_await c.execute("INSERT INTO t (v) VALUES (?)", std::move(text));
        });
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
        EXPECT_TRUE(mentions(e, "utf8") || mentions(e, "utf-8") || mentions(e, "string value")) << e.what();
    });
}

// A NUL byte would end the statement early in libpq and SQLite: the rest,
// here a second statement, would be dropped or misreported.
TEST_F(BadInputSuite, NulByteInStatementTextIsAnArgumentError) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (v INTEGER)");
        const std::string cut_short("SELECT 1\0 + 1", 13);
        const auto through_execute = co_await expect_error<ArgumentError>(
            engine, [&](Connection& c) -> asio::awaitable<void> { co_await c.execute(cut_short); });
        EXPECT_EQ(through_execute.kind(), ErrorKind::invalid_argument);
        EXPECT_TRUE(mentions(through_execute, "NUL byte at offset 8")) << through_execute.what();
        const auto through_driver = co_await expect_error<ArgumentError>(
            engine, [&](Connection& c) -> asio::awaitable<void> { co_await c.exec_driver_sql(cut_short); });
        EXPECT_TRUE(mentions(through_driver, "NUL byte at offset 8")) << through_driver.what();
        const std::string smuggled("INSERT INTO t (v) VALUES (1)\0; DROP TABLE t", 44);
        const auto in_batch = co_await expect_error<ArgumentError>(engine, [&](Connection& c) -> asio::awaitable<void> {
            std::vector<BatchStatement> batch;
            batch.push_back({smuggled, {}});
            co_await c.execute_batch(std::move(batch));
        });
        EXPECT_TRUE(mentions(in_batch, "NUL byte at offset 28")) << in_batch.what();
        co_await expect_empty_table(engine);
    });
}

// ---------------------------------------------------------------- 100 MB

constexpr std::size_t hundred_megabytes = std::size_t{100} << 20;

// Not all one byte, so that a shifted or cut copy does not compare equal.
Bytes patterned_bytes(std::size_t size) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>(i % 251);
    return bytes;
}

TEST_F(BadInputSuite, HundredMegabyteBlobRoundTrips) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        const std::string ddl = "CREATE TABLE t (v " + backend_under_test().blob_type + ")";
        co_await create_table(engine, ddl);
        const Bytes blob = patterned_bytes(hundred_megabytes);
        const Bytes stored = co_await round_trip(engine, blob);
        EXPECT_EQ(stored.size(), blob.size());
        EXPECT_TRUE(stored == blob);
        co_await expect_healthy_pool(engine);
    });
}

TEST_F(BadInputSuite, HundredMegabyteTextRoundTrips) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        const std::string ddl = "CREATE TABLE t (v " + backend_under_test().long_text_type + ")";
        co_await create_table(engine, ddl);
        std::string text(hundred_megabytes, 'x');
        for (std::size_t i = 0; i < text.size(); i += 4096) text[i] = static_cast<char>('a' + i / 4096 % 26);
        const std::string stored = co_await round_trip(engine, text);
        EXPECT_EQ(stored.size(), text.size());
        EXPECT_TRUE(stored == text);
        co_await expect_healthy_pool(engine);
    });
}

// A value the server refuses for its size: a clear error, and the pool
// replaces the connection if the server dropped it.
TEST_F(BadInputSuite, ValueAboveTheServerLimitFailsClearly) {
    const std::size_t limit = backend_under_test().max_value_bytes;
    if (limit == 0) GTEST_SKIP() << "no server limit below what a test can send";
    // One connection, no transaction to roll back on its return: the next
    // checkout gets the same connection unless it was marked broken.
    const Options one_autocommit_connection = {
        {"pool_size", "1"}, {"max_overflow", "0"}, {"isolation_level", "AUTOCOMMIT"}};
    with_engine(one_autocommit_connection, [limit](Engine& engine) -> asio::awaitable<void> {
        const std::string ddl = "CREATE TABLE t (v " + backend_under_test().blob_type + ")";
        co_await create_table(engine, ddl);
        const auto e = co_await expect_error<DataError>(engine, [limit](Connection& c) -> asio::awaitable<void> {
            std::vector<Value> values;
            values.emplace_back(patterned_bytes(limit + 1));
            auto too_big = Params::positional(std::move(values));
            co_await c.execute("INSERT INTO t (v) VALUES (?)", std::move(too_big));
        });
        EXPECT_TRUE(mentions(e, "max_allowed_packet")) << e.what();
        EXPECT_EQ(e.kind(), ErrorKind::data_exception);
    });
}

// ---------------------------------------------------------------- injection

TEST_F(BadInputSuite, InjectionAttemptsThroughParametersAreStoredVerbatim) {
    with_engine([](Engine& engine) -> asio::awaitable<void> {
        co_await create_table(engine, "CREATE TABLE t (id INTEGER, v TEXT)");
        const std::vector<std::string> attempts = {
            "'; DROP TABLE t; --",
            "\"; DROP TABLE t; --",
            "1); DROP TABLE t; --",
            "' OR '1'='1",
            "$1", "?", "?1", ":name", ":v", "::text", "\\", "\\'", "'\\", "''", "\"", "`", "%s", "/*", "*/ --",
        };
        auto c = co_await engine.connect();
        int id = 0;
        for (const auto& attempt : attempts) {
            Params named{{"id", ++id}, {"v", attempt}};
            co_await c.execute("INSERT INTO t (id, v) VALUES (:id, :v)", std::move(named));
            auto positional = Params::positional(++id, attempt);
            co_await c.execute("INSERT INTO t (id, v) VALUES (?, ?)", std::move(positional));
        }
        std::vector<Params> sets;
        for (const auto& attempt : attempts) sets.push_back(Params{{"id", ++id}, {"v", attempt}});
        co_await c.execute_many("INSERT INTO t (id, v) VALUES (:id, :v)", std::move(sets));
        co_await c.commit();

        const auto stored = co_await c.scalars<std::string>("SELECT v FROM t ORDER BY id");
        CO_ASSERT_EQ(stored.size(), 3 * attempts.size());
        for (std::size_t i = 0; i < attempts.size(); ++i) {
            EXPECT_EQ(stored[2 * i], attempts[i]);
            EXPECT_EQ(stored[2 * i + 1], attempts[i]);
            EXPECT_EQ(stored[2 * attempts.size() + i], attempts[i]);
        }
        Params found{{"v", attempts.front()}};
        const int copies = co_await c.scalar<int>("SELECT COUNT(*) FROM t WHERE v = :v", std::move(found));
        EXPECT_EQ(copies, 3) << "the table is still there, with every row";
    });
}

}  // namespace
}  // namespace asyncsql::test
