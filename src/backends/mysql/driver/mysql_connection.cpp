#include "backends/mysql/driver/mysql_connection.hpp"

#include <mysql.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "backends/mysql/driver/mysql_errors.hpp"
#include "backends/mysql/driver/mysql_types.hpp"
#include "driver/statement_text.hpp"
#include "driver/value_count.hpp"

namespace asyncsql::mysql {

// A server-side prepared statement and what it returns.
struct PreparedStatement {
    std::string sql;
    MYSQL_STMT* stmt = nullptr;
    unsigned parameters = 0;
    std::vector<ColumnType> column_types;
    std::shared_ptr<const Columns> columns;  // null: returns no rows
};

namespace {

std::vector<ColumnType> column_types_of(MYSQL_RES* meta, std::vector<std::string>* names,
                                        std::vector<unsigned long>* max_lengths = nullptr) {
    std::vector<ColumnType> out;
    const unsigned n = mysql_num_fields(meta);
    MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    for (unsigned i = 0; i < n; ++i) {
        out.push_back(column_type(fields[i]));
        if (names) names->emplace_back(fields[i].name ? fields[i].name : "");
        if (max_lengths) max_lengths->push_back(fields[i].max_length);
    }
    return out;
}

}  // namespace

// Binds result buffers for a statement that returns rows, and reads them.
// Buffered (after mysql_stmt_store_result, buffers sized by each column's
// longest value) for execute(); unbuffered, row by row, for streams, where
// a value longer than its buffer is read again into a bigger one.
class ResultReader {
public:
    ResultReader(MysqlConnection& connection, PreparedStatement& statement)
        : connection_(connection), statement_(statement) {}

    void bind(const std::vector<unsigned long>& max_lengths) {
        const std::size_t n = statement_.column_types.size();
        binds_.assign(n, MYSQL_BIND{});
        buffers_.assign(n, std::string());
        lengths_.assign(n, 0);
        nulls_.assign(n, 0);
        errors_.assign(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const ColumnType& column = statement_.column_types[i];
            buffers_[i].resize(std::max<std::size_t>(1, result_buffer_size(column, i < max_lengths.size() ? max_lengths[i] : 0)));
            binds_[i].buffer_type = result_buffer_type(column);
            binds_[i].buffer = buffers_[i].data();
            binds_[i].buffer_length = static_cast<unsigned long>(buffers_[i].size());
            binds_[i].length = &lengths_[i];
            binds_[i].is_null = &nulls_[i];
            binds_[i].error = &errors_[i];
            binds_[i].is_unsigned = (column.flags & UNSIGNED_FLAG) != 0;
        }
        if (mysql_stmt_bind_result(statement_.stmt, binds_.data()))
            connection_.throw_statement_error(statement_.stmt, statement_.sql);
    }

    // Appends up to `max_rows` rows; false once the result is exhausted.
    asio::awaitable<bool> fetch_into(RowSet& rows, std::size_t max_rows) {
        MYSQL_STMT* stmt = statement_.stmt;
        for (std::size_t n = 0; n < max_rows; ++n) {
            int ret = 0;
            co_await connection_.drive([&] { return mysql_stmt_fetch_start(&ret, stmt); },
                                       [&](int ready) { return mysql_stmt_fetch_cont(&ret, stmt, ready); });
            if (ret == MYSQL_NO_DATA) co_return false;
            if (ret == 1) connection_.throw_statement_error(stmt, statement_.sql);
            for (std::size_t i = 0; i < binds_.size(); ++i) {
                if (nulls_[i]) {
                    rows.values.emplace_back();
                    continue;
                }
                if (ret == MYSQL_DATA_TRUNCATED && errors_[i] && lengths_[i] > buffers_[i].size()) reread(i);
                rows.values.push_back(decode_field(statement_.column_types[i], buffers_[i].data(), lengths_[i]));
            }
        }
        co_return true;
    }

private:
    // The row is in client memory already: no IO.
    void reread(std::size_t i) {
        buffers_[i].resize(lengths_[i]);
        binds_[i].buffer = buffers_[i].data();
        binds_[i].buffer_length = lengths_[i];
        if (mysql_stmt_fetch_column(statement_.stmt, &binds_[i], static_cast<unsigned>(i), 0))
            connection_.throw_statement_error(statement_.stmt, statement_.sql);
        mysql_stmt_bind_result(statement_.stmt, binds_.data());
    }

    MysqlConnection& connection_;
    PreparedStatement& statement_;
    std::vector<MYSQL_BIND> binds_;
    std::vector<std::string> buffers_;
    std::vector<unsigned long> lengths_;
    std::vector<my_bool> nulls_;
    std::vector<my_bool> errors_;
};

namespace {

class MysqlCursor final : public driver::Cursor {
public:
    // A statement without rows streams none (and binds nothing).
    MysqlCursor(MysqlConnection& connection, PreparedStatement& statement)
        : connection_(connection),
          statement_(statement),
          columns_(statement.columns ? statement.columns : std::make_shared<const Columns>()),
          reader_(connection, statement),
          done_(!statement.columns) {
        if (statement.columns) reader_.bind({});
        else connection_.cursor_finished();
    }
    ~MysqlCursor() override {
        if (!done_) connection_.mark_needs_drain(&statement_);
        connection_.cursor_finished();
    }

