#pragma once
// StreamResult: rows read from the database in batches while the caller
// consumes them. Memory is bounded by the batch (or partition) size. The
// connection is busy until the stream is read to the end, closed, or dropped.

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "asyncsql/result/row.hpp"

namespace asyncsql {

namespace detail {
struct StreamState;
}

// Up to n rows; false when the stream has ended.
class RowBatch {
public:
    RowBatch() = default;
    explicit RowBatch(std::vector<Row> rows) : rows_(std::move(rows)) {}
    explicit operator bool() const noexcept { return !rows_.empty(); }
    std::size_t size() const noexcept { return rows_.size(); }
    bool empty() const noexcept { return rows_.empty(); }
    const Row& operator[](std::size_t i) const { return rows_[i]; }
    auto begin() const noexcept { return rows_.begin(); }
    auto end() const noexcept { return rows_.end(); }
    std::vector<Row> take() && { return std::move(rows_); }

private:
    std::vector<Row> rows_;
};

class StreamResult {
public:
    StreamResult() = default;
    explicit StreamResult(std::shared_ptr<detail::StreamState> state) : state_(std::move(state)) {}
    StreamResult(StreamResult&&) noexcept = default;
    StreamResult& operator=(StreamResult&&) noexcept = default;
    ~StreamResult();

    const std::vector<std::string>& keys() const;

    // The next row, or nullopt at the end.
    boost::asio::awaitable<std::optional<Row>> next();
    // The next (up to) `size` rows; an empty batch at the end.
    boost::asio::awaitable<RowBatch> partition(std::size_t size);
    boost::asio::awaitable<RowBatch> fetchmany(std::size_t size) { return partition(size); }
    // Every remaining row (buffers them all).
    boost::asio::awaitable<std::vector<Row>> all();

    // Ends the statement early and frees the connection for other work.
    boost::asio::awaitable<void> close();
    bool finished() const noexcept;

private:
    std::shared_ptr<detail::StreamState> state_;
};

}  // namespace asyncsql
