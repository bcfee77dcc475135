#include "backends/postgresql/driver/pg_connection.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <span>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "asyncsql/error.hpp"
#include "asyncsql/sql/compiled_sql.hpp"
#include "asyncsql/sql/sql_syntax.hpp"
#include "backends/postgresql/driver/pg_rows.hpp"
#include "backends/postgresql/driver/pg_wire.hpp"
#include "backends/postgresql/driver/sqlstate.hpp"
#include "driver/statement_text.hpp"
#include "driver/value_count.hpp"

namespace asyncsql::postgresql {

void ResultDeleter::operator()(pg_result* r) const noexcept { PQclear(r); }

namespace {

using Clock = std::chrono::steady_clock;

std::string trimmed(const char* text) {
    std::string out = text ? text : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

// libpq's own messages run over several lines ("FATAL: ...\nserver closed
// the connection unexpectedly\n\tThis probably means ..."), but an Error's
// message is one line: a tab-indented line goes on the sentence before it,
// another line is a message of its own.
std::string one_line(const char* text) {
    const std::string lines = trimmed(text);
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i] != '\n') {
            out += lines[i];
        } else if (i + 1 < lines.size() && lines[i + 1] == '\t') {
            out += ' ';
            ++i;
        } else {
            out += "; ";
        }
    }
    return out;
}

bool binary_decodable(const std::vector<Oid>& types) {
    for (Oid type : types)
        if (!has_binary_decoder(type)) return false;
    return true;
}

}  // namespace

namespace {

class PgCursor final : public driver::Cursor {
public:
    PgCursor(PgConnection& connection, const PreparedStatement* statement, std::string sql)
        : connection_(connection), statement_(statement), sql_(std::move(sql)) {}
    ~PgCursor() override {
        if (!done_) connection_.mark_needs_drain();
        connection_.cursor_finished();
    }

    std::shared_ptr<const Columns> columns() const override { return columns_; }

    // Reads up to the first row so that the columns are known (and an
    // error in the statement surfaces here).
    asio::awaitable<void> start() {
        first_ = co_await connection_.next_result();
        if (!first_) {
            finish();
            columns_ = std::make_shared<const Columns>();
            co_return;
        }
        if (PQresultStatus(first_.get()) == PGRES_FATAL_ERROR) {
            finish();
            co_await connection_.raise(std::move(first_), sql_);
        }
        columns_ = connection_.columns_of(first_.get(), statement_);
    }

    asio::awaitable<std::shared_ptr<RowSet>> fetch(std::size_t max_rows) override {
        auto rows = std::make_shared<RowSet>();
        rows->columns = columns_;
        rows->values.reserve(max_rows * columns_->size());
        while (!done_ && rows->row_count() < max_rows) {
            PgResult result = std::move(first_);  // (no co_await inside ?: with g++ 12)
            if (!result) result = co_await connection_.next_result();
            if (!result) {
                finish();
                break;
            }
            if (PQresultStatus(result.get()) == PGRES_FATAL_ERROR) {
                // A failure mid-stream (an error in a later row, a cancel):
                // the rows already read stay read; the error ends the stream.
                finish();
                co_await connection_.raise(std::move(result), sql_);
            }
            if (PQresultStatus(result.get()) == PGRES_SINGLE_TUPLE)
                connection_.take_rows(result.get(), statement_, 0, rows);
            // PGRES_TUPLES_OK (zero rows) closes the row stream; NULL follows.
        }
        co_return rows;
    }

    asio::awaitable<void> close() override {
        if (!done_) {
            connection_.cancel();
            co_await connection_.discard_results();
            finish();
        }
    }

private:
    // The connection is free again (its results are read, or will be by raise()).
    void finish() noexcept {
        done_ = true;
        connection_.cursor_finished();
    }

    PgConnection& connection_;
    const PreparedStatement* statement_;
    std::string sql_;
    std::shared_ptr<const Columns> columns_;
    PgResult first_;
    bool done_ = false;
};

}  // namespace

namespace {

// Statement names unique to this connection, across processes too: behind a
// transaction-mode pooler, server sessions are shared, and a name another
// client also used could run that client's statement instead of ours.
std::string unique_statement_prefix() {
    static std::atomic<std::uint64_t> counter{0};
    static const std::uint64_t process_salt =
        std::random_device{}() ^ (static_cast<std::uint64_t>(::getpid()) << 32);
    char buf[48];
    std::snprintf(buf, sizeof buf, "asyncsql_%llx_%llx_", static_cast<unsigned long long>(process_salt),
                  static_cast<unsigned long long>(counter.fetch_add(1)));
    return buf;
}

}  // namespace

PgConnection::PgConnection(asio::any_io_executor executor, PgOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      statement_prefix_(unique_statement_prefix()),
      socket_(executor_) {}

PgConnection::~PgConnection() {
    *alive_ = false;
    socket_.close();
    if (conn_) PQfinish(conn_);
}

asio::awaitable<std::unique_ptr<PgConnection>> PgConnection::open(PgOptions options) {
    std::unique_ptr<PgConnection> connection(
        new PgConnection(co_await asio::this_coro::executor, std::move(options)));
    co_await connection->connect();
    co_return connection;
}

namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = text.find(',', start);
        out.push_back(text.substr(start, comma - start));
        if (comma == std::string::npos) return out;
        start = comma + 1;
    }
}