    std::shared_ptr<const Columns> columns() const override { return columns_; }

    asio::awaitable<std::shared_ptr<RowSet>> fetch(std::size_t max_rows) override {
        auto rows = std::make_shared<RowSet>();
        rows->columns = columns_;
        rows->values.reserve(max_rows * columns_->size());
        if (done_) co_return rows;
        try {
            const bool more = co_await reader_.fetch_into(*rows, max_rows);
            if (!more) finish();
        } catch (...) {
            // Rows may still be on the wire (a value the client could not
            // decode): discarded before the next command.
            finish();
            connection_.mark_needs_drain(&statement_);
            throw;
        }
        co_return rows;
    }

    asio::awaitable<void> close() override {
        if (done_) co_return;
        finish();
        connection_.mark_needs_drain(&statement_);  // discarded before the next command
        co_return;
    }

private:
    void finish() noexcept {
        done_ = true;
        connection_.cursor_finished();
    }

    MysqlConnection& connection_;
    PreparedStatement& statement_;
    std::shared_ptr<const Columns> columns_;
    ResultReader reader_;
    bool done_;
};

bool is_address(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

MysqlConnection::MysqlConnection(asio::any_io_executor executor, MysqlOptions options)
    : executor_(std::move(executor)), options_(std::move(options)), socket_(executor_) {}

MysqlConnection::~MysqlConnection() {
    *alive_ = false;
    for (auto& statement : statements_) mysql_stmt_close(statement->stmt);
    socket_.close();
    if (mysql_) mysql_close(mysql_);
}

asio::awaitable<std::unique_ptr<MysqlConnection>> MysqlConnection::open(MysqlOptions options) {
    std::unique_ptr<MysqlConnection> connection(
        new MysqlConnection(co_await asio::this_coro::executor, std::move(options)));
    co_await connection->connect();
    co_return connection;
}

void MysqlConnection::throw_error(std::string_view sql) {
    const unsigned code = mysql_ ? mysql_errno(mysql_) : 2006;
    if (code == 0) {
        // A failure Connector/C gave no code (a result cut short after KILL
        // QUERY): where the protocol stands is unknown, so the connection goes.
        broken_ = true;
        throw OperationalError(ErrorInfo{
            .message = kill_sent_ ? "mysql: the statement was interrupted" : "mysql: the operation failed without an error code",
            .kind = kill_sent_ ? ErrorKind::cancelled : ErrorKind::connection_lost,
            .statement = std::string(sql)});
    }
    ErrorInfo info{.message = "mysql: " + std::string(mysql_ ? mysql_error(mysql_) : "no connection"),
                   .kind = error_kind(code),
                   .sqlstate = mysql_ ? mysql_sqlstate(mysql_) : "HY000",
                   .native_code = code,
                   .statement = std::string(sql)};
    if (ends_connection(code)) broken_ = true;
    throw_mysql_error(std::move(info));
}

void MysqlConnection::throw_statement_error(MYSQL_STMT* stmt, std::string_view sql) {
    const unsigned code = mysql_stmt_errno(stmt);
    // Some failures are left on the connection rather than the statement.
    if (code == 0) throw_error(sql);
    ErrorInfo info{.message = "mysql: " + std::string(mysql_stmt_error(stmt)),
                   .kind = error_kind(code),
                   .sqlstate = mysql_stmt_sqlstate(stmt),
                   .native_code = code,
                   .statement = std::string(sql)};
    if (ends_connection(code)) broken_ = true;
    throw_mysql_error(std::move(info));
}

// Waits for what Connector/C asked (read, write, a timeout) and says what
// happened. A cancelled wait sends KILL QUERY and keeps waiting, so that the
// connection is drained before the caller sees the interruption (1317).
asio::awaitable<void> MysqlConnection::wait(int status) {
    if (!socket_) socket_.follow(static_cast<int>(mysql_get_socket(mysql_)));
    if (!socket_) throw OperationalError("mysql: the connection has no socket", ErrorKind::connection_lost);
    for (;;) {
        const auto limit = status & MYSQL_WAIT_TIMEOUT
                               ? std::chrono::milliseconds(mysql_get_timeout_value_ms(mysql_))
                               : kill_sent_ ? options_.connect_timeout : std::chrono::milliseconds(0);
        if (!(status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE))) {  // only a timeout to wait for
            asio::steady_timer pause(executor_, limit);
            boost::system::error_code ignored;
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            ready_ = MYSQL_WAIT_TIMEOUT;
            co_return;
        }
        // Shared with the timer's handler, which may run after this wait:
        // once `done`, it must not cancel the next one.
        struct Deadline {
            bool fired = false;
            bool done = false;
        };
        auto state = std::make_shared<Deadline>();
        std::optional<asio::steady_timer> deadline;
        if (limit.count() > 0) {
            deadline.emplace(executor_, limit);
            deadline->async_wait([this, state](boost::system::error_code ec) {
                if (ec || state->done) return;
                state->fired = true;
                if (socket_) socket_->cancel();
            });
        }
        boost::system::error_code ec;
        // Writable first when asked for both: what Connector/C waits on is the send.
        const auto type = status & MYSQL_WAIT_WRITE ? asio::posix::stream_descriptor::wait_write
                                                    : asio::posix::stream_descriptor::wait_read;
        co_await socket_->async_wait(type, asio::redirect_error(asio::use_awaitable, ec));
        state->done = true;
        if (deadline) deadline->cancel();
        if (state->fired && ec == asio::error::operation_aborted) {
            if (kill_sent_ && !(status & MYSQL_WAIT_TIMEOUT)) {
                broken_ = true;
                throw OperationalError("mysql: no answer from the server after KILL QUERY",
                                       ErrorKind::connection_lost);
            }
            ready_ = MYSQL_WAIT_TIMEOUT;
            co_return;
        }
        if (ec == asio::error::operation_aborted) {
            if (!kill_sent_) {
                kill_sent_ = true;
                cancel();
            }
            co_await asio::this_coro::reset_cancellation_state();
            continue;
        }
        if (ec) {
            broken_ = true;
            throw OperationalError("mysql: socket wait failed: " + ec.message(), ErrorKind::connection_lost);
        }
        ready_ = type == asio::posix::stream_descriptor::wait_read ? MYSQL_WAIT_READ : MYSQL_WAIT_WRITE;
        co_return;
    }
}

template <class Start, class Cont>
asio::awaitable<void> MysqlConnection::drive(Start start, Cont cont) {
    int status = start();
    while (status != 0) {
        co_await wait(status);
        status = cont(ready_);
    }
}

asio::awaitable<void> MysqlConnection::connect() {
    mysql_ = mysql_init(nullptr);
    if (!mysql_) throw OperationalError("mysql: out of memory", ErrorKind::internal);
    mysql_options(mysql_, MYSQL_OPT_NONBLOCK, nullptr);
    mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, options_.charset.c_str());
    const unsigned connect_seconds =
        static_cast<unsigned>(std::max<long long>(1, (options_.connect_timeout.count() + 999) / 1000));
    mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_seconds);
    if (options_.read_timeout) {
        const unsigned s = static_cast<unsigned>((options_.read_timeout->count() + 999) / 1000);
        mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &s);
    }
    if (options_.write_timeout) {
        const unsigned s = static_cast<unsigned>((options_.write_timeout->count() + 999) / 1000);
        mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &s);
    }
    if (!options_.init_command.empty()) mysql_options(mysql_, MYSQL_INIT_COMMAND, options_.init_command.c_str());
    if (options_.ssl) {
        mysql_ssl_set(mysql_, options_.ssl_key.empty() ? nullptr : options_.ssl_key.c_str(),
                      options_.ssl_cert.empty() ? nullptr : options_.ssl_cert.c_str(),
                      options_.ssl_ca.empty() ? nullptr : options_.ssl_ca.c_str(), nullptr, nullptr);
        const my_bool verify = options_.ssl_verify_server_cert ? 1 : 0;
        mysql_options(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
    // Connector/C would look a host name up with the blocking getaddrinfo:
    // Asio's resolver does it instead ("localhost" means the unix socket).
    std::string host = options_.host;
    if (options_.unix_socket.empty() && host != "localhost" && !is_address(host)) {
        asio::ip::tcp::resolver resolver(executor_);
        boost::system::error_code ec;
        auto results = co_await resolver.async_resolve(host, "", asio::redirect_error(asio::use_awaitable, ec));
        if (ec || results.empty())
            throw OperationalError("mysql: could not resolve host name " + host, ErrorKind::connection_lost);
        host = results.begin()->endpoint().address().to_string();
    }
    connected_host_ = host;  // the KILL QUERY connection goes to the same address
    MYSQL* ret = nullptr;
    asio::steady_timer deadline(executor_, options_.connect_timeout);
    auto expired = std::make_shared<bool>(false);
    deadline.async_wait([expired](boost::system::error_code ec) {
        if (!ec) *expired = true;
    });
    co_await drive(
        [&] {
            return mysql_real_connect_start(&ret, mysql_, host.c_str(), options_.user.c_str(),
                                            options_.password.c_str(),
                                            options_.database.empty() ? nullptr : options_.database.c_str(),
                                            options_.port,
                                            options_.unix_socket.empty() ? nullptr : options_.unix_socket.c_str(),
                                            CLIENT_MULTI_RESULTS);
        },
        [&](int ready) { return mysql_real_connect_cont(&ret, mysql_, ready); });
    deadline.cancel();
    if (!ret) {
        ErrorInfo info{.message = "mysql: could not connect: " + std::string(mysql_error(mysql_)),
                       .kind = ErrorKind::connection_lost,
                       .sqlstate = mysql_sqlstate(mysql_),
                       .native_code = mysql_errno(mysql_)};
        broken_ = true;
        if (*expired) throw TimeoutError(std::move(info));
        throw OperationalError(std::move(info));
    }
    thread_id_ = mysql_thread_id(mysql_);
    // Timestamp values are UTC: TIMESTAMP columns convert through the
    // session time zone, which must then be UTC too.
    co_await run_text("SET time_zone = '+00:00'");
    // A reconnect by the client library would silently lose session state.
    const my_bool no_reconnect = 0;
    mysql_options(mysql_, MYSQL_OPT_RECONNECT, &no_reconnect);
}

// The text protocol: transaction control, and statements the server cannot
// prepare (error 1295). Rows, if any, are decoded from their text form.
asio::awaitable<driver::ExecuteOutcome> MysqlConnection::run_text(const std::string& sql) {
    int ret = 0;
    co_await drive([&] { return mysql_real_query_start(&ret, mysql_, sql.data(), sql.size()); },
                   [&](int ready) { return mysql_real_query_cont(&ret, mysql_, ready); });
    if (ret) throw_error(sql);
    driver::ExecuteOutcome outcome;
    if (mysql_field_count(mysql_) == 0) {
        const auto changed = mysql_affected_rows(mysql_);
        outcome.rows_affected = changed == static_cast<my_ulonglong>(-1) ? 0 : static_cast<std::int64_t>(changed);
        co_return outcome;
    }
    MYSQL_RES* result = nullptr;
    co_await drive([&] { return mysql_store_result_start(&result, mysql_); },
                   [&](int ready) { return mysql_store_result_cont(&result, mysql_, ready); });
    if (!result) throw_error(sql);
    std::unique_ptr<MYSQL_RES, void (*)(MYSQL_RES*)> owned(result, mysql_free_result);
    const unsigned n = mysql_num_fields(result);
    MYSQL_FIELD* fields = mysql_fetch_fields(result);
    std::vector<std::string> names;
    std::vector<ColumnType> types;
    names.reserve(n);
    types.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
        names.emplace_back(fields[i].name ? fields[i].name : "");
        types.push_back(column_type(fields[i]));  // once, not for every row
    }
    outcome.rows = std::make_shared<RowSet>();
    outcome.rows->columns = std::make_shared<const Columns>(std::move(names));
    outcome.rows->reserve_more(mysql_num_rows(result));
    // A stored result is in client memory: fetching does no IO.
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
        const unsigned long* lengths = mysql_fetch_lengths(result);
        for (unsigned i = 0; i < n; ++i) outcome.rows->values.push_back(decode_text_field(types[i], row[i], lengths[i]));
    }
    co_return outcome;
}

