#pragma once
// One PostgreSQL connection over libpq in non-blocking mode. Every wait on
// the socket is an Asio wait on the engine's executor; no libpq call here
// blocks (PQcancel runs on a short-lived helper thread).

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "asyncsql/error.hpp"
#include "backends/postgresql/driver/pg_options.hpp"
#include "backends/postgresql/driver/pg_types.hpp"
#include "driver/cancel_request.hpp"
#include "driver/driver_connection.hpp"
#include "driver/library_socket.hpp"

struct pg_conn;
struct pg_result;

namespace asyncsql::postgresql {

namespace asio = boost::asio;

struct ResultDeleter {
    void operator()(pg_result* r) const noexcept;
};
using PgResult = std::unique_ptr<pg_result, ResultDeleter>;

struct WireParameters;
struct PreparedStatement;
struct PipelinedRequest;

// One statement of a pipeline with its parameter sets.
struct PipelineItem {
    std::string_view sql;
    const PreparedStatement* statement;  // null: unnamed
    std::span<const std::vector<Value>> sets;
};

// A server-side prepared statement, described once: its parameter types
// decide how values are sent, its column types how rows are read.
struct PreparedStatement {
    std::string name;
    std::vector<Oid> parameter_types;
    std::vector<Oid> column_types;
    std::shared_ptr<const Columns> columns;
    bool binary_results = false;
};

struct ServerNotification {
    std::string channel;
    std::string payload;
    std::int64_t sender_pid = 0;
};

class PgConnection final : public driver::Connection {
public:
    static asio::awaitable<std::unique_ptr<PgConnection>> open(PgOptions options);
    ~PgConnection() override;

    asio::awaitable<driver::ExecuteOutcome> execute(const driver::ExecuteRequest& request) override;
    // See pg_pipeline.cpp.
    asio::awaitable<driver::ExecuteOutcome> execute_pipelined(const driver::ExecuteRequest& request,
                                                              std::function<void()>& interrupt) override;
    asio::awaitable<std::unique_ptr<driver::Cursor>> open_cursor(
        const driver::ExecuteRequest& request) override;
    asio::awaitable<std::vector<driver::ExecuteOutcome>> execute_batch(
        std::span<const std::string> prelude, std::span<const driver::BatchItem> batch) override;
    asio::awaitable<std::int64_t> copy_in(std::span<const std::string> prelude, std::string_view copy_sql,
                                          std::span<const std::vector<Value>> rows) override;
    asio::awaitable<std::int64_t> copy_out(std::span<const std::string> prelude, std::string_view copy_sql,
                                           const std::function<void(std::string_view)>& sink) override;
    asio::awaitable<void> ping() override;
    asio::awaitable<void> close() noexcept override;
    void cancel() noexcept override;
    driver::TransactionState transaction_state() const noexcept override;
    bool usable() const noexcept override;

    // Waits for a LISTEN notification. The connection is idle meanwhile, so
    // a cancelled wait ends at once (no server-side cancel is needed).
    asio::awaitable<ServerNotification> next_notification();
    std::int64_t backend_pid() const noexcept;

    // For cursors: the next result of the running query (null at its end).
    asio::awaitable<PgResult> next_result();
    // Reads and drops the results of the running command up to its end.
    asio::awaitable<void> discard_results();
    // A cursor was dropped mid-result: the rest is drained before the next call.
    void mark_needs_drain() noexcept { needs_drain_ = true; }
    void cursor_finished() noexcept { cursor_open_ = false; }
    std::shared_ptr<const Columns> columns_of(pg_result* result, const PreparedStatement* statement);
    // Throws the server's error in `failed` after reading the command's
    // remaining results.
    asio::awaitable<void> raise(PgResult failed, std::string_view sql);
    std::shared_ptr<RowSet> take_rows(pg_result* result, const PreparedStatement* statement,
                                      std::size_t first_row, std::shared_ptr<RowSet> into);
    // take_rows() into `outcome`, and the rows the result changed. A value
    // that cannot be decoded goes into `decode_failure` (later rows are
    // skipped) so that the caller still reads its results to their end.
    void absorb_rows(pg_result* result, const PreparedStatement* statement, driver::ExecuteOutcome& outcome,
                     std::exception_ptr& decode_failure);

private:
    PgConnection(asio::any_io_executor executor, PgOptions options);