// A host libpq would look up with getaddrinfo (blocking): not empty, not a
// unix-socket directory, not an address already.
bool needs_lookup(const std::string& host) {
    if (host.empty() || host.front() == '/' || host.front() == '@') return false;
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return static_cast<bool>(ec);
}

}  // namespace

// Host names are looked up here, on Asio's resolver, and handed to libpq as
// `hostaddr`, so that libpq never calls the blocking getaddrinfo on the loop
// thread. A name with several addresses becomes one host entry per address
// (the name kept for TLS), so libpq still tries them in turn.
asio::awaitable<void> PgConnection::resolve_host_names(const std::shared_ptr<asio::ip::tcp::resolver>& resolver) {
    auto find = [&](std::string_view key) {
        return std::find_if(options_.libpq.begin(), options_.libpq.end(),
                            [&](const auto& kv) { return kv.first == key; });
    };
    const auto host = find("host");
    if (host == options_.libpq.end() || find("hostaddr") != options_.libpq.end()) co_return;
    const std::vector<std::string> hosts = split_list(host->second);
    if (std::none_of(hosts.begin(), hosts.end(), needs_lookup)) co_return;
    const auto port = find("port");
    const std::vector<std::string> ports = port == options_.libpq.end() ? std::vector<std::string>{}
                                                                        : split_list(port->second);
    std::vector<std::string> out_hosts, out_addresses, out_ports, unresolved;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        std::vector<std::string> addresses;
        const bool lookup = needs_lookup(hosts[i]);
        if (lookup) {
            boost::system::error_code ec;
            auto results =
                co_await resolver->async_resolve(hosts[i], "", asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;  // the deadline passed
            for (const auto& entry : results) {
                std::string address = entry.endpoint().address().to_string();
                if (std::find(addresses.begin(), addresses.end(), address) == addresses.end())
                    addresses.push_back(std::move(address));
            }
        }
        if (lookup && addresses.empty()) {
            // Left out: libpq would look it up again, blocking.
            unresolved.push_back(hosts[i]);
            continue;
        }
        if (!lookup) addresses.emplace_back();  // libpq needs no lookup for it
        for (auto& address : addresses) {
            out_hosts.push_back(hosts[i]);
            out_addresses.push_back(std::move(address));
            if (ports.size() > 1) out_ports.push_back(i < ports.size() ? ports[i] : ports.back());
        }
    }
    if (out_hosts.empty()) {
        std::string names;
        for (const auto& name : unresolved) names += (names.empty() ? "" : ", ") + name;
        throw OperationalError("postgresql: could not resolve host name(s): " + names, ErrorKind::connection_lost);
    }
    auto join = [](const std::vector<std::string>& parts) {
        std::string out;
        for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
        return out;
    };
    find("host")->second = join(out_hosts);
    if (!out_ports.empty()) find("port")->second = join(out_ports);
    options_.libpq.emplace_back("hostaddr", join(out_addresses));
}