asio::awaitable<void> MysqlConnection::run_prelude(std::span<const std::string> prelude) {
    for (const auto& sql : prelude) co_await run_text(sql);
}

namespace {
constexpr unsigned unsupported_in_prepared_statements = 1295;  // ER_UNSUPPORTED_PS
}

asio::awaitable<void> MysqlConnection::close_statement(MYSQL_STMT* stmt) {
    my_bool ret = 0;
    co_await drive([&] { return mysql_stmt_close_start(&ret, stmt); },
                   [&](int ready) { return mysql_stmt_close_cont(&ret, stmt, ready); });
}

asio::awaitable<PreparedStatement*> MysqlConnection::prepared(std::string_view sql) {
    driver::reject_nul_bytes(sql);
    const std::string key(sql);
    if (auto it = statement_index_.find(key); it != statement_index_.end()) {
        statements_.splice(statements_.begin(), statements_, it->second);
        co_return statements_.front().get();
    }
    auto statement = std::make_unique<PreparedStatement>();
    statement->sql = key;
    statement->stmt = mysql_stmt_init(mysql_);
    if (!statement->stmt) throw_error(sql);
    const my_bool update_max_length = 1;
    mysql_stmt_attr_set(statement->stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max_length);
    int ret = 0;
    MYSQL_STMT* stmt = statement->stmt;
    co_await drive([&] { return mysql_stmt_prepare_start(&ret, stmt, key.data(), key.size()); },
                   [&](int ready) { return mysql_stmt_prepare_cont(&ret, stmt, ready); });
    if (ret) {
        const unsigned code = mysql_stmt_errno(stmt);
        ErrorInfo info{.message = "mysql: " + std::string(mysql_stmt_error(stmt)),
                       .kind = error_kind(code),
                       .sqlstate = mysql_stmt_sqlstate(stmt),
                       .native_code = code,
                       .statement = key};
        co_await close_statement(stmt);
        if (ends_connection(code)) broken_ = true;
        throw_mysql_error(std::move(info));
    }
    statement->parameters = mysql_stmt_param_count(stmt);
    if (MYSQL_RES* meta = mysql_stmt_result_metadata(stmt)) {
        std::vector<std::string> names;
        statement->column_types = column_types_of(meta, &names);
        statement->columns = std::make_shared<const Columns>(std::move(names));
        mysql_free_result(meta);
    }
    statements_.push_front(std::move(statement));
    statement_index_.emplace(key, statements_.begin());
    while (statements_.size() > std::max<std::size_t>(options_.statement_cache_size, 1)) {
        auto oldest = std::move(statements_.back());
        statements_.pop_back();
        statement_index_.erase(oldest->sql);
        co_await close_statement(oldest->stmt);
    }
    co_return statements_.front().get();
}

