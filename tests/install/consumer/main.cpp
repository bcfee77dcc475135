// Uses an installed asyncsql through find_package(asyncsql CONFIG): opens an
// in-memory SQLite engine, runs one query in a coroutine and checks the answer.
// Exits non-zero on any failure.

#include <exception>
#include <iostream>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <asyncsql/asyncsql.hpp>

namespace {

boost::asio::awaitable<int> answer(asyncsql::Engine engine) {
    int value = 0;
    std::exception_ptr failure;
    try {
        auto c = co_await engine.connect();
        auto r = co_await c.execute("SELECT 40 + 2");
        value = r.scalar<int>();
    } catch (...) {
        failure = std::current_exception();
    }
    // The connection is back in the pool here; dispose of the engine either way.
    co_await engine.dispose();
    if (failure) std::rethrow_exception(failure);
    co_return value;
}

}  // namespace

int main() {
    try {
        asyncsql::Engine engine = asyncsql::create_engine("sqlite://");
        boost::asio::io_context io;
        int status = 1;
        boost::asio::co_spawn(io, answer(std::move(engine)),
                              [&status](std::exception_ptr failure, int value) {
                                  if (failure) {
                                      try {
                                          std::rethrow_exception(failure);
                                      } catch (const std::exception& e) {
                                          std::cerr << "consumer failed: " << e.what() << '\n';
                                      } catch (...) {
                                          std::cerr << "consumer failed: unknown exception\n";
                                      }
                                      return;
                                  }
                                  if (value != 42) {
                                      std::cerr << "consumer failed: SELECT 40 + 2 gave " << value
                                                << ", expected 42\n";
                                      return;
                                  }
                                  std::cout << "consumer ok: " << value << '\n';
                                  status = 0;
                              });
        io.run();
        return status;
    } catch (const std::exception& e) {
        std::cerr << "consumer failed: " << e.what() << '\n';
    } catch (...) {
        std::cerr << "consumer failed: unknown exception\n";
    }
    return 1;
}