asio::awaitable<void> PgConnection::connect() {
    // The deadline covers the lookup and every host libpq tries; its handler
    // may run after this frame is gone, so it shares only what it owns.
    struct Deadline {
        bool expired = false;
        PgConnection* connection;
        std::shared_ptr<asio::ip::tcp::resolver> resolver;
    };
    auto state = std::make_shared<Deadline>(Deadline{.expired = false, .connection = this,
                                                     .resolver = std::make_shared<asio::ip::tcp::resolver>(executor_)});
    asio::steady_timer deadline(executor_, options_.connect_timeout);
    deadline.async_wait([state](boost::system::error_code ec) {
        if (ec || !state->connection) return;
        state->expired = true;
        state->resolver->cancel();
        if (state->connection->socket_) state->connection->socket_->cancel();
    });
    struct DisarmOnExit {
        asio::steady_timer& timer;
        std::shared_ptr<Deadline> state;
        ~DisarmOnExit() {
            state->connection = nullptr;
            timer.cancel();
        }
    } disarm{deadline, state};
    auto timed_out = [&] {
        return TimeoutError(ErrorInfo{.message = "postgresql: could not connect within " +
                                                 std::to_string(options_.connect_timeout.count()) + " ms",
                                      .kind = ErrorKind::connection_lost});
    };

    co_await resolve_host_names(state->resolver);
    if (state->expired) throw timed_out();
    std::vector<const char*> keywords, values;
    for (const auto& [k, v] : options_.libpq) {
        keywords.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectStartParams(keywords.data(), values.data(), 0);
    if (!conn_) throw OperationalError("postgresql: out of memory starting a connection", ErrorKind::internal);
    if (PQstatus(conn_) == CONNECTION_BAD) throw_connection_error("could not start the connection");

    for (;;) {
        const PostgresPollingStatusType poll = PQconnectPoll(conn_);
        if (poll == PGRES_POLLING_OK) break;
        if (poll == PGRES_POLLING_FAILED) throw_connection_error("connection failed");
        socket_.follow(PQsocket(conn_));  // libpq may move to another socket per host
        if (!socket_) throw_connection_error("connection has no socket");
        boost::system::error_code ec;
        co_await socket_->async_wait(poll == PGRES_POLLING_READING ? asio::posix::stream_descriptor::wait_read
                                                                   : asio::posix::stream_descriptor::wait_write,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (state->expired) throw timed_out();
        if (ec == asio::error::operation_aborted)
            throw OperationalError("postgresql: connect was cancelled", ErrorKind::cancelled);
    }
    socket_.follow(PQsocket(conn_));
    if (PQsetnonblocking(conn_, 1) != 0) throw_connection_error("cannot switch to non-blocking mode");
    // libpq would print NOTICE and WARNING messages to stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

void PgConnection::throw_connection_error(std::string_view what, std::string_view sql) {
    // broken_: given up on by this driver (no answer after a cancel request),
    // although libpq still thinks the socket fine.
    const bool lost = broken_ || !conn_ || PQstatus(conn_) == CONNECTION_BAD;
    if (lost) broken_ = true;
    std::string message = "postgresql: " + std::string(what);
    const std::string detail = conn_ ? one_line(PQerrorMessage(conn_)) : std::string();
    if (!detail.empty()) message += ": " + detail;
    throw OperationalError(ErrorInfo{.message = std::move(message),
                                     .kind = lost ? ErrorKind::connection_lost : ErrorKind::other,
                                     .statement = std::string(sql)});
}

ErrorInfo PgConnection::error_of(pg_result* result, std::string_view sql) const {
    auto field = [&](int code) { return trimmed(PQresultErrorField(result, code)); };
    ErrorInfo info;
    info.sqlstate = field(PG_DIAG_SQLSTATE);
    const std::string primary = field(PG_DIAG_MESSAGE_PRIMARY);
    info.message = "postgresql: " + (primary.empty() ? one_line(PQresultErrorMessage(result)) : primary);
    info.detail = field(PG_DIAG_MESSAGE_DETAIL);
    info.hint = field(PG_DIAG_MESSAGE_HINT);
    info.statement = std::string(sql);
    info.kind = info.sqlstate.empty() ? ErrorKind::connection_lost : sqlstate_kind(info.sqlstate);
    return info;
}

// Waits for the socket; a cancelled wait asks the server to cancel the
// statement and keeps waiting, so that the connection is drained and clean
// before the caller sees the cancellation (as the server's 57014 error).
// After a cancel the server gets connect_timeout to answer; a server that
// does not is treated as lost.
asio::awaitable<void> PgConnection::wait(asio::posix::stream_descriptor::wait_type type) {
    std::optional<asio::steady_timer> deadline;
    // Shared with the handler, which may run after this wait: once done, it
    // must not touch the connection's next wait.
    auto done = std::make_shared<bool>(false);
    if (cancel_sent_) {
        deadline.emplace(executor_, options_.connect_timeout);
        deadline->async_wait([this, done](boost::system::error_code ec) {
            if (ec || *done) return;
            broken_ = true;
            if (socket_) socket_->cancel();
        });
    }
    boost::system::error_code ec;
    co_await socket_->async_wait(type, asio::redirect_error(asio::use_awaitable, ec));
    *done = true;
    if (deadline) deadline->cancel();
    if (broken_) throw_connection_error("no answer from the server after a cancel request");
    if (ec == asio::error::operation_aborted) {
        if (!cancel_sent_) {
            cancel_sent_ = true;
            send_cancel_request();
        }
        co_await asio::this_coro::reset_cancellation_state();
        co_return;
    }
    if (ec) throw_connection_error("socket wait failed: " + ec.message());
}

asio::awaitable<void> PgConnection::flush() {
    for (;;) {
        const int r = PQflush(conn_);
        if (r == 0) co_return;
        if (r < 0) throw_connection_error("could not send");
        co_await wait(asio::posix::stream_descriptor::wait_write);
        if (PQconsumeInput(conn_) == 0) throw_connection_error("connection lost while sending");
    }
}

// (A named result each time round: g++ 12 mishandles a co_await'ed
// temporary in a loop condition.)
asio::awaitable<void> PgConnection::discard_results() {
    for (;;) {
        PgResult result = co_await next_result();
        if (!result) co_return;
    }
}

asio::awaitable<PgResult> PgConnection::next_result() {
    while (PQisBusy(conn_)) {
        co_await wait(asio::posix::stream_descriptor::wait_read);
        if (PQconsumeInput(conn_) == 0) throw_connection_error("connection lost");
    }
    co_return PgResult(PQgetResult(conn_));
}

// The rest of a statement whose reader went away: cancelled, then read to
// its end.
asio::awaitable<void> PgConnection::drain() {
    needs_drain_ = false;
    cancel();
    co_await discard_results();
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) PQexitPipelineMode(conn_);
}

const PreparedStatement* PgConnection::cached(std::string_view sql) noexcept {
    auto it = statement_index_.find(sql);
    return it == statement_index_.end() ? nullptr : &*it->second;
}

void PgConnection::evict(std::string_view sql) noexcept {
    auto it = statement_index_.find(sql);
    if (it == statement_index_.end()) return;
    // The server side goes with DEALLOCATE when the connection next talks.
    pending_deallocate_.push_back(it->second->name);
    statements_.erase(it->second);
    statement_index_.erase(it);
}

// `first`: the values of the first execution, whose natural types are given
// to the server as the parameter types (as an unnamed statement sends them),
// so both paths type the same statement alike.
asio::awaitable<const PreparedStatement*> PgConnection::prepared(std::string_view sql,
                                                                 const std::vector<Value>& first) {
    if (options_.statement_cache_size == 0) co_return nullptr;
    if (auto it = statement_index_.find(sql); it != statement_index_.end()) {
        statements_.splice(statements_.begin(), statements_, it->second);
        co_return &*it->second;
    }
    PreparedStatement statement;
    statement.name = statement_prefix_ + std::to_string(next_statement_++);
    const std::string text(sql);
    // Types for the parameters the text uses, no more: a declared parameter
    // that the statement never reads would take an extra value silently.
    const std::size_t used = std::min(first.size(), highest_dollar_placeholder(sql, postgresql_syntax()));
    // Prepare and describe go out together, in one round trip.
    if (!PQenterPipelineMode(conn_)) throw_connection_error("could not enter pipeline mode", sql);
    std::vector<Oid> natural;
    std::string scratch;
    for (const Value& v : std::span(first).first(used)) {
        scratch.clear();
        // Integers leave their type to the server, which infers it from the
        // context (int4 for pg_terminate_backend($1), int8 for a bigint
        // column); a prepared type must also fit every later value.
        const bool inferred = v.is_null() || v.kind() == ValueKind::integer;
        natural.push_back(inferred ? oid::unspecified : encode_parameter(v, scratch).type);
    }
    if (!PQsendPrepare(conn_, statement.name.c_str(), text.c_str(), static_cast<int>(natural.size()),
                       natural.data()))
        throw_connection_error("could not send a prepare", sql);
    if (!PQsendDescribePrepared(conn_, statement.name.c_str()))
        throw_connection_error("could not send a describe", sql);
    if (!PQpipelineSync(conn_)) throw_connection_error("could not send", sql);
    co_await flush();
    std::optional<ErrorInfo> failure;
    // Two commands, each ending with a NULL result, then the Sync.
    for (int command = 0; command < 2; ++command) {
        for (;;) {
            PgResult result = co_await next_result();
            if (!result) break;
            const auto status = PQresultStatus(result.get());
            if (status == PGRES_FATAL_ERROR) {
                if (!failure) failure = error_of(result.get(), sql);
            } else if (command == 1 && status == PGRES_COMMAND_OK) {
                for (int i = 0; i < PQnparams(result.get()); ++i)
                    statement.parameter_types.push_back(PQparamtype(result.get(), i));
                std::vector<std::string> names;
                for (int i = 0; i < PQnfields(result.get()); ++i) {
                    statement.column_types.push_back(PQftype(result.get(), i));
                    names.emplace_back(PQfname(result.get(), i));
                }
                statement.columns = std::make_shared<const Columns>(std::move(names));
                statement.binary_results = binary_decodable(statement.column_types);
            }
        }
    }
    co_await end_pipeline(sql);
    if (failure) throw_sqlstate_error(std::move(*failure));
    statements_.push_front(std::move(statement));
    statement_index_.emplace(text, statements_.begin());
    if (statements_.size() > options_.statement_cache_size) {
        auto& oldest = statements_.back();
        pending_deallocate_.push_back(oldest.name);
        for (auto it = statement_index_.begin(); it != statement_index_.end(); ++it)
            if (it->second == std::prev(statements_.end())) {
                statement_index_.erase(it);
                break;
            }
        statements_.pop_back();
    }
    co_return &statements_.front();
}

void PgConnection::send_simple(const std::string& sql) {
    if (!PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0))
        throw_connection_error("could not send", sql);
}


void PgConnection::send_statement(std::string_view sql, const PreparedStatement* statement,
                                  const WireParameters& wire, bool single_row) {
    const int n = static_cast<int>(wire.encoded.size());
    const std::vector<const char*> values = wire.values();
    int sent;
    if (statement) {
        sent = PQsendQueryPrepared(conn_, statement->name.c_str(), n, values.data(), wire.lengths.data(),
                                   wire.formats.data(), statement->binary_results ? 1 : 0);
    } else {
        const std::string text(sql);
        sent = PQsendQueryParams(conn_, text.c_str(), n, wire.types.data(), values.data(), wire.lengths.data(),
                                 wire.formats.data(), 0);
    }
    if (!sent) throw_connection_error("could not send", sql);
    if (single_row && !PQsetSingleRowMode(conn_)) throw_connection_error("could not enter single-row mode", sql);
}

std::shared_ptr<const Columns> PgConnection::columns_of(pg_result* result, const PreparedStatement* statement) {
    const int fields = PQnfields(result);
    if (statement && statement->columns && static_cast<int>(statement->columns->size()) == fields)
        return statement->columns;
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(fields));
    for (int c = 0; c < fields; ++c) names.emplace_back(PQfname(result, c));
    return std::make_shared<const Columns>(std::move(names));
}

