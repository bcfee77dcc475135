// asyncsql quickstart: a tour of the library on a real SQLite file.
//
//   quickstart [URL]     default: a new SQLite file in a temporary directory
//
// Walk-through: docs/getting-started.md. Every co_await below follows the g++ 12
// rules listed there: no braced std::vector/initializer_list, no class-type
// temporaries such as std::string(...) and no ?: inside a co_await expression.

#include <array>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <asyncsql/asyncsql.hpp>

namespace asio = boost::asio;
using asyncsql::Connection;
using asyncsql::Engine;
using asyncsql::Params;

namespace {

// A plain aggregate: result columns map onto its fields by position (Boost.PFR).
struct Book {
    std::int64_t id;
    std::string title;
    std::string author;
    int year;
};

struct Seed {
    const char* author;
    int born;
    std::array<std::pair<const char*, int>, 4> books;
};
constexpr Seed seeds[] = {
    {"Ursula K. Le Guin", 1929, {{{"A Wizard of Earthsea", 1968}, {"The Left Hand of Darkness", 1969},
                                  {"The Lathe of Heaven", 1971}, {"The Dispossessed", 1974}}}},
    {"Terry Pratchett", 1948, {{{"The Colour of Magic", 1983}, {"Mort", 1987}, {"Guards! Guards!", 1989},
                                {"Small Gods", 1992}}}},
    {"Octavia E. Butler", 1947, {{{"Kindred", 1979}, {"Dawn", 1987}, {"Parable of the Sower", 1993},
                                  {"Parable of the Talents", 1998}}}},
};

constexpr int pool_size = 4;
constexpr int tasks = 20;

void heading(const std::string& title) { std::cout << '\n' << title << '\n'; }

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("check failed: ") + what);
}

asio::awaitable<int> count(Connection& c, const char* table) {
    std::string sql = std::string("SELECT COUNT(*) FROM ") + table;
    co_return co_await c.scalar<int>(sql);
}

// One of the concurrent tasks: a small transaction on a labelled checkout.
asio::awaitable<void> sell(Engine engine, int task) {
    std::string label = "seller-" + std::to_string(task);
    Connection conn = co_await engine.connect(std::move(label));
    co_await conn.transaction([task](Connection& c) -> asio::awaitable<void> {
        co_await c.execute("UPDATE books SET sold = sold + :n WHERE id = :id",
                           {{"n", 1 + task % 3}, {"id", 1 + task % 12}});
    });
}  // `conn` goes back to the pool here

