#pragma once
// Runs a coroutine to completion on a fresh io_context, rethrowing what it throws.

#include <exception>
#include <functional>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace asyncsql::test {

template <class F>
auto run_async(F&& make) {
    boost::asio::io_context io;
    using Awaitable = std::invoke_result_t<F&>;
    using T = typename Awaitable::value_type;
    std::exception_ptr failure;
    if constexpr (std::is_void_v<T>) {
        boost::asio::co_spawn(io, make(), [&](std::exception_ptr e) { failure = e; });
        io.run();
        if (failure) std::rethrow_exception(failure);
    } else {
        std::optional<T> result;
        boost::asio::co_spawn(io, make(), [&](std::exception_ptr e, T value) {
            failure = e;
            if (!e) result.emplace(std::move(value));
        });
        io.run();
        if (failure) std::rethrow_exception(failure);
        return std::move(*result);
    }
}

// Peak resident set size of this process since it started or since the
// last reset_peak_rss(), in bytes.
std::size_t peak_rss_bytes();
void reset_peak_rss();

// False under AddressSanitizer, whose shadow memory and quarantine of freed
// blocks make resident-set figures meaningless.
constexpr bool memory_is_measurable() {
#if defined(__SANITIZE_ADDRESS__)
    return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return false;
#else
    return true;
#endif
#else
    return true;
#endif
}

}  // namespace asyncsql::test