asio::awaitable<void> PgConnection::raise(PgResult failed, std::string_view sql) {
    ErrorInfo info = error_of(failed.get(), sql);
    failed.reset();
    co_await discard_results();
    throw_sqlstate_error(std::move(info));
}

std::shared_ptr<RowSet> PgConnection::take_rows(pg_result* result, const PreparedStatement* statement,
                                                std::size_t first_row, std::shared_ptr<RowSet> into) {
    if (!into) {
        into = std::make_shared<RowSet>();
        into->columns = columns_of(result, statement);
    }
    decode_rows(result, first_row, *into);
    return into;
}

void PgConnection::absorb_rows(pg_result* result, const PreparedStatement* statement,
                               driver::ExecuteOutcome& outcome, std::exception_ptr& decode_failure) {
    if (!decode_failure) {
        try {
            outcome.rows = take_rows(result, statement, 0, std::move(outcome.rows));
        } catch (const Error&) {
            decode_failure = std::current_exception();
        }
    }
    count_rows_changed(outcome, result);
}

// The Sync's own result closes a pipeline; then libpq leaves pipeline mode.
asio::awaitable<void> PgConnection::end_pipeline(std::string_view sql) {
    PgResult sync = co_await next_result();
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)
        throw_connection_error("pipeline out of step", sql);
    if (!PQexitPipelineMode(conn_)) throw_connection_error("could not leave pipeline mode", sql);
    cancel_settled();
}

