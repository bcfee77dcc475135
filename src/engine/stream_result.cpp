#include "asyncsql/result/stream_result.hpp"

#include "engine/connection_state.hpp"

namespace asyncsql {

namespace {

// A failed fetch ends the stream: the connection is free for the rollback.
boost::asio::awaitable<std::shared_ptr<RowSet>> fetch(detail::StreamState& s, std::size_t rows) {
    try {
        co_return co_await s.connection->fetch(*s.cursor, s.sql, rows);
    } catch (...) {
        s.finish();
        throw;
    }
}

}  // namespace

StreamResult::~StreamResult() = default;

const std::vector<std::string>& StreamResult::keys() const {
    static const std::vector<std::string> none;
    return state_ && state_->columns ? state_->columns->names() : none;
}

bool StreamResult::finished() const noexcept { return !state_ || state_->finished(); }

boost::asio::awaitable<std::optional<Row>> StreamResult::next() {
    auto& s = *state_;
    if (!s.buffer || s.position >= s.buffer->row_count()) {
        if (!s.cursor) co_return std::nullopt;
        s.buffer = co_await fetch(s, s.batch_rows);
        s.position = 0;
        if (s.buffer->row_count() == 0) {
            s.finish();
            co_return std::nullopt;
        }
    }
    co_return Row(s.buffer, s.position++);
}

boost::asio::awaitable<RowBatch> StreamResult::partition(std::size_t size) {
    std::vector<Row> rows;
    if (!state_ || size == 0) co_return RowBatch();
    auto& s = *state_;
    rows.reserve(size);
    while (rows.size() < size && s.buffer && s.position < s.buffer->row_count())
        rows.emplace_back(s.buffer, s.position++);
    while (rows.size() < size && s.cursor) {
        auto fetched = co_await fetch(s, size - rows.size());
        if (fetched->row_count() == 0) {
            s.finish();
            break;
        }
        std::shared_ptr<const RowSet> block = std::move(fetched);
        for (std::size_t i = 0; i < block->row_count(); ++i) rows.emplace_back(block, i);
    }
    co_return RowBatch(std::move(rows));
}

boost::asio::awaitable<std::vector<Row>> StreamResult::all() {
    std::vector<Row> rows;
    for (;;) {
        RowBatch batch = co_await partition(state_ ? state_->batch_rows : 1);
        if (!batch) break;
        auto taken = std::move(batch).take();
        rows.insert(rows.end(), std::make_move_iterator(taken.begin()), std::make_move_iterator(taken.end()));
    }
    co_return rows;
}

boost::asio::awaitable<void> StreamResult::close() {
    if (!state_) co_return;
    if (state_->cursor) co_await state_->cursor->close();
    state_->finish();
}

}  // namespace asyncsql
