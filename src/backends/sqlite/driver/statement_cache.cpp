#include "backends/sqlite/driver/statement_cache.hpp"

namespace asyncsql::sqlite {

std::unique_ptr<PreparedStatement> StatementCache::take(sqlite3* db, std::string_view sql) {
    if (auto it = index_.find(sql); it != index_.end()) {
        auto statement = std::move(*it->second);
        lru_.erase(it->second);
        index_.erase(it);
        return statement;
    }
    auto statement = std::make_unique<PreparedStatement>();
    statement->sql = std::string(sql);
    statement->handle = api::prepare(db, sql);
    statement->columns = api::column_names(statement->handle.get());
    statement->hints = api::column_hints(statement->handle.get());
    return statement;
}

void StatementCache::give_back(std::unique_ptr<PreparedStatement> statement) noexcept {
    if (!statement) return;
    api::reset(statement->handle.get());
    if (capacity_ == 0 || index_.contains(statement->sql)) return;
    lru_.push_front(std::move(statement));
    index_.emplace(lru_.front()->sql, lru_.begin());
    if (lru_.size() > capacity_) {
        index_.erase(lru_.back()->sql);
        lru_.pop_back();
    }
}

void StatementCache::clear() noexcept {
    index_.clear();
    lru_.clear();
}

}  // namespace asyncsql::sqlite