asio::awaitable<driver::ExecuteOutcome> PgConnection::run_pipeline(const driver::ExecuteRequest& request,
                                                                   const PreparedStatement* statement) {
    if (request.sql.empty()) {  // only the prelude (and pending deallocations)
        co_await run_pipeline(request.prelude, {});
        co_return driver::ExecuteOutcome{};
    }
    const PipelineItem item{.sql = request.sql, .statement = statement, .sets = request.parameter_sets};
    auto outcomes = co_await run_pipeline(request.prelude, std::span(&item, 1));
    co_return std::move(outcomes.front());
}

// Sends the prelude, then every item once per parameter set, all with one
// Sync: one round trip. The first failure aborts the rest on the server; its
// error names the statement (or parameter set) that failed, and the
// pipeline is still read to its end so the connection stays in step.
asio::awaitable<std::vector<driver::ExecuteOutcome>> PgConnection::run_pipeline(
    std::span<const std::string> prelude, std::span<const PipelineItem> items) {
    static const std::vector<Value> no_parameters;
    struct Command {
        std::size_t item;  // SIZE_MAX for a prelude statement
        std::size_t set;
        std::string_view sql;
    };
    const std::string_view first_sql = items.empty() ? std::string_view() : items.front().sql;
    // Encoded before anything is sent: a value that cannot be sent fails
    // the call with the connection untouched.
    std::vector<WireParameters> wires;
    std::vector<Command> commands;
    for (const auto& sql : prelude) commands.push_back({SIZE_MAX, 0, sql});
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto sets = items[i].sets.empty() ? std::span<const std::vector<Value>>(&no_parameters, 1)
                                                : items[i].sets;
        for (std::size_t k = 0; k < sets.size(); ++k) {
            wires.push_back(wire_parameters(items[i].statement, sets[k], items[i].sql));
            commands.push_back({i, k, items[i].sql});
        }
    }
    if (!PQenterPipelineMode(conn_)) throw_connection_error("could not enter pipeline mode", first_sql);
    // Statements evicted from the cache are deallocated in a Sync group of
    // their own, whose errors (the server may have dropped them already)
    // cannot abort the work behind them.
    const auto deallocations = std::exchange(pending_deallocate_, {});
    for (const auto& name : deallocations) send_simple("DEALLOCATE " + name);
    if (!deallocations.empty() && !PQpipelineSync(conn_)) throw_connection_error("could not send", first_sql);
    for (const auto& sql : prelude) send_simple(sql);
    for (std::size_t c = prelude.size(), w = 0; c < commands.size(); ++c, ++w)
        send_statement(commands[c].sql, items[commands[c].item].statement, wires[w], false);
    if (!PQpipelineSync(conn_)) throw_connection_error("could not send", first_sql);
    co_await flush();
    if (!deallocations.empty()) {
        for (std::size_t i = 0; i < deallocations.size(); ++i) co_await discard_results();
        PgResult sync = co_await next_result();
        if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC)
            throw_connection_error("pipeline out of step", first_sql);
    }

    std::vector<driver::ExecuteOutcome> outcomes(items.size());
    std::optional<ErrorInfo> failure;
    std::exception_ptr decode_failure;
    for (const Command& command : commands) {
        const bool statement = command.item != SIZE_MAX;
        for (;;) {
            PgResult result = co_await next_result();
            if (!result) break;
            switch (PQresultStatus(result.get())) {
            case PGRES_TUPLES_OK:
                if (statement)
                    absorb_rows(result.get(), items[command.item].statement, outcomes[command.item], decode_failure);
                break;
            case PGRES_COMMAND_OK:
                if (statement) count_rows_changed(outcomes[command.item], result.get());
                break;
            case PGRES_FATAL_ERROR:
                if (!failure) {
                    failure = error_of(result.get(), command.sql);
                    const auto sets = items.empty() || !statement ? std::size_t{1}
                                                                  : std::max<std::size_t>(1, items[command.item].sets.size());
                    if (statement && items.size() > 1)
                        failure->message += " (statement " + std::to_string(command.item + 1) + " of " +
                                            std::to_string(items.size()) + "; none after it ran)";
                    else if (statement && sets > 1)
                        failure->message += " (parameter set " + std::to_string(command.set + 1) + " of " +
                                            std::to_string(sets) + "; none after it ran)";
                }
                break;
            default:  // PGRES_PIPELINE_ABORTED after a failure, PGRES_EMPTY_QUERY
                break;
            }
        }
    }
    co_await end_pipeline(first_sql);
    if (failure) throw_sqlstate_error(std::move(*failure));
    if (decode_failure) std::rethrow_exception(decode_failure);
    co_return outcomes;
}

