#pragma once
// One MySQL/MariaDB connection over MariaDB Connector/C's non-blocking API:
// every *_start/*_cont pair is driven by Asio waits on the connection's
// socket; nothing blocks the loop (KILL QUERY runs on a helper thread).

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "asyncsql/error.hpp"
#include "backends/mysql/driver/mysql_options.hpp"
#include "driver/cancel_request.hpp"
#include "driver/driver_connection.hpp"
#include "driver/library_socket.hpp"

struct st_mysql;
struct st_mysql_stmt;

namespace asyncsql::mysql {

namespace asio = boost::asio;

struct PreparedStatement;
class ResultReader;

class MysqlConnection final : public driver::Connection {
public:
    static asio::awaitable<std::unique_ptr<MysqlConnection>> open(MysqlOptions options);
    ~MysqlConnection() override;

    asio::awaitable<driver::ExecuteOutcome> execute(const driver::ExecuteRequest& request) override;
    asio::awaitable<std::unique_ptr<driver::Cursor>> open_cursor(
        const driver::ExecuteRequest& request) override;
    asio::awaitable<void> ping() override;
    asio::awaitable<void> close() noexcept override;
    void cancel() noexcept override;
    driver::TransactionState transaction_state() const noexcept override;
    bool usable() const noexcept override;

    // Runs one Connector/C operation: `start()` and then `cont(ready)` until
    // it reports 0, waiting on the socket for what each step asks.
    template <class Start, class Cont>
    asio::awaitable<void> drive(Start start, Cont cont);

    st_mysql* handle() const noexcept { return mysql_; }
    [[noreturn]] void throw_error(std::string_view sql);
    [[noreturn]] void throw_statement_error(st_mysql_stmt* stmt, std::string_view sql);
    void cursor_finished() noexcept { cursor_open_ = false; }
    // A stream was dropped before its end: its rows are discarded before the
    // connection's next command.
    void mark_needs_drain(PreparedStatement* statement) noexcept { needs_drain_ = statement; }

private:
    MysqlConnection(asio::any_io_executor executor, MysqlOptions options);
    asio::awaitable<void> connect();
    asio::awaitable<void> wait(int status);
    asio::awaitable<driver::ExecuteOutcome> run_text(const std::string& sql);
    asio::awaitable<void> run_prelude(std::span<const std::string> prelude);
    asio::awaitable<PreparedStatement*> prepared(std::string_view sql);
    asio::awaitable<void> execute_bound(PreparedStatement& statement, const std::vector<Value>& parameters);
    asio::awaitable<bool> execute_bulk(PreparedStatement& statement, std::span<const std::vector<Value>> sets,
                                       std::int64_t& affected);
    bool bulk_supported() const noexcept;
    asio::awaitable<bool> execute_multirow(PreparedStatement& statement, std::span<const std::vector<Value>> sets,
                                           std::int64_t& affected);
    static std::optional<std::pair<std::string_view, std::string_view>> values_group(std::string_view sql);
    asio::awaitable<void> close_statement(st_mysql_stmt* stmt);
    asio::awaitable<void> settle_kill();
    asio::awaitable<void> ready_for_command();

    asio::any_io_executor executor_;
    MysqlOptions options_;
    st_mysql* mysql_ = nullptr;
    driver::LibrarySocket socket_;
    unsigned long thread_id_ = 0;
    std::string connected_host_;

    std::list<std::unique_ptr<PreparedStatement>> statements_;  // most recently used first
    std::unordered_map<std::string, std::list<std::unique_ptr<PreparedStatement>>::iterator> statement_index_;

    int ready_ = 0;  // what the last wait saw, for the *_cont call
    PreparedStatement* needs_drain_ = nullptr;
    bool broken_ = false;
    bool cursor_open_ = false;
    bool kill_sent_ = false;
    // Counts commands, so that a wake-up cancel() posted for one cannot
    // bound the wait of the next; `alive_` tells it the connection is gone.
    std::uint64_t operation_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    driver::CancelRequest kill_request_;
};

}  // namespace asyncsql::mysql
