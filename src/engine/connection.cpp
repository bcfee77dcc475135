#include "asyncsql/engine/connection.hpp"

#include <algorithm>
#include <cctype>

#include "asyncsql/error.hpp"
#include "engine/connection_state.hpp"

namespace asyncsql {

namespace {

detail::ConnectionState& open_state(const std::shared_ptr<detail::ConnectionState>& state) {
    if (!state || state->closed)
        throw ResourceClosedError("this connection is closed; check out a new one from the engine",
                                  ErrorKind::resource_closed);
    return *state;
}

Result to_result(driver::ExecuteOutcome outcome) {
    return Result(std::move(outcome.rows), outcome.rows_affected, outcome.last_insert_id);
}

// The Params kind decides how the text is read: `?` for positional values,
// `:name` otherwise.
struct BoundStatement {
    std::shared_ptr<const CompiledSql> compiled;
    std::vector<std::vector<Value>> sets;
};

BoundStatement bind_all(detail::ConnectionState& state, std::string_view sql, std::span<const Params> sets,
                        std::shared_ptr<const CompiledSql> compiled = nullptr) {
    const bool positional = !sets.empty() && sets.front().is_positional();
    for (const auto& params : sets)
        if (params.is_positional() != positional && !params.empty())
            throw ArgumentError("every parameter set of one statement must be either named or positional",
                                ErrorKind::invalid_argument);
    if (!compiled) compiled = state.engine->sql_cache.get(sql, state.engine->dialect->syntax(), positional);
    BoundStatement out{compiled, {}};
    out.sets.reserve(sets.size());
    for (const auto& params : sets) out.sets.push_back(bind(*compiled, params, sql));
    return out;
}

std::string normalised_level(std::string_view level) {
    std::string out;
    for (char c : level) {
        char u = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (u == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += u;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace

Connection::~Connection() = default;

boost::asio::awaitable<Result> Connection::execute(std::string_view sql, Params params) {
    auto& state = open_state(state_);
    auto bound = bind_all(state, sql, std::span(&params, 1));
    co_return to_result(co_await state.execute(bound.compiled->sql, bound.sets, true));
}

boost::asio::awaitable<Result> Connection::execute(const TextClause& sql, Params params) {
    auto& state = open_state(state_);
    auto bound = bind_all(state, sql.sql(), std::span(&params, 1),
                          sql.shared_compiled(state.engine->dialect->syntax(), params.is_positional()));
    co_return to_result(co_await state.execute(bound.compiled->sql, bound.sets, true));
}

boost::asio::awaitable<Result> Connection::execute_many(std::string_view sql, std::vector<Params> sets) {
    auto& state = open_state(state_);
    if (sets.empty()) throw ArgumentError("execute_many needs at least one parameter set", ErrorKind::invalid_argument);
    auto bound = bind_all(state, sql, sets);
    co_return to_result(co_await state.execute(bound.compiled->sql, bound.sets, true));
}

boost::asio::awaitable<Result> Connection::exec_driver_sql(std::string_view sql, Params params) {
    auto& state = open_state(state_);
    if (params.is_named())
        throw ArgumentError("exec_driver_sql takes positional values (Params::positional(...)); named "
                            "parameters need execute()",
                            ErrorKind::invalid_argument);
    const std::vector<Value>& values = params.positional_values();
    co_return to_result(co_await state.execute(sql, std::span(&values, 1), true));
}

boost::asio::awaitable<std::vector<Result>> Connection::execute_batch(std::vector<BatchStatement> statements) {
    auto& state = open_state(state_);
    std::vector<BoundStatement> bound;
    bound.reserve(statements.size());
    for (auto& statement : statements) bound.push_back(bind_all(state, statement.sql, std::span(&statement.params, 1)));
    std::vector<driver::BatchItem> items;
    items.reserve(bound.size());
    for (const auto& b : bound) items.push_back({.sql = b.compiled->sql, .parameter_sets = b.sets});
    auto outcomes = co_await state.execute_batch(items);
    std::vector<Result> results;
    results.reserve(outcomes.size());
    for (auto& outcome : outcomes) results.push_back(to_result(std::move(outcome)));
    co_return results;
}

boost::asio::awaitable<StreamResult> Connection::stream(std::string_view sql, Params params) {
    auto& state = open_state(state_);
    auto bound = bind_all(state, sql, std::span(&params, 1));
    auto stream = std::make_shared<detail::StreamState>();
    stream->sql = bound.compiled->sql;
    stream->cursor = co_await state.open_cursor(stream->sql, bound.sets);
    stream->columns = stream->cursor->columns();
    stream->connection = state_;
    stream->batch_rows = std::max<std::size_t>(1, state.options.stream_batch_rows.value_or(1000));
    state.open_stream = stream.get();
    co_return StreamResult(std::move(stream));
}

boost::asio::awaitable<std::int64_t> Connection::copy_records(std::string_view table,
                                                              std::vector<std::string> columns,
                                                              std::vector<std::vector<Value>> rows) {
    auto& state = open_state(state_);
    const auto& dialect = *state.engine->dialect;
    std::string sql = "COPY ";
    // A dotted name is schema.table: each part quoted on its own.
    for (std::size_t start = 0;;) {
        const std::size_t dot = table.find('.', start);
        sql += dialect.quote_identifier(table.substr(start, dot - start));
        if (dot == std::string_view::npos) break;
        sql += '.';
        start = dot + 1;
    }
    sql += " (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + dialect.quote_identifier(columns[i]);
    sql += ") FROM STDIN";
    for (const auto& row : rows)
        if (row.size() != columns.size())
            throw ArgumentError("copy_records: a row has " + std::to_string(row.size()) + " values for " +
                                    std::to_string(columns.size()) + " columns",
                                ErrorKind::invalid_argument);
    co_return co_await state.copy_in(sql, rows);
}

boost::asio::awaitable<std::int64_t> Connection::copy_to(std::string_view copy_sql,
                                                         std::function<void(std::string_view)> sink) {
    auto& state = open_state(state_);
    co_return co_await state.copy_out(copy_sql, sink);
}

boost::asio::awaitable<void> Connection::commit() {
    auto& state = open_state(state_);
    if (!state.frames.empty()) co_await state.end_frame(state.frames.front().serial, true);
}

boost::asio::awaitable<void> Connection::rollback() {
    auto& state = open_state(state_);
    if (!state.frames.empty()) co_await state.end_frame(state.frames.front().serial, false);
}

boost::asio::awaitable<Transaction> Connection::begin() {
    auto& state = open_state(state_);
    state.check_ready();
    co_return Transaction(state_, state.begin_transaction());
}

boost::asio::awaitable<Transaction> Connection::begin_nested() {
    auto& state = open_state(state_);
    state.check_ready();
    co_return Transaction(state_, state.begin_savepoint());
}

boost::asio::awaitable<void> Connection::finish(Transaction& tx, std::exception_ptr failure) {
    if (!failure) {
        co_await tx.commit();
        co_return;
    }
    try {
        if (tx.is_active()) co_await tx.rollback();
    } catch (...) {
        // The rollback failed too (it was cancelled, say): the caller sees
        // the first error, and a transaction still open is rolled back by
        // the pool when the connection returns, or the connection is closed.
    }
    std::rethrow_exception(failure);
}

bool Connection::in_transaction() const noexcept { return state_ && !state_->frames.empty(); }
bool Connection::in_nested_transaction() const noexcept { return state_ && state_->frames.size() > 1; }

void Connection::set_execution_options(const ExecutionOptions& options) {
    auto& state = open_state(state_);
    if (options.isolation_level) {
        std::string level = normalised_level(*options.isolation_level);
        state.engine->dialect->check_isolation_level(level);
        state.options.isolation_level = std::move(level);
    }
    if (options.timeout) state.options.timeout = options.timeout;
    if (options.read_only) state.options.read_only = options.read_only;
    if (options.deferrable) state.options.deferrable = options.deferrable;
    if (options.stream_batch_rows) state.options.stream_batch_rows = options.stream_batch_rows;
}

const ExecutionOptions& Connection::execution_options() const { return open_state(state_).options; }

std::unordered_map<std::string, std::any>& Connection::info() { return open_state(state_).info; }

void Connection::invalidate() {
    auto& state = open_state(state_);
    state.lease.invalidate();
    state.release();
}

void Connection::close() noexcept {
    if (state_) state_->release();
}

bool Connection::closed() const noexcept { return !state_ || state_->closed; }

std::uint64_t Connection::id() const noexcept { return state_ ? state_->lease.id() : 0; }

}  // namespace asyncsql