asio::awaitable<std::vector<driver::ExecuteOutcome>> PgConnection::execute_batch(
    std::span<const std::string> prelude, std::span<const driver::BatchItem> batch) {
    if (broken_) throw_connection_error("the connection is closed");
    if (needs_drain_) co_await drain();
    co_await settle_cancel();
    cancel_settled();
    // Statements already prepared run as such; the others go unnamed, since
    // preparing them first would need the objects an earlier statement of
    // the batch may create (CREATE TABLE, then INSERT into it).
    for (const auto& entry : batch) driver::reject_nul_bytes(entry.sql);
    co_await pipeline_idle();
    std::vector<PipelineItem> items;
    items.reserve(batch.size());
    for (const auto& entry : batch)
        items.push_back({.sql = entry.sql, .statement = cached(entry.sql), .sets = entry.parameter_sets});
    co_return co_await run_pipeline(prelude, items);
}

asio::awaitable<driver::ExecuteOutcome> PgConnection::execute(const driver::ExecuteRequest& request) {
    driver::reject_nul_bytes(request.sql);
    co_await pipeline_idle();
    if (broken_) throw_connection_error("the connection is closed");
    if (needs_drain_) co_await drain();
    co_await settle_cancel();
    cancel_settled();
    // No transaction was open before this call: whatever the failure
    // aborted began in this very call (its own BEGIN), so nothing of the
    // caller's is lost by rolling it back and running the call again.
    const bool nothing_open_before = PQtransactionStatus(conn_) == PQTRANS_IDLE;
    static const std::vector<Value> no_parameters;
    const std::vector<Value>& first = request.parameter_sets.empty() ? no_parameters : request.parameter_sets.front();
    const PreparedStatement* statement = request.control ? nullptr : co_await prepared(request.sql, first);
    try {
        co_return co_await run_pipeline(request, statement);
    } catch (const DatabaseError& e) {
        // A cached plan the server no longer has (26000) or whose result
        // type changed (0A000): prepare again and retry, once.
        const bool stale = statement && (e.sqlstate() == "26000" || e.sqlstate() == "0A000");
        if (stale) evict(request.sql);  // prepared afresh next time in any case
        if (!stale || !nothing_open_before) throw;
    }
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
        static const std::vector<std::string> rollback{"ROLLBACK"};
        co_await run_prelude(rollback);
    }
    const PreparedStatement* fresh = co_await prepared(request.sql, first);
    co_return co_await run_pipeline(request, fresh);
}

asio::awaitable<std::unique_ptr<driver::Cursor>> PgConnection::open_cursor(const driver::ExecuteRequest& request) {
    if (request.parameter_sets.size() > 1)
        throw ArgumentError("a stream runs one statement with one set of parameters", ErrorKind::invalid_argument);
    driver::reject_nul_bytes(request.sql);
    co_await pipeline_idle();
    if (broken_) throw_connection_error("the connection is closed");
    if (needs_drain_) co_await drain();
    co_await settle_cancel();
    cancel_settled();
    co_await run_prelude(request.prelude);
    static const std::vector<Value> no_parameters;
    const std::vector<Value>& parameters =
        request.parameter_sets.empty() ? no_parameters : request.parameter_sets.front();
    const PreparedStatement* statement = co_await prepared(request.sql, parameters);
    const WireParameters wire = wire_parameters(statement, parameters, request.sql);
    send_statement(request.sql, statement, wire, true);
    co_await flush();
    auto cursor = std::make_unique<PgCursor>(*this, statement, std::string(request.sql));
    cursor_open_ = true;
    co_await cursor->start();
    co_return cursor;
}

asio::awaitable<void> PgConnection::run_prelude(std::span<const std::string> prelude) {
    if (prelude.empty() && pending_deallocate_.empty()) co_return;
    co_await run_pipeline(driver::ExecuteRequest{.prelude = prelude, .sql = {}, .parameter_sets = {}}, nullptr);
}