asio::awaitable<void> MysqlConnection::execute_bound(PreparedStatement& statement,
                                                     const std::vector<Value>& parameters) {
    driver::check_value_count("mysql: ", statement.parameters, parameters.size(), statement.sql);
    std::vector<BoundParameter> storage(parameters.size());
    std::vector<MYSQL_BIND> binds(parameters.size(), MYSQL_BIND{});
    for (std::size_t i = 0; i < parameters.size(); ++i) bind_parameter(parameters[i], storage[i], binds[i]);
    if (!binds.empty() && mysql_stmt_bind_param(statement.stmt, binds.data()))
        throw_statement_error(statement.stmt, statement.sql);
    int ret = 0;
    MYSQL_STMT* stmt = statement.stmt;
    co_await drive([&] { return mysql_stmt_execute_start(&ret, stmt); },
                   [&](int ready) { return mysql_stmt_execute_cont(&ret, stmt, ready); });
    if (ret) throw_statement_error(stmt, statement.sql);
}

bool MysqlConnection::bulk_supported() const noexcept {
    unsigned long capabilities = 0, extended = 0;
    if (mariadb_get_infov(mysql_, MARIADB_CONNECTION_SERVER_CAPABILITIES, &capabilities)) return false;
    if (mariadb_get_infov(mysql_, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &extended)) return false;
    return !(capabilities & CLIENT_MYSQL) && (extended & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32));
}

