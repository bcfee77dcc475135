#include "backends/sqlite/driver/statement_jobs.hpp"

#include <algorithm>
#include <cctype>

#include "asyncsql/error.hpp"
#include "backends/sqlite/driver/sqlite_connection.hpp"

namespace asyncsql::sqlite {

namespace {

// Reports what SQLite says about the transaction after a failure, then
// rethrows; MoveToWorker passes untouched (nothing happened).
template <class F>
auto with_state(SqliteConnection& connection, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error& e) {
        connection.refresh_state(static_cast<int>(e.native_code()));
        throw;
    }
}

}  // namespace

bool PreludeJob::advance() {
    for (; next_ < prelude_.size(); ++next_) {
        const std::string& sql = prelude_[next_];
        auto statement = connection_.take_statement(sql);
        try {
            while (connection_.step(statement->handle.get(), sql, false) == api::StepResult::row) {
            }
        } catch (...) {
            connection_.give_back(std::move(statement));
            throw;
        }
        connection_.give_back(std::move(statement));
    }
    return true;
}

ExecuteJob::ExecuteJob(SqliteConnection& connection, const driver::ExecuteRequest& request)
    : connection_(connection), request_(request), prelude_(connection, request.prelude) {
    static const std::vector<Value> no_parameters;
    sets_ = request.parameter_sets.empty() ? std::span<const std::vector<Value>>(&no_parameters, 1)
                                           : request.parameter_sets;
}

ExecuteJob::~ExecuteJob() {
    // Dropped part way (cancelled while yielding): the reset ends the statement.
    if (statement_) {
        connection_.give_back(std::move(statement_));
        connection_.refresh_state();
    }
}

bool ExecuteJob::advance() {
    return with_state(connection_, [&] {
        if (!prelude_.advance()) return false;
        if (!statement_) {
            statement_ = connection_.take_statement(request_.sql);
            read_only_ = api::is_read_only(statement_->handle.get());
            if (statement_->columns->size() > 0) {
                outcome_.rows = std::make_shared<RowSet>();
                outcome_.rows->columns = statement_->columns;
            }
            // sqlite3_changes() keeps the count of the last INSERT/UPDATE/
            // DELETE, and last_insert_rowid() the last INSERT's id, across
            // other statements: count only what this statement did.
            rowid_before_ = api::last_insert_rowid(connection_.db());
            if (connection_.commit_would_block() && commits()) throw MoveToWorker{};
        }
        if (!run_sets()) return false;
        if (!read_only_) {
            outcome_.rows_affected = changed_;
            const std::int64_t rowid_after = api::last_insert_rowid(connection_.db());
            if (wrote_rows_ && rowid_after != rowid_before_) outcome_.last_insert_id = rowid_after;
        }
        connection_.give_back(std::move(statement_));
        connection_.refresh_state();
        return true;
    });
}

// Ends the transaction with a COMMIT (the engine's own, sent as a control
// statement), or writes outside any transaction and so commits on its own.
bool ExecuteJob::commits() const {
    if (request_.control) {
        std::string_view sql = request_.sql;
        const auto first = sql.find_first_not_of(" \t\r\n");
        sql.remove_prefix(first == std::string_view::npos ? sql.size() : first);
        auto starts_with = [sql](std::string_view word) {
            return sql.size() >= word.size() &&
                   std::equal(word.begin(), word.end(), sql.begin(),
                              [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); });
        };
        return starts_with("COMMIT") || starts_with("END");
    }
    return !read_only_ && !api::in_transaction(connection_.db());
}

bool ExecuteJob::run_sets() {
    sqlite3_stmt* handle = statement_->handle.get();
    std::vector<Value>* values = outcome_.rows ? &outcome_.rows->values : nullptr;
    for (; next_set_ < sets_.size(); ++next_set_) {
        if (!in_set_) {
            api::bind(handle, sets_[next_set_], request_.sql);
            total_changes_before_ = api::total_changes(connection_.db());
            set_rows_from_ = values ? values->size() : 0;
            in_set_ = true;
        }
        for (;;) {
            api::StepResult result;
            try {
                result = connection_.step(handle, request_.sql, read_only_);
            } catch (const MoveToWorker&) {
                // The set starts again on the worker.
                if (values) values->resize(set_rows_from_);
                in_set_ = false;
                throw;
            }
            if (result == api::StepResult::done) break;
            if (values) api::read_row(handle, statement_->hints, *values);
            if (connection_.slice_over()) return false;
        }
        if (!read_only_ && api::total_changes(connection_.db()) != total_changes_before_) {
            changed_ += api::changes(connection_.db());
            wrote_rows_ = true;
        }
        api::reset(handle);
        in_set_ = false;
    }
    return true;
}

SqliteCursor::SqliteCursor(SqliteConnection& connection, std::unique_ptr<PreparedStatement> statement,
                           std::vector<Value> parameters)
    : connection_(connection), statement_(std::move(statement)), parameters_(std::move(parameters)) {
    columns_ = statement_->columns;
    read_only_ = api::is_read_only(statement_->handle.get());
    api::bind(statement_->handle.get(), parameters_, statement_->sql);
}

asio::awaitable<std::shared_ptr<RowSet>> SqliteCursor::fetch(std::size_t max_rows) {
    auto rows = std::make_shared<RowSet>();
    rows->columns = columns_;
    if (!statement_) co_return rows;
    rows->values.reserve(max_rows * columns_->size());
    FetchJob job{*this, *rows, max_rows};
    co_await connection_.drive(job);
    if (!rows->values.empty()) delivered_ = true;
    co_return rows;
}

bool SqliteCursor::fetch_into(RowSet& rows, std::size_t max_rows) {
    if (!statement_) return true;
    const std::size_t width = std::max<std::size_t>(columns_->size(), 1);
    sqlite3_stmt* handle = statement_->handle.get();
    try {
        while (rows.values.size() / width < max_rows) {
            api::StepResult result;
            try {
                result = connection_.step(handle, statement_->sql, read_only_ && !delivered_);
            } catch (const MoveToWorker&) {
                rows.values.clear();  // nothing was handed out: start again
                throw;
            }
            if (result == api::StepResult::done) {
                release();
                break;
            }
            api::read_row(handle, statement_->hints, rows.values);
            if (connection_.slice_over()) return false;
        }
    } catch (const Error& e) {
        release();
        connection_.refresh_state(static_cast<int>(e.native_code()));
        throw;
    }
    connection_.refresh_state();
    return true;
}

asio::awaitable<void> SqliteCursor::close() {
    release();
    co_return;
}

void SqliteCursor::release() noexcept {
    if (statement_) connection_.give_back(std::move(statement_));
}

bool OpenCursorJob::advance() {
    return with_state(connection_, [&] {
        if (!prelude_.advance()) return false;
        cursor_ = std::make_unique<SqliteCursor>(connection_, connection_.take_statement(request_.sql),
                                                 std::move(parameters_));
        connection_.refresh_state();
        return true;
    });
}

}  // namespace asyncsql::sqlite