    asio::awaitable<void> connect();
    asio::awaitable<void> resolve_host_names(const std::shared_ptr<asio::ip::tcp::resolver>& resolver);
    asio::awaitable<void> wait(asio::posix::stream_descriptor::wait_type type);
    asio::awaitable<void> flush();
    asio::awaitable<void> drain();
    asio::awaitable<void> settle_cancel();
    void send_cancel_request() noexcept;
    // The cancel request, if any, is dealt with: the next one starts afresh.
    void cancel_settled() noexcept;
    asio::awaitable<void> end_pipeline(std::string_view sql);
    asio::awaitable<void> run_prelude(std::span<const std::string> prelude);
    asio::awaitable<void> start_copy(std::span<const std::string> prelude, std::string_view copy_sql, int expected);
    asio::awaitable<std::int64_t> finish_copy(std::string_view copy_sql);

    // The prepared statement for `sql`, preparing and describing it on a
    // miss; null when the statement cache is off.
    asio::awaitable<const PreparedStatement*> prepared(std::string_view sql, const std::vector<Value>& first);
    void evict(std::string_view sql) noexcept;
    const PreparedStatement* cached(std::string_view sql) noexcept;

    asio::awaitable<driver::ExecuteOutcome> run_pipeline(const driver::ExecuteRequest& request,
                                                         const PreparedStatement* statement);
    asio::awaitable<std::vector<driver::ExecuteOutcome>> run_pipeline(std::span<const std::string> prelude,
                                                                      std::span<const PipelineItem> items);
    void send_statement(std::string_view sql, const PreparedStatement* statement,
                        const WireParameters& wire, bool single_row);
    void send_simple(const std::string& sql);

    // The shared pipeline (pg_pipeline.cpp).
    asio::awaitable<driver::ExecuteOutcome> execute_alone(const driver::ExecuteRequest& request,
                                                          std::function<void()>& interrupt);
    asio::awaitable<void> pump();
    asio::awaitable<void> pipeline_idle();
    void start_pump();
    void send_pipelined(const std::shared_ptr<PipelinedRequest>& request);
    void seal_group();
    void seal_group_soon();
    asio::awaitable<void> read_group();
    asio::awaitable<void> read_results(PipelinedRequest& request);
    void settle_group(std::size_t size);
    bool resend_after(PipelinedRequest& request);
    void send_cancel_for(PipelinedRequest& request) noexcept;
    void interrupt_pipelined(const std::shared_ptr<PipelinedRequest>& request) noexcept;
    void complete(PipelinedRequest& request) noexcept;
    void fail_pipeline(const std::exception_ptr& failure) noexcept;

    [[noreturn]] void throw_connection_error(std::string_view what, std::string_view sql = {});
    ErrorInfo error_of(pg_result* result, std::string_view sql) const;

    asio::any_io_executor executor_;
    PgOptions options_;
    std::string statement_prefix_;
    pg_conn* conn_ = nullptr;
    driver::LibrarySocket socket_;

    // Prepared statements by SQL text, most recently used first.
    std::list<PreparedStatement> statements_;
    // (Looked up by string_view: no copy of the SQL text per statement.)
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, std::list<PreparedStatement>::iterator, TextHash, std::equal_to<>>
        statement_index_;
    std::uint64_t next_statement_ = 1;
    std::vector<std::string> pending_deallocate_;  // evicted, sent with the next pipeline

    // Pipelined requests: waiting for a statement run alone to end, and
    // sent (oldest first, the order their results come back in).
    std::deque<std::shared_ptr<PipelinedRequest>> unsent_;
    std::deque<std::shared_ptr<PipelinedRequest>> in_flight_;
    bool pumping_ = false;       // pump() is reading them
    bool running_alone_ = false;  // execute_alone() is under way
    // Sent since the last Sync; seal_group() ends the group with one, and
    // seal_group_soon() has one pending on the executor.
    std::size_t unsealed_ = 0;
    bool seal_posted_ = false;
    // Cancel requests sent for pipelined statements that did not end with
    // the cancellation: each may yet interrupt one later statement.
    std::size_t stray_cancels_ = 0;
    std::vector<std::string> stale_statements_;  // evicted once the pipeline is idle
    std::optional<asio::steady_timer> idle_signal_;  // woken when the pump stops

    bool broken_ = false;
    bool needs_drain_ = false;
    bool cursor_open_ = false;
    bool cancel_sent_ = false;
    std::uint64_t operation_ = 0;  // counts cancel_settled(), so a late cancel() knows its operation is over
    driver::CancelRequest cancel_request_;
    // False once destroyed: for what cancel() posts.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace asyncsql::postgresql