asio::awaitable<void> tour(Engine engine) {
    heading("1. Schema, created in one transaction");
    co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
        co_await c.execute(
            "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, born INTEGER)");
        co_await c.execute(
            "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), "
            "title TEXT NOT NULL, year INTEGER, sold INTEGER NOT NULL DEFAULT 0)");
    });  // committed here; an exception inside would have rolled it all back
    std::cout << "   tables authors and books (books.author_id -> authors.id)\n";
    if (engine.dialect_name() == "sqlite") {
        auto conn = co_await engine.connect();
        const auto mode = co_await conn.scalar<std::string>("PRAGMA journal_mode");
        std::cout << "   SQLite journal_mode: " << mode << '\n';
    }  // the connection goes back to the pool, which rolls back what the PRAGMA began

    heading("2. Inserts: named parameters and execute_many");
    co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
        std::vector<Params> books;  // built outside the co_await (g++ 12)
        for (const Seed& seed : seeds) {
            auto r = co_await c.execute("INSERT INTO authors (name, born) VALUES (:name, :born)",
                                        {{"name", seed.author}, {"born", seed.born}});
            const std::int64_t author_id = r.last_insert_id().value();
            for (const auto& [title, year] : seed.books)
                books.push_back({{"author", author_id}, {"title", title}, {"year", year}});
        }
        auto r = co_await c.execute_many(
            "INSERT INTO books (author_id, title, year) VALUES (:author, :title, :year)", std::move(books));
        std::cout << "   execute_many: rowcount " << r.rowcount() << '\n';
        const int authors = co_await count(c, "authors");
        const int total = co_await count(c, "books");
        std::cout << "   " << authors << " authors, " << total << " books\n";
        check(authors == 3 && total == 12, "3 authors, 12 books");
    });

    heading("3. A savepoint whose inner part fails");
    co_await engine.transaction([](Connection& c) -> asio::awaitable<void> {
        auto outer = co_await c.execute("INSERT INTO authors (name, born) VALUES (:name, :born)",
                                        {{"name", "Iain M. Banks"}, {"born", 1954}});  // the outer work
        const std::int64_t banks = outer.last_insert_id().value();
        const int before = co_await count(c, "books");
        try {
            co_await c.nested([banks](Connection& inner) -> asio::awaitable<void> {  // SAVEPOINT
                co_await inner.execute("INSERT INTO books (author_id, title) VALUES (:a, 'Consider Phlebas')",
                                       {{"a", banks}});
                co_await inner.execute("INSERT INTO books (author_id, title) VALUES (99, 'No such author')");
            });
        } catch (const asyncsql::IntegrityError& e) {  // ROLLBACK TO SAVEPOINT, then rethrown
            std::cout << "   inner part failed: IntegrityError (" << asyncsql::to_string(e.kind())
                      << "): " << e.message() << '\n';
        }
        const int after = co_await count(c, "books");
        const int authors = co_await count(c, "authors");
        std::cout << "   savepoint rolled back: " << before << " books before, " << after
                  << " after, outer insert kept (" << authors << " authors)\n";
        check(before == 12 && after == 12 && authors == 4, "savepoint rollback");
    });

    heading("4. " + std::to_string(tasks) + " concurrent tasks, pool_size " + std::to_string(pool_size));
    {
        auto ex = co_await asio::this_coro::executor;
        asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
        int running = tasks, committed = 0;
        std::exception_ptr task_failure;
        for (int task = 0; task < tasks; ++task)
            asio::co_spawn(ex, sell(engine, task), [&](std::exception_ptr e) {
                if (!e) ++committed;
                else if (!task_failure) task_failure = e;
                if (--running == 0) all_done.cancel();
            });
        boost::system::error_code ec;  // the timer is cancelled when the last task ends
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (task_failure) std::rethrow_exception(task_failure);

        int expected = 0;
        for (int task = 0; task < tasks; ++task) expected += 1 + task % 3;
        auto conn = co_await engine.connect();
        const int sold = co_await conn.scalar<int>("SELECT SUM(sold) FROM books");
        co_await conn.commit();
        std::cout << "   " << committed << " transactions committed, " << sold << " copies sold (expected "
                  << expected << ")\n";
        check(committed == tasks && sold == expected, "every task committed");
    }
    const asyncsql::PoolStatus status = engine.pool_status();
    std::cout << "   " << status.to_string() << '\n';
    check(status.checked_out == 0, "no connection left checked out");

    auto conn = co_await engine.connect("tour");

    heading("5. Streaming in partitions");
    {
        auto stream = co_await conn.stream("SELECT id, title FROM books ORDER BY id");
        std::string sizes;
        std::size_t rows = 0;
        while (auto part = co_await stream.partition(5)) {  // an empty RowBatch is false: the end
            sizes += (rows ? " + " : "") + std::to_string(part.size());
            rows += part.size();
        }
        std::cout << "   partitions of 5: " << sizes << " = " << rows << " rows\n";
        check(rows == 12, "12 streamed rows");
    }  // the stream is finished; the connection is free for the next statement

    heading("6. Rows into a struct and into a tuple");
    auto books = co_await conn.fetch_all<Book>(
        "SELECT b.id, b.title, a.name, b.year FROM books b JOIN authors a ON a.id = b.author_id "
        "WHERE b.year < :before ORDER BY b.year",
        {{"before", 1975}});
    for (const Book& b : books)
        std::cout << "   Book{" << b.id << ", \"" << b.title << "\", \"" << b.author << "\", " << b.year
                  << "}\n";
    using PerAuthor = std::tuple<std::string, int, std::int64_t>;
    auto per_author = co_await conn.fetch_all<PerAuthor>(
        "SELECT a.name, COUNT(b.id), COALESCE(SUM(b.sold), 0) FROM authors a "
        "LEFT JOIN books b ON b.author_id = a.id GROUP BY a.id ORDER BY a.id");
    for (const auto& [name, titles, sold] : per_author)
        std::cout << "   (\"" << name << "\", " << titles << " books, " << sold << " sold)\n";
    co_await conn.commit();  // ends the transaction the reads began

    heading("7. Errors");
    try {
        co_await conn.execute("SELECT title FROM books WHERE id = :id");  // no value for :id
    } catch (const asyncsql::ArgumentError& e) {
        std::cout << "   ArgumentError: " << e.message() << '\n';
    }
    try {
        co_await conn.execute("INSERT INTO authors (name, born) VALUES (:name, :born)",
                              {{"name", "Terry Pratchett"}, {"born", 1948}});
    } catch (const asyncsql::IntegrityError& e) {
        std::cout << "   IntegrityError (" << asyncsql::to_string(e.kind()) << "): " << e.message() << '\n';
        check(e.kind() == asyncsql::ErrorKind::unique_violation, "a unique violation");
    }
    co_await conn.rollback();
    const int authors = co_await count(conn, "authors");
    std::cout << "   the connection is still usable: " << authors << " authors\n";
    co_await conn.rollback();
}

asio::awaitable<void> run(Engine engine) {
    std::exception_ptr failure;
    try {
        co_await tour(engine);
    } catch (...) {
        failure = std::current_exception();  // no co_await inside a catch block
    }
    co_await engine.dispose();  // closes the pooled connections, also after a failure
    if (failure) std::rethrow_exception(failure);
    std::cout << "\ndone: engine disposed\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path temp_dir;
    int status = 1;
    try {
        std::string url;
        if (argc > 1) {
            url = argv[1];
        } else {  // a real file, so WAL mode and the pool's several connections are real too
            const std::string name = "asyncsql-quickstart-" + std::to_string(::getpid());
            temp_dir = std::filesystem::temp_directory_path() / name;
            std::filesystem::create_directories(temp_dir);
            url = "sqlite:///" + (temp_dir / "quickstart.db").string();
        }
        const std::string size = std::to_string(pool_size);
        Engine engine = asyncsql::create_engine(url, {{"pool_size", size}, {"max_overflow", "0"}});
        std::cout << "asyncsql quickstart on " << engine.url().to_string() << " (" << engine.dialect_name()
                  << ")\n";

        asio::io_context io;  // one thread: the engine lives on this io_context's executor
        asio::co_spawn(io, run(engine), [&](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);  // out of io.run(), into the catch below
            status = 0;
        });
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "quickstart failed: " << e.what() << '\n';
    }
    if (!temp_dir.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(temp_dir, ignored);
    }
    return status;
}
