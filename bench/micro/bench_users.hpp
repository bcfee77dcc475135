#pragma once
// The rows of the benchmark table
//   bench_users(id bigint, name text, email text, balance float8, active bool,
//               created_at timestamp)
// shared by the decode and mapping microbenchmarks: row i as a User.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "asyncsql/types/datetime.hpp"
#include "asyncsql/types/value.hpp"

namespace bench {

inline constexpr std::size_t user_rows = 1000;

struct User {
    std::int64_t id;
    std::string name;   // "user 17": fits the small-string buffer
    std::string email;  // "user17@example.com": does not
    double balance;
    bool active;
    asyncsql::Timestamp created_at;
};

inline User user(std::size_t i) {
    static const asyncsql::Timestamp base = asyncsql::parse_timestamp("2024-01-01 00:00:00");
    const auto n = static_cast<std::int64_t>(i);
    return User{n + 1,
                "user " + std::to_string(n + 1),
                "user" + std::to_string(n + 1) + "@example.com",
                static_cast<double>(n) * 10.25,
                n % 3 != 0,
                base + std::chrono::seconds(n * 3607) + std::chrono::microseconds(n * 13)};
}

}  // namespace bench