// Readies the connection for a COPY: drains what a dropped cursor left,
// runs the prelude, then sends `copy_sql` and expects `expected` back.
asio::awaitable<void> PgConnection::start_copy(std::span<const std::string> prelude, std::string_view copy_sql,
                                               int expected) {
    driver::reject_nul_bytes(copy_sql);
    co_await pipeline_idle();
    if (broken_) throw_connection_error("the connection is closed");
    if (needs_drain_) co_await drain();
    co_await settle_cancel();
    cancel_settled();
    co_await run_prelude(prelude);
    const std::string text(copy_sql);
    if (!PQsendQuery(conn_, text.c_str())) throw_connection_error("could not send", copy_sql);
    co_await flush();
    PgResult result = co_await next_result();
    if (!result) throw_connection_error("no answer to COPY", copy_sql);
    const auto status = PQresultStatus(result.get());
    if (status == expected) co_return;
    std::optional<ErrorInfo> failure;
    if (status == PGRES_FATAL_ERROR) failure = error_of(result.get(), copy_sql);
    result.reset();
    // The other direction was started: end it before reading the results away.
    if (status == PGRES_COPY_IN) {
        while (PQputCopyEnd(conn_, "not the COPY direction asked for") == 0)
            co_await wait(asio::posix::stream_descriptor::wait_write);
        co_await flush();
    } else if (status == PGRES_COPY_OUT) {
        for (;;) {
            char* data = nullptr;
            const int n = PQgetCopyData(conn_, &data, 1);
            if (n > 0) {
                PQfreemem(data);
                continue;
            }
            if (n != 0) break;
            co_await wait(asio::posix::stream_descriptor::wait_read);
            if (PQconsumeInput(conn_) == 0) throw_connection_error("connection lost during COPY", copy_sql);
        }
    }
    co_await discard_results();
    if (failure) throw_sqlstate_error(std::move(*failure));
    throw ProgrammingError(ErrorInfo{.message = std::string("postgresql: expected a COPY ") +
                                                (expected == PGRES_COPY_IN ? "FROM STDIN" : "TO STDOUT") +
                                                " statement",
                                     .kind = ErrorKind::invalid_argument,
                                     .statement = std::string(copy_sql)});
}

// The results after COPY data: "COPY n", or the server's error.
asio::awaitable<std::int64_t> PgConnection::finish_copy(std::string_view copy_sql) {
    std::int64_t rows = 0;
    std::optional<ErrorInfo> failure;
    for (;;) {
        PgResult result = co_await next_result();
        if (!result) break;
        if (PQresultStatus(result.get()) == PGRES_FATAL_ERROR && !failure) failure = error_of(result.get(), copy_sql);
        if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) rows = std::atoll(PQcmdTuples(result.get()));
    }
    cancel_settled();
    if (failure) throw_sqlstate_error(std::move(*failure));
    co_return rows;
}

namespace {

// COPY's text format: tab-separated, \N for NULL, backslash escapes.
void append_copy_row(std::string& out, const std::vector<Value>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) out += '\t';
        if (row[i].is_null()) {
            out += "\\N";
            continue;
        }
        for (char c : encode_text(row[i])) {
            switch (c) {
            case '\\': out += "\\\\"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\0':
                throw DataError("COPY: PostgreSQL text cannot contain NUL bytes; send binary data as Bytes (bytea)",
                                ErrorKind::data_exception);
            default: out += c;
            }
        }
    }
    out += '\n';
}

}  // namespace

asio::awaitable<std::int64_t> PgConnection::copy_in(std::span<const std::string> prelude, std::string_view copy_sql,
                                                    std::span<const std::vector<Value>> rows) {
    co_await start_copy(prelude, copy_sql, PGRES_COPY_IN);
    constexpr std::size_t chunk = 64 * 1024;
    std::string buffer;
    std::optional<std::string> abort_reason;
    auto put = [&](const char* data, std::size_t size) -> asio::awaitable<void> {
        for (;;) {
            const int r = PQputCopyData(conn_, data, static_cast<int>(size));
            if (r == 1) co_return;
            if (r < 0) throw_connection_error("COPY data could not be sent", copy_sql);
            co_await wait(asio::posix::stream_descriptor::wait_write);
            if (PQconsumeInput(conn_) == 0) throw_connection_error("connection lost during COPY", copy_sql);
        }
    };
    try {
        for (const auto& row : rows) {
            append_copy_row(buffer, row);
            if (buffer.size() >= chunk) {
                co_await put(buffer.data(), buffer.size());
                buffer.clear();
            }
        }
        if (!buffer.empty()) co_await put(buffer.data(), buffer.size());
    } catch (const DataError& e) {
        abort_reason = e.what();
    }
    // A value that cannot be written ends the COPY with the server rolling it back.
    while (PQputCopyEnd(conn_, abort_reason ? abort_reason->c_str() : nullptr) == 0)
        co_await wait(asio::posix::stream_descriptor::wait_write);
    co_await flush();
    try {
        co_return co_await finish_copy(copy_sql);
    } catch (const DatabaseError& e) {
        if (!abort_reason) throw;
    }
    throw DataError(ErrorInfo{.message = *abort_reason, .kind = ErrorKind::data_exception,
                              .statement = std::string(copy_sql)});
}

