#pragma once
// What every client of shared/bench/WORKLOADS.md computes the same way, so
// that the runner can tell that all of them read the same data: the ids of
// the point look-ups and the checksums of the rows and transactions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <asyncsql/types/value.hpp>

namespace bench {

// One row of bench_users (and bench_insert), decoded by position.
struct User {
    std::int64_t id;
    std::string name;
    std::string email;
    double balance;
    bool active;
    asyncsql::Timestamp created_at;
};

// The first `count` ids of the shared sequence (an LCG with seed 42).
std::vector<std::int64_t> point_ids(std::size_t count);

// "n:id:len:bal:act:ts" over the rows added.
class RowChecksum {
public:
    void add(const User& user);
    std::int64_t rows() const noexcept { return rows_; }
    std::string text() const;

private:
    std::int64_t rows_ = 0, ids_ = 0, characters_ = 0, doubled_balances_ = 0, active_ = 0,
                 seconds_since_2024_ = 0;
};

// "n:id:bal" over the committed transactions, each with the balance it read.
class TxnChecksum {
public:
    void add(std::int64_t id, double balance);
    std::string text() const;

private:
    std::int64_t transactions_ = 0, ids_ = 0, doubled_balances_ = 0;
};

}  // namespace bench
