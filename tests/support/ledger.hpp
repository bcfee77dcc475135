#pragma once
// What the fault and stress tests end with: every transaction recorded by
// outcome — committed (the call returned), unknown (CommitOutcomeUnknownError)
// or failed (any other error, which must mean "not committed") — and the
// table of their rows checked against that on a connection of its own.

#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/asyncsql.hpp"

namespace asyncsql::test {

// "OperationalError/connection_lost", "CommitOutcomeUnknownError/commit_outcome_unknown", ...
std::string error_class(const Error& error);

class Ledger {
public:
    void committed(std::int64_t id) { committed_.push_back(id); }
    // A transaction that threw; its error is counted.
    void failed(std::int64_t id, const std::exception_ptr& failure);
    // The error of an operation that wrote nothing: counted by class and
    // kind; Asio's operation_aborted (a co_await refused after a cancellation)
    // as "asio/operation_aborted"; anything else is unexpected.
    void count(const std::exception_ptr& failure);
    void unexpected(std::string what) { unexpected_.push_back(std::move(what)); }

    // Reads the ids in `table` on `connection`: every committed id present,
    // every failed id absent, nothing never attempted. "" when they agree,
    // else what is wrong.
    boost::asio::awaitable<std::string> verify(Connection& connection, std::string_view table = "ledger");

    std::size_t committed() const noexcept { return committed_.size(); }
    std::size_t errors() const noexcept;
    const std::map<std::string, std::int64_t>& error_counts() const noexcept { return errors_; }
    const std::vector<std::string>& unexpected() const noexcept { return unexpected_; }

    // "C committed, errors {...}, ledger rows verified V (of the K unknown commits P committed)"
    std::string outcome() const;

private:
    std::vector<std::int64_t> committed_, unknown_, failed_;
    std::map<std::string, std::int64_t> errors_;
    std::vector<std::string> unexpected_;
    std::size_t verified_ = 0;
    std::size_t unknown_present_ = 0;
};

}  // namespace asyncsql::test