asio::awaitable<std::int64_t> PgConnection::copy_out(std::span<const std::string> prelude, std::string_view copy_sql,
                                                     const std::function<void(std::string_view)>& sink) {
    co_await start_copy(prelude, copy_sql, PGRES_COPY_OUT);
    std::exception_ptr sink_failure;
    for (;;) {
        char* data = nullptr;
        const int n = PQgetCopyData(conn_, &data, 1);
        if (n > 0) {
            std::unique_ptr<char, void (*)(void*)> owned(data, PQfreemem);
            if (!sink_failure) {
                try {
                    sink(std::string_view(data, static_cast<std::size_t>(n)));
                } catch (...) {
                    // Stop the server and read the rest away; rethrown below.
                    sink_failure = std::current_exception();
                    cancel();
                }
            }
            continue;
        }
        if (n == -1) break;
        if (n == -2) throw_connection_error("COPY data could not be read", copy_sql);
        co_await wait(asio::posix::stream_descriptor::wait_read);
        if (PQconsumeInput(conn_) == 0) throw_connection_error("connection lost during COPY", copy_sql);
    }
    std::int64_t rows = 0;
    try {
        rows = co_await finish_copy(copy_sql);
    } catch (const DatabaseError&) {
        if (!sink_failure) throw;
    }
    if (sink_failure) std::rethrow_exception(sink_failure);
    co_return rows;
}

asio::awaitable<void> PgConnection::ping() {
    static const std::string probe = "SELECT 1";
    co_await execute(driver::ExecuteRequest{.prelude = {}, .sql = probe, .parameter_sets = {}});
}

asio::awaitable<void> PgConnection::close() noexcept {
    broken_ = true;
    socket_.close();
    if (conn_) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    co_return;
}

// The engine's statement timeout and a cursor's close() cancel this way. As
// after an Asio cancellation, the server then has connect_timeout to answer:
// the wait under way is woken to take that deadline (on the executor, where
// the waits run), unless the operation it was meant for is over by then.
void PgConnection::cancel() noexcept {
    if (!conn_) return;
    send_cancel_request();
    asio::post(executor_, [this, alive = alive_, operation = operation_] {
        if (!*alive || operation != operation_ || cancel_sent_) return;
        cancel_sent_ = true;
        if (socket_) socket_->cancel();
    });
}

void PgConnection::cancel_settled() noexcept {
    cancel_sent_ = false;
    ++operation_;
}

// PQcancel connects to the server and waits for it: a helper thread does it
// (see CancelRequest; the server forgets a cancel that arrives while idle).
void PgConnection::send_cancel_request() noexcept {
    if (!conn_) return;
    PGcancel* handle = PQgetCancel(conn_);
    if (!handle) return;
    std::shared_ptr<PGcancel> owned(handle, PQfreeCancel);
    cancel_request_.send([owned] {
        char error[256];
        PQcancel(owned.get(), error, sizeof error);
    });
}

asio::awaitable<void> PgConnection::settle_cancel() {
    // (Into a variable first: g++ 12 miscompiles a co_await inside `if (!...)`.)
    const bool delivered = co_await cancel_request_.settled(executor_, options_.connect_timeout);
    if (!delivered) {
        broken_ = true;
        throw_connection_error("the server did not take a cancel request in time");
    }
}

asio::awaitable<ServerNotification> PgConnection::next_notification() {
    if (broken_) throw_connection_error("the connection is closed");
    for (;;) {
        if (PGnotify* raw = PQnotifies(conn_)) {
            std::unique_ptr<PGnotify, void (*)(void*)> notify(raw, PQfreemem);
            co_return ServerNotification{.channel = raw->relname, .payload = raw->extra, .sender_pid = raw->be_pid};
        }
        boost::system::error_code ec;
        co_await socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted)
            throw OperationalError("postgresql: waiting for a notification was cancelled", ErrorKind::cancelled);
        if (ec) throw_connection_error("socket wait failed: " + ec.message());
        if (PQconsumeInput(conn_) == 0) throw_connection_error("connection lost");
    }
}

std::int64_t PgConnection::backend_pid() const noexcept { return conn_ ? PQbackendPID(conn_) : 0; }

driver::TransactionState PgConnection::transaction_state() const noexcept {
    if (!conn_ || needs_drain_ || cursor_open_) return driver::TransactionState::unknown;
    // Only statements outside transactions are pipelined (libpq says
    // "active" while any is under way).
    if (pumping_) return driver::TransactionState::idle;
    switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE: return driver::TransactionState::idle;
    case PQTRANS_INTRANS: return driver::TransactionState::active;
    case PQTRANS_INERROR: return driver::TransactionState::failed;
    default: return driver::TransactionState::unknown;
    }
}

bool PgConnection::usable() const noexcept { return conn_ && !broken_ && PQstatus(conn_) == CONNECTION_OK; }

}  // namespace asyncsql::postgresql
