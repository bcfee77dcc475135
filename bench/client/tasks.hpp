#pragma once
// Concurrency the way an Asio user writes it: coroutines on one executor,
// awaited together.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bench {

// Runs co_await op(id) for every id, from `tasks` coroutines at once. Each
// takes the next id from one shared cursor (all run on one thread), so the
// ids are all used exactly once and at most `tasks` operations are in
// flight. Rethrows the first failure once every task has stopped.
template <class Op>
boost::asio::awaitable<void> run_tasks(std::size_t tasks, std::span<const std::int64_t> ids, Op op) {
    namespace asio = boost::asio;
    std::size_t next = 0;
    auto worker = [&]() -> asio::awaitable<void> {
        while (next < ids.size()) {
            const std::int64_t id = ids[next++];
            co_await op(id);
        }
    };
    const auto executor = co_await asio::this_coro::executor;
    std::vector<decltype(asio::co_spawn(executor, worker(), asio::deferred))> launches;
    for (std::size_t i = 0; i < tasks; ++i) launches.push_back(asio::co_spawn(executor, worker(), asio::deferred));
    auto group = asio::experimental::make_parallel_group(std::move(launches));
    const asio::experimental::wait_for_all all;
    auto outcome = co_await group.async_wait(all, asio::use_awaitable);
    for (const std::exception_ptr& failure : std::get<1>(outcome))
        if (failure) std::rethrow_exception(failure);
}

}  // namespace bench