namespace {

// The parameter sets of one bulk execution, bound column-wise: one array
// per parameter, NULLs marked by indicators.
struct BulkColumns {
    std::vector<std::vector<BoundParameter>> cells;  // [row][column], kept in place
    std::vector<MYSQL_BIND> binds;
    std::vector<std::vector<char>> indicators;
    std::vector<std::vector<char*>> pointers;
    std::vector<std::vector<unsigned long>> lengths;
    std::vector<std::vector<long long>> integers;
    std::vector<std::vector<double>> reals;
    std::vector<std::vector<signed char>> tinies;
    std::vector<std::vector<MYSQL_TIME>> times;

    // False when a column mixes kinds (the rows then run one by one).
    bool bind(std::span<const std::vector<Value>> sets, unsigned columns) {
        const std::size_t rows = sets.size();
        cells.assign(rows, std::vector<BoundParameter>(columns));
        MYSQL_BIND scratch{};
        for (std::size_t r = 0; r < rows; ++r)
            for (unsigned c = 0; c < columns; ++c) bind_parameter(sets[r][c], cells[r][c], scratch);
        binds.assign(columns, MYSQL_BIND{});
        indicators.assign(columns, std::vector<char>(rows, STMT_INDICATOR_NONE));
        pointers.assign(columns, {});
        lengths.assign(columns, {});
        integers.assign(columns, {});
        reals.assign(columns, {});
        tinies.assign(columns, {});
        times.assign(columns, {});
        for (unsigned c = 0; c < columns; ++c) {
            enum_field_types type = MYSQL_TYPE_NULL;
            bool is_unsigned = false;
            for (std::size_t r = 0; r < rows; ++r) {
                const BoundParameter& cell = cells[r][c];
                if (cell.is_null) {
                    indicators[c][r] = STMT_INDICATOR_NULL;
                    continue;
                }
                if (type == MYSQL_TYPE_NULL) {
                    type = cell.type;
                    is_unsigned = cell.is_unsigned;
                } else if (cell.type != type || cell.is_unsigned != is_unsigned) {
                    return false;
                }
            }
            MYSQL_BIND& b = binds[c];
            b.buffer_type = type == MYSQL_TYPE_NULL ? MYSQL_TYPE_STRING : type;
            b.is_unsigned = is_unsigned;
            b.u.indicator = indicators[c].data();
            switch (b.buffer_type) {
            case MYSQL_TYPE_LONGLONG:
                for (const auto& row : cells) integers[c].push_back(row[c].integer);
                b.buffer = integers[c].data();
                break;
            case MYSQL_TYPE_DOUBLE:
                for (const auto& row : cells) reals[c].push_back(row[c].real);
                b.buffer = reals[c].data();
                break;
            case MYSQL_TYPE_TINY:
                for (const auto& row : cells) tinies[c].push_back(row[c].tiny);
                b.buffer = tinies[c].data();
                break;
            case MYSQL_TYPE_DATE:
            case MYSQL_TYPE_TIME:
            case MYSQL_TYPE_DATETIME:
                // Connector/C steps through an array only for types of a fixed
                // packed length; for these it reads an array of pointers.
                for (const auto& row : cells) times[c].push_back(row[c].time);
                for (auto& time : times[c]) pointers[c].push_back(reinterpret_cast<char*>(&time));
                b.buffer = pointers[c].data();
                break;
            default:  // strings, blobs, decimals: pointers and lengths
                for (auto& row : cells) {
                    pointers[c].push_back(row[c].storage.data());
                    lengths[c].push_back(static_cast<unsigned long>(row[c].storage.size()));
                }
                b.buffer = pointers[c].data();
                b.length = lengths[c].data();
                break;
            }
        }
        return true;
    }
};

}  // namespace

