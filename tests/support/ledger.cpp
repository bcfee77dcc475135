#include "support/ledger.hpp"

#include <set>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

namespace asyncsql::test {

std::string error_class(const Error& error) {
    return std::string(error_class_name(error)) + "/" + std::string(to_string(error.kind()));
}

void Ledger::failed(std::int64_t id, const std::exception_ptr& failure) {
    bool unknown = false;
    try {
        std::rethrow_exception(failure);
    } catch (const CommitOutcomeUnknownError&) {
        unknown = true;
    } catch (...) {
    }
    (unknown ? unknown_ : failed_).push_back(id);
    count(failure);
}

void Ledger::count(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        ++errors_[error_class(e)];
    } catch (const boost::system::system_error& e) {
        if (e.code() == boost::asio::error::operation_aborted)
            ++errors_["asio/operation_aborted"];
        else
            unexpected(e.what());
    } catch (const std::exception& e) {
        unexpected(e.what());
    } catch (...) {
        unexpected("an exception that is no std::exception");
    }
}

boost::asio::awaitable<std::string> Ledger::verify(Connection& connection, std::string_view table) {
    const std::string select = "SELECT id FROM " + std::string(table);
    const auto ids = co_await connection.scalars<std::int64_t>(select);
    const std::set<std::int64_t> present(ids.begin(), ids.end());
    const std::set<std::int64_t> maybe(unknown_.begin(), unknown_.end());
    const std::set<std::int64_t> failed(failed_.begin(), failed_.end());
    const std::set<std::int64_t> committed(committed_.begin(), committed_.end());
    std::string problems;
    auto report = [&](const std::string& what, std::int64_t id) {
        if (problems.size() < 2000) problems += what + " " + std::to_string(id) + "\n";
    };
    verified_ = 0;
    unknown_present_ = 0;
    for (const std::int64_t id : maybe) unknown_present_ += present.count(id);
    for (const std::int64_t id : committed_) {
        if (present.count(id))
            ++verified_;
        else
            report("committed but missing:", id);
    }
    for (const std::int64_t id : failed)
        if (present.count(id)) report("failed but present:", id);
    for (const std::int64_t id : present)
        if (!committed.count(id) && !maybe.count(id) && !failed.count(id)) report("present but never attempted:", id);
    co_return problems;
}

std::size_t Ledger::errors() const noexcept {
    std::size_t total = 0;
    for (const auto& [name, count] : errors_) total += static_cast<std::size_t>(count);
    return total;
}

std::string Ledger::outcome() const {
    std::string line = std::to_string(committed_.size()) + " committed, errors {";
    bool first = true;
    for (const auto& [name, count] : errors_) {
        line += (first ? "" : ", ") + name + ": " + std::to_string(count);
        first = false;
    }
    line += "}, ledger rows verified " + std::to_string(verified_) + " (of the " + std::to_string(unknown_.size()) +
            " unknown commits " + std::to_string(unknown_present_) + " committed)";
    if (!unexpected_.empty()) line += ", UNEXPECTED " + std::to_string(unexpected_.size());
    return line;
}

}  // namespace asyncsql::test
