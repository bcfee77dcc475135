#pragma once
// Prepared statements of one SQLite connection, least recently used evicted
// first. A statement is taken out while a cursor reads it, so that nothing
// else can reset it under the cursor, and put back when the cursor closes.

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backends/sqlite/driver/sqlite_api.hpp"

namespace asyncsql::sqlite {

struct PreparedStatement {
    std::string sql;
    api::Statement handle;
    std::shared_ptr<const Columns> columns;
    std::vector<api::ColumnHint> hints;
};

class StatementCache {
public:
    explicit StatementCache(std::size_t capacity) : capacity_(capacity) {}

    // The cached statement for `sql`, prepared on a miss; owned by the caller
    // until give_back().
    std::unique_ptr<PreparedStatement> take(sqlite3* db, std::string_view sql);
    // take() for the length of a scope.
    class Borrowed {
    public:
        Borrowed(StatementCache& cache, std::unique_ptr<PreparedStatement> statement) noexcept
            : cache_(cache), statement_(std::move(statement)) {}
        ~Borrowed() { cache_.give_back(std::move(statement_)); }
        Borrowed(const Borrowed&) = delete;
        Borrowed& operator=(const Borrowed&) = delete;
        PreparedStatement* operator->() const noexcept { return statement_.get(); }

    private:
        StatementCache& cache_;
        std::unique_ptr<PreparedStatement> statement_;
    };
    Borrowed borrow(sqlite3* db, std::string_view sql) { return Borrowed(*this, take(db, sql)); }

    // Resets the statement and keeps it (or finalizes it when over capacity).
    void give_back(std::unique_ptr<PreparedStatement> statement) noexcept;

    std::size_t size() const noexcept { return lru_.size(); }
    void clear() noexcept;

private:
    using List = std::list<std::unique_ptr<PreparedStatement>>;
    std::size_t capacity_;
    List lru_;  // most recently used first
    std::unordered_map<std::string_view, List::iterator> index_;
};

}  // namespace asyncsql::sqlite