// MariaDB's bulk execution: many parameter sets in one COM_STMT_BULK_EXECUTE,
// in chunks so that no packet grows past the server's limit. False when the
// server (MySQL) or the values (mixed kinds in a column) do not allow it.
asio::awaitable<bool> MysqlConnection::execute_bulk(PreparedStatement& statement,
                                                    std::span<const std::vector<Value>> sets,
                                                    std::int64_t& affected) {
    if (!options_.bulk || statement.columns || statement.parameters == 0 || sets.size() < 2 || !bulk_supported())
        co_return false;
    for (const auto& set : sets)
        if (set.size() != statement.parameters) co_return false;  // reported by the row-by-row path
    // Chunks of at most 1,000 sets and about 4 MiB of values, well inside
    // the server's max_allowed_packet (16 MiB by default).
    constexpr std::size_t max_rows = 1000, max_bytes = 4 << 20;
    auto value_bytes = [](const Value& v) -> std::size_t {
        if (const auto* s = v.get_if<std::string>()) return s->size() + 16;
        if (const auto* b = v.get_if<Bytes>()) return b->size() + 16;
        if (const auto* d = v.get_if<Decimal>()) return d->text.size() + 16;
        if (const auto* j = v.get_if<Json>()) return j->text.size() + 16;
        return 16;
    };
    struct Span {
        std::size_t first, count;
    };
    std::vector<Span> spans;
    for (std::size_t start = 0; start < sets.size();) {
        std::size_t count = 0, bytes = 0;
        while (start + count < sets.size() && count < max_rows) {
            std::size_t row = 0;
            for (const auto& v : sets[start + count]) row += value_bytes(v);
            if (count > 0 && bytes + row > max_bytes) break;
            bytes += row;
            ++count;
        }
        spans.push_back({start, count});
        start += count;
    }
    std::vector<BulkColumns> chunks(spans.size());
    for (std::size_t i = 0; i < chunks.size(); ++i)
        if (!chunks[i].bind(sets.subspan(spans[i].first, spans[i].count), statement.parameters)) co_return false;
    MYSQL_STMT* stmt = statement.stmt;
    struct ResetArraySize {
        MYSQL_STMT* stmt;
        ~ResetArraySize() {
            unsigned int none = 0;
            mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &none);
        }
    } reset{stmt};
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        unsigned int rows = static_cast<unsigned int>(chunks[i].cells.size());
        mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &rows);
        if (mysql_stmt_bind_param(stmt, chunks[i].binds.data())) throw_statement_error(stmt, statement.sql);
        int ret = 0;
        co_await drive([&] { return mysql_stmt_execute_start(&ret, stmt); },
                       [&](int ready) { return mysql_stmt_execute_cont(&ret, stmt, ready); });
        if (ret) {
            ErrorInfo info{.message = "mysql: " + std::string(mysql_stmt_error(stmt)) + " (in parameter sets " +
                                      std::to_string(spans[i].first + 1) + " to " +
                                      std::to_string(spans[i].first + rows) + " of " + std::to_string(sets.size()) +
                                      ", sent as one bulk execution)",
                           .kind = error_kind(mysql_stmt_errno(stmt)),
                           .sqlstate = mysql_stmt_sqlstate(stmt),
                           .native_code = mysql_stmt_errno(stmt),
                           .statement = statement.sql};
            if (ends_connection(mysql_stmt_errno(stmt))) broken_ = true;
            throw_mysql_error(std::move(info));
        }
        const auto changed = mysql_stmt_affected_rows(stmt);
        if (changed != static_cast<my_ulonglong>(-1)) affected += static_cast<std::int64_t>(changed);
    }
    co_return true;
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool starts_with_word(std::string_view text, std::string_view word) {
    std::size_t i = 0;
    while (i < text.size() && is_space(text[i])) ++i;
    if (text.size() - i < word.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
        if (std::toupper(static_cast<unsigned char>(text[i + k])) != word[k]) return false;
    return i + word.size() == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + word.size()]));
}

}  // namespace

