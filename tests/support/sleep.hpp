#pragma once
// A coroutine pause on the caller's executor, for tests that wait.

#include <chrono>

#include <boost/asio/awaitable.hpp>

namespace asyncsql::test {

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration);

}  // namespace asyncsql::test
