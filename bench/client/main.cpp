// asyncsql-bench: asyncsql's client of the shared benchmark workloads
// (shared/bench/WORKLOADS.md). Prints one JSON line; see bench/README.md.

#include <exception>
#include <iostream>
#include <stdexcept>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <asyncsql/asyncsql.hpp>

#include "engine_setup.hpp"
#include "options.hpp"
#include "report.hpp"
#include "workloads.hpp"

namespace {

namespace asio = boost::asio;

bench::Options with_defaults(bench::Options options, const bench::Workload& workload) {
    if (options.concurrency == 0) options.concurrency = workload.concurrency;
    if (options.pool == 0) options.pool = workload.pool;
    if (options.ops == 0) options.ops = workload.ops;
    return options;
}

asio::awaitable<bench::Report> run(asyncsql::Engine engine, const bench::Workload& workload,
                                   const bench::Options& options) {
    std::exception_ptr failure;
    bench::Report report;
    try {
        report = co_await workload.run(engine, options);
    } catch (...) {
        failure = std::current_exception();  // no co_await inside a catch block
    }
    co_await engine.dispose();
    if (failure) std::rethrow_exception(failure);
    co_return report;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        bench::Options options = bench::parse_options(argc, argv);
        const bench::Workload* workload = bench::find_workload(options.workload);
        if (workload == nullptr) {
            std::cout << bench::failure_json_line(options.workload, "unknown workload") << std::endl;
            return 0;
        }
        options = with_defaults(std::move(options), *workload);
        asyncsql::Engine engine = bench::make_engine(options);

        asio::io_context io;
        bench::Report report;
        asio::co_spawn(io, run(engine, *workload, options), [&report](std::exception_ptr failure, bench::Report done) {
            if (failure) std::rethrow_exception(failure);  // leaves io.run() for the catch below
            report = std::move(done);
        });
        io.run();

        report.details = bench::engine_details(engine);
        report.details.emplace_back("concurrency", std::to_string(options.concurrency));
        std::cout << bench::to_json_line(report) << std::endl;
        return 0;
    } catch (const std::exception& error) {
        std::cerr << "asyncsql-bench: " << error.what() << '\n';
        return 1;
    }
}