// An INSERT (or REPLACE) ending with one `VALUES (...)` group: the text
// before that group and the group itself, so that sets can be sent as
// `VALUES (...), (...), ...`. Nothing for any other statement (quotes,
// comments and nested parentheses are respected; the group must end the
// statement, so `ON DUPLICATE KEY UPDATE` and the like are left alone).
std::optional<std::pair<std::string_view, std::string_view>> MysqlConnection::values_group(std::string_view sql) {
    if (!starts_with_word(sql, "INSERT") && !starts_with_word(sql, "REPLACE")) return std::nullopt;
    std::size_t end = sql.size();
    while (end > 0 && (is_space(sql[end - 1]) || sql[end - 1] == ';')) --end;
    if (end == 0 || sql[end - 1] != ')') return std::nullopt;
    // Walk forward to find where the final parenthesized group opens.
    std::size_t depth = 0, group_open = std::string_view::npos;
    char quote = 0;
    for (std::size_t i = 0; i < end; ++i) {
        const char c = sql[i];
        if (quote) {
            if (c == '\\' && quote != '`') ++i;
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') quote = c;
        else if (c == '(') {
            if (depth++ == 0) group_open = i;
        } else if (c == ')') {
            if (depth == 0) return std::nullopt;
            --depth;
        } else if ((c == '-' && i + 1 < end && sql[i + 1] == '-') || c == '#' || (c == '/' && i + 1 < end && sql[i + 1] == '*')) {
            return std::nullopt;  // comments: not worth the risk
        }
    }
    if (quote || depth != 0 || group_open == std::string_view::npos) return std::nullopt;
    std::string_view head = sql.substr(0, group_open);
    std::size_t k = head.size();
    while (k > 0 && is_space(head[k - 1])) --k;
    if (k < 6) return std::nullopt;
    std::string word(head.substr(k - 6, 6));
    for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (word != "VALUES" && !(k >= 5 && word.substr(1) == "VALUE")) return std::nullopt;
    return std::pair{sql.substr(0, group_open), sql.substr(group_open, end - group_open)};
}

// Servers without bulk execution (Oracle MySQL, or bulk=false): an INSERT's
// sets go as multi-row statements, up to 1,000 rows and 65,535 placeholders
// each, prepared once per row count (and cached like any statement).
asio::awaitable<bool> MysqlConnection::execute_multirow(PreparedStatement& statement,
                                                        std::span<const std::vector<Value>> sets,
                                                        std::int64_t& affected) {
    if (statement.columns || statement.parameters == 0 || sets.size() < 2) co_return false;
    // Copies: preparing the multi-row texts may evict `statement` from the cache.
    const std::string sql = statement.sql;
    const std::size_t parameters = statement.parameters;
    const auto parts = values_group(sql);
    if (!parts) co_return false;
    for (const auto& set : sets)
        if (set.size() != parameters) co_return false;  // reported by the row-by-row path
    const std::size_t rows_per_statement = std::min<std::size_t>(1000, 65535 / parameters);
    for (std::size_t first = 0; first < sets.size(); first += rows_per_statement) {
        const std::size_t rows = std::min(rows_per_statement, sets.size() - first);
        std::string text(parts->first);
        for (std::size_t r = 0; r < rows; ++r) {
            if (r) text += ", ";
            text += parts->second;
        }
        std::vector<Value> values;
        values.reserve(rows * parameters);
        for (std::size_t r = 0; r < rows; ++r)
            values.insert(values.end(), sets[first + r].begin(), sets[first + r].end());
        PreparedStatement& multirow = *co_await prepared(text);
        co_await execute_bound(multirow, values);
        const auto changed = mysql_stmt_affected_rows(multirow.stmt);
        if (changed != static_cast<my_ulonglong>(-1)) affected += static_cast<std::int64_t>(changed);
    }
    co_return true;
}

asio::awaitable<void> MysqlConnection::settle_kill() {
    // (Into a variable first: g++ 12 miscompiles a co_await inside `if (!...)`.)
    const bool delivered = co_await kill_request_.settled(executor_, options_.connect_timeout);
    if (!delivered) {
        broken_ = true;
        throw OperationalError("mysql: KILL QUERY did not complete in time", ErrorKind::connection_lost);
    }
}

// Before any command: the connection is open, a KILL QUERY sent for an
// earlier statement has landed (so it cannot hit this one), and the rows of
// a dropped stream are discarded.
asio::awaitable<void> MysqlConnection::ready_for_command() {
    if (broken_ || !mysql_) throw OperationalError("mysql: the connection is closed", ErrorKind::connection_lost);
    co_await settle_kill();
    kill_sent_ = false;
    ++operation_;
    if (PreparedStatement* statement = std::exchange(needs_drain_, nullptr)) {
        my_bool ret = 0;
        MYSQL_STMT* stmt = statement->stmt;
        co_await drive([&] { return mysql_stmt_free_result_start(&ret, stmt); },
                       [&](int ready) { return mysql_stmt_free_result_cont(&ret, stmt, ready); });
    }
}

asio::awaitable<driver::ExecuteOutcome> MysqlConnection::execute(const driver::ExecuteRequest& request) {
    co_await ready_for_command();
    co_await run_prelude(request.prelude);
    driver::ExecuteOutcome outcome;
    if (request.control) co_return co_await run_text(std::string(request.sql));
    PreparedStatement* prepared_statement = nullptr;
    bool text_only = false;
    try {
        prepared_statement = co_await prepared(request.sql);
    } catch (const DatabaseError& e) {
        const bool has_values = std::any_of(request.parameter_sets.begin(), request.parameter_sets.end(),
                                            [](const auto& set) { return !set.empty(); });
        if (e.native_code() != unsupported_in_prepared_statements || has_values) throw;
        text_only = true;  // values are never spliced into text: only without any
    }
    if (text_only) co_return co_await run_text(std::string(request.sql));
    PreparedStatement& statement = *prepared_statement;
    static const std::vector<Value> no_parameters;
    const auto sets = request.parameter_sets.empty() ? std::span<const std::vector<Value>>(&no_parameters, 1)
                                                     : request.parameter_sets;
    std::int64_t affected = 0;
    std::optional<std::int64_t> last_id;
    // (Each co_await in a statement of its own: g++ 12 miscompiles them
    // inside conditions.)
    bool batched = co_await execute_bulk(statement, request.parameter_sets, affected);
    if (!batched) batched = co_await execute_multirow(statement, request.parameter_sets, affected);
    if (batched) {
        outcome.rows_affected = affected;
        co_return outcome;
    }
    for (const auto& parameters : sets) {
        co_await execute_bound(statement, parameters);
        MYSQL_STMT* stmt = statement.stmt;
        if (statement.columns) {
            int ret = 0;
            co_await drive([&] { return mysql_stmt_store_result_start(&ret, stmt); },
                           [&](int ready) { return mysql_stmt_store_result_cont(&ret, stmt, ready); });
            if (ret) throw_statement_error(stmt, statement.sql);
            std::vector<unsigned long> max_lengths;
            if (MYSQL_RES* meta = mysql_stmt_result_metadata(stmt)) {
                column_types_of(meta, nullptr, &max_lengths);
                mysql_free_result(meta);
            }
            ResultReader reader(*this, statement);
            reader.bind(max_lengths);
            if (!outcome.rows) {
                outcome.rows = std::make_shared<RowSet>();
                outcome.rows->columns = statement.columns;
            }
            // Stored: the row count is known (executemany appends each set's rows).
            outcome.rows->reserve_more(mysql_stmt_num_rows(stmt));
            for (;;) {
                const bool more = co_await reader.fetch_into(*outcome.rows, 4096);
                if (!more) break;
            }
            mysql_stmt_free_result(stmt);
        } else {
            const auto changed = mysql_stmt_affected_rows(stmt);
            if (changed != static_cast<my_ulonglong>(-1)) affected += static_cast<std::int64_t>(changed);
            if (const auto id = mysql_stmt_insert_id(stmt); id != 0 && changed > 0)
                last_id = static_cast<std::int64_t>(id);
        }
    }
    if (!statement.columns) {
        outcome.rows_affected = affected;
        outcome.last_insert_id = last_id;
    }
    co_return outcome;
}

asio::awaitable<std::unique_ptr<driver::Cursor>> MysqlConnection::open_cursor(const driver::ExecuteRequest& request) {
    if (request.parameter_sets.size() > 1)
        throw ArgumentError("a stream runs one statement with one set of parameters", ErrorKind::invalid_argument);
    co_await ready_for_command();
    co_await run_prelude(request.prelude);
    PreparedStatement& statement = *co_await prepared(request.sql);
    static const std::vector<Value> no_parameters;
    co_await execute_bound(statement, request.parameter_sets.empty() ? no_parameters : request.parameter_sets.front());
    cursor_open_ = true;
    co_return std::make_unique<MysqlCursor>(*this, statement);
}

asio::awaitable<void> MysqlConnection::ping() {
    co_await ready_for_command();
    int ret = 0;
    co_await drive([&] { return mysql_ping_start(&ret, mysql_); },
                   [&](int ready) { return mysql_ping_cont(&ret, mysql_, ready); });
    if (ret) throw_error("ping");
}

asio::awaitable<void> MysqlConnection::close() noexcept {
    broken_ = true;
    for (auto& statement : statements_) mysql_stmt_close(statement->stmt);
    statements_.clear();
    statement_index_.clear();
    socket_.close();
    if (mysql_) {
        mysql_close(mysql_);
        mysql_ = nullptr;
    }
    co_return;
}

// KILL QUERY from a connection of its own, on a helper thread (Connector/C's
// blocking API). The next command waits until it has been delivered.
// The engine's statement timeout and a stream's close() cancel this way, as
// a cancelled wait does: the waits after it are bounded by connect_timeout,
// and the wait under way is woken (on the executor, where the waits run) to
// take that bound too, unless the command it was for is over by then.
void MysqlConnection::cancel() noexcept {
    if (!mysql_ || thread_id_ == 0) return;
    kill_sent_ = true;
    asio::post(executor_, [this, alive = alive_, operation = operation_] {
        if (*alive && operation == operation_ && socket_) socket_->cancel();
    });
    kill_request_.send([options = options_, host = connected_host_, id = thread_id_] {
        MYSQL* killer = mysql_init(nullptr);
        if (!killer) return;
        const unsigned timeout = 5;
        mysql_options(killer, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        if (options.ssl)
            mysql_ssl_set(killer, options.ssl_key.empty() ? nullptr : options.ssl_key.c_str(),
                          options.ssl_cert.empty() ? nullptr : options.ssl_cert.c_str(),
                          options.ssl_ca.empty() ? nullptr : options.ssl_ca.c_str(), nullptr, nullptr);
        if (mysql_real_connect(killer, host.c_str(), options.user.c_str(), options.password.c_str(), nullptr,
                               options.port, options.unix_socket.empty() ? nullptr : options.unix_socket.c_str(),
                               0)) {
            const std::string kill = "KILL QUERY " + std::to_string(id);
            mysql_real_query(killer, kill.data(), kill.size());
        }
        mysql_close(killer);
    });
}

driver::TransactionState MysqlConnection::transaction_state() const noexcept {
    if (!mysql_ || cursor_open_ || needs_drain_) return driver::TransactionState::unknown;
    unsigned status = 0;
    if (mariadb_get_infov(mysql_, MARIADB_CONNECTION_SERVER_STATUS, &status))
        return driver::TransactionState::unknown;
    return (status & SERVER_STATUS_IN_TRANS) ? driver::TransactionState::active : driver::TransactionState::idle;
}

bool MysqlConnection::usable() const noexcept { return mysql_ && !broken_; }

}  // namespace asyncsql::mysql
