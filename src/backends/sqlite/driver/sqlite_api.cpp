#include "backends/sqlite/driver/sqlite_api.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <limits>

#include "asyncsql/error.hpp"
#include "asyncsql/types/datetime.hpp"
#include "driver/statement_text.hpp"
#include "driver/value_count.hpp"

namespace asyncsql::sqlite::api {

void DatabaseCloser::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
void StatementFinalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

namespace {

ErrorKind kind_of(int extended, std::string_view message) {
    switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID: return ErrorKind::unique_violation;
    case SQLITE_CONSTRAINT_FOREIGNKEY: return ErrorKind::foreign_key_violation;
    case SQLITE_CONSTRAINT_NOTNULL: return ErrorKind::not_null_violation;
    case SQLITE_CONSTRAINT_CHECK: return ErrorKind::check_violation;
    default: break;
    }
    switch (extended & 0xff) {
    case SQLITE_CONSTRAINT: return ErrorKind::check_violation;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorKind::lock_timeout;
    case SQLITE_INTERRUPT: return ErrorKind::cancelled;
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE: return ErrorKind::data_exception;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_IOERR: return ErrorKind::connection_lost;
    case SQLITE_MISUSE:
    case SQLITE_INTERNAL: return ErrorKind::internal;
    case SQLITE_ERROR:
        // SQLite has no distinct code for these two; its messages are stable.
        if (message.starts_with("no such ")) return ErrorKind::undefined_object;
        if (message.find("syntax error") != std::string_view::npos ||
            message.starts_with("incomplete input") || message.starts_with("unrecognized token"))
            return ErrorKind::syntax_error;
        return ErrorKind::other;
    default: return ErrorKind::other;
    }
}

}  // namespace

bool is_fatal(int rc) noexcept {
    switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_IOERR:
    case SQLITE_MISUSE: return true;
    default: return false;
    }
}

void throw_error(sqlite3* db, int rc, std::string_view sql) {
    int extended = db ? sqlite3_extended_errcode(db) : rc;
    if ((extended & 0xff) != (rc & 0xff)) extended = rc;
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    ErrorInfo info{.message = "sqlite: " + message,
                   .kind = kind_of(extended, message),
                   .native_code = extended,
                   .statement = std::string(sql),
                   .detail = sqlite3_errstr(extended)};
    switch (info.kind) {
    case ErrorKind::other:
        if ((extended & 0xff) == SQLITE_ERROR) throw ProgrammingError(std::move(info));
        throw OperationalError(std::move(info));
    case ErrorKind::connection_lost:
    case ErrorKind::lock_timeout: throw OperationalError(std::move(info));
    default: throw_database_error(std::move(info));
    }
}

Database open(const std::string& path) {
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                      SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Database db(raw);
    if (rc != SQLITE_OK) {
        ErrorInfo info{.message = "sqlite: cannot open database '" + path + "': " +
                                  (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                       .kind = ErrorKind::connection_lost,
                       .native_code = rc};
        throw OperationalError(std::move(info));
    }
    sqlite3_extended_result_codes(raw, 1);
    return db;
}

void exec(sqlite3* db, const std::string& sql) {
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw_error(db, rc, sql);
}

void set_busy_timeout(sqlite3* db, int milliseconds) { sqlite3_busy_timeout(db, milliseconds); }

void set_busy_handler(sqlite3* db, int (*handler)(void*, int) noexcept, void* context) {
    sqlite3_busy_handler(db, handler, context);
}

void set_progress_handler(sqlite3* db, int (*handler)(void*) noexcept, void* context) {
    constexpr int instructions = 4000;
    sqlite3_progress_handler(db, instructions, handler, context);
}

Statement prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw DataError("statement text is too long for SQLite");
    driver::reject_nul_bytes(sql);
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    Statement stmt(raw);
    if (rc != SQLITE_OK) throw_error(db, rc, sql);
    if (!stmt) throw ProgrammingError(ErrorInfo{.message = "the statement is empty",
                                                .kind = ErrorKind::syntax_error,
                                                .statement = std::string(sql)});
    auto rest = std::string_view(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
    if (std::any_of(rest.begin(), rest.end(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)) && c != ';'; }))
        throw ProgrammingError(ErrorInfo{
            .message = "only one statement can be executed at a time; split the text at its ';'",
            .kind = ErrorKind::syntax_error,
            .statement = std::string(sql)});
    return stmt;
}

std::shared_ptr<const Columns> column_names(sqlite3_stmt* stmt) {
    int n = sqlite3_column_count(stmt);
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const char* name = sqlite3_column_name(stmt, i);
        names.emplace_back(name ? name : "");
    }
    return std::make_shared<const Columns>(std::move(names));
}

namespace {

ColumnHint hint_of(const char* declared) {
    if (!declared) return ColumnHint::none;
    std::string type(declared);
    for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto has = [&](std::string_view word) { return type.find(word) != std::string::npos; };
    if (has("BOOL")) return ColumnHint::boolean;
    if (has("DATETIME") || has("TIMESTAMP")) return ColumnHint::timestamp;
    if (has("DATE")) return ColumnHint::date;
    if (has("TIME")) return ColumnHint::time;
    if (has("DECIMAL") || has("NUMERIC")) return ColumnHint::decimal;
    if (has("UUID")) return ColumnHint::uuid;
    if (has("JSON")) return ColumnHint::json;
    return ColumnHint::none;
}

std::string_view text_of(sqlite3_stmt* stmt, int i) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
    return {p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))};
}

std::string real_to_text(double d) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
}

// A value under a hint, or nullopt when the stored value does not fit it (the
// caller then returns the stored value unchanged, and the codec decides).
Value hinted(sqlite3_stmt* stmt, int i, int storage, ColumnHint hint) {
    try {
        switch (hint) {
        case ColumnHint::boolean:
            if (storage == SQLITE_INTEGER) return Value(sqlite3_column_int64(stmt, i) != 0);
            break;
        case ColumnHint::date:
            if (storage == SQLITE_TEXT) return Value(parse_date(text_of(stmt, i)));
            break;
        case ColumnHint::time:
            if (storage == SQLITE_TEXT) return Value(parse_time(text_of(stmt, i)));
            break;
        case ColumnHint::timestamp:
            if (storage == SQLITE_TEXT) return Value(parse_timestamp(text_of(stmt, i)));
            break;
        case ColumnHint::decimal:
            if (storage == SQLITE_TEXT) return Value(Decimal::parse(text_of(stmt, i)));
            if (storage == SQLITE_INTEGER)
                return Value(Decimal{std::to_string(sqlite3_column_int64(stmt, i))});
            if (storage == SQLITE_FLOAT) return Value(Decimal{real_to_text(sqlite3_column_double(stmt, i))});
            break;
        case ColumnHint::uuid:
            if (storage == SQLITE_TEXT) return Value(Uuid::parse(text_of(stmt, i)));
            if (storage == SQLITE_BLOB && sqlite3_column_bytes(stmt, i) == 16) {
                Uuid u;
                std::memcpy(u.bytes.data(), sqlite3_column_blob(stmt, i), 16);
                return Value(u);
            }
            break;
        case ColumnHint::json:
            if (storage == SQLITE_TEXT) return Value(Json{std::string(text_of(stmt, i))});
            break;
        case ColumnHint::none: break;
        }
    } catch (const DataError&) {
        // Stored text that does not parse under the declared type stays text.
    }
    return Value();
}

}  // namespace

std::vector<ColumnHint> column_hints(sqlite3_stmt* stmt) {
    int n = sqlite3_column_count(stmt);
    std::vector<ColumnHint> hints(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) hints[static_cast<std::size_t>(i)] = hint_of(sqlite3_column_decltype(stmt, i));
    return hints;
}

void bind(sqlite3_stmt* stmt, std::span<const Value> values, std::string_view sql) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    driver::check_value_count("", static_cast<std::size_t>(expected), values.size(), sql);
    for (int i = 1; i <= expected; ++i) {
        const Value& v = values[static_cast<std::size_t>(i - 1)];
        int rc = SQLITE_OK;
        auto bind_text = [&](const std::string& text) {
            return sqlite3_bind_text64(stmt, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        };
        switch (v.kind()) {
        case ValueKind::null: rc = sqlite3_bind_null(stmt, i); break;
        case ValueKind::boolean: rc = sqlite3_bind_int(stmt, i, *v.get_if<bool>() ? 1 : 0); break;
        case ValueKind::integer: rc = sqlite3_bind_int64(stmt, i, *v.get_if<std::int64_t>()); break;
        case ValueKind::real: rc = sqlite3_bind_double(stmt, i, *v.get_if<double>()); break;
        case ValueKind::text: {
            const std::string& s = *v.get_if<std::string>();
            // The values outlive every step of this statement, so no copy.
            rc = sqlite3_bind_text64(stmt, i, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
        case ValueKind::bytes: {
            const Bytes& b = *v.get_if<Bytes>();
            rc = sqlite3_bind_blob64(stmt, i, b.data(), b.size(), SQLITE_STATIC);
            break;
        }
        case ValueKind::decimal: rc = bind_text(v.get_if<Decimal>()->text); break;
        case ValueKind::date: rc = bind_text(format_date(*v.get_if<Date>())); break;
        case ValueKind::time: rc = bind_text(format_time(*v.get_if<Time>())); break;
        case ValueKind::timestamp: rc = bind_text(format_timestamp(*v.get_if<Timestamp>())); break;
        case ValueKind::uuid: rc = bind_text(v.get_if<Uuid>()->to_string()); break;
        case ValueKind::json: rc = bind_text(v.get_if<Json>()->text); break;
        case ValueKind::interval:
        case ValueKind::array:
            throw DataError(ErrorInfo{.message = "parameter " + std::to_string(i) + ": SQLite has no " +
                                                 std::string(to_string(v.kind())) +
                                                 " type; bind it as text or JSON",
                                      .kind = ErrorKind::data_exception,
                                      .statement = std::string(sql)});
        }
        if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(stmt), rc, sql);
    }
}

StepResult step(sqlite3* db, sqlite3_stmt* stmt, std::string_view sql) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return StepResult::row;
    if (rc == SQLITE_DONE) return StepResult::done;
    sqlite3_reset(stmt);
    throw_error(db, rc, sql);
}

void reset(sqlite3_stmt* stmt) noexcept { sqlite3_reset(stmt); }

void read_row(sqlite3_stmt* stmt, std::span<const ColumnHint> hints, std::vector<Value>& out) {
    const int n = static_cast<int>(hints.size());
    for (int i = 0; i < n; ++i) {
        const int storage = sqlite3_column_type(stmt, i);
        if (hints[static_cast<std::size_t>(i)] != ColumnHint::none && storage != SQLITE_NULL) {
            Value v = hinted(stmt, i, storage, hints[static_cast<std::size_t>(i)]);
            if (!v.is_null()) {
                out.push_back(std::move(v));
                continue;
            }
        }
        switch (storage) {
        case SQLITE_INTEGER: out.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i))); break;
        case SQLITE_FLOAT: out.emplace_back(sqlite3_column_double(stmt, i)); break;
        case SQLITE_TEXT: out.emplace_back(std::string(text_of(stmt, i))); break;
        case SQLITE_BLOB: {
            auto* p = static_cast<const std::byte*>(sqlite3_column_blob(stmt, i));
            out.emplace_back(Bytes(p, p + sqlite3_column_bytes(stmt, i)));
            break;
        }
        default: out.emplace_back(); break;
        }
    }
}

std::int64_t changes(sqlite3* db) noexcept { return sqlite3_changes64(db); }
std::int64_t total_changes(sqlite3* db) noexcept { return sqlite3_total_changes64(db); }
std::int64_t last_insert_rowid(sqlite3* db) noexcept { return sqlite3_last_insert_rowid(db); }
bool in_transaction(sqlite3* db) noexcept { return sqlite3_get_autocommit(db) == 0; }
bool commit_syncs(sqlite3* db) {
    auto pragma = [db](const char* sql) {
        Statement stmt = prepare(db, sql);
        std::string value;
        if (sqlite3_step(stmt.get()) == SQLITE_ROW) value = text_of(stmt.get(), 0);
        return value;
    };
    const std::string synchronous = pragma("PRAGMA synchronous");  // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
    if (synchronous == "0") return false;
    if (synchronous != "1") return true;
    std::string journal = pragma("PRAGMA journal_mode");
    std::transform(journal.begin(), journal.end(), journal.begin(), [](unsigned char c) { return std::tolower(c); });
    return journal != "wal" && journal != "memory" && journal != "off";
}

bool is_read_only(sqlite3_stmt* stmt) noexcept { return sqlite3_stmt_readonly(stmt) != 0; }
void interrupt(sqlite3* db) noexcept { sqlite3_interrupt(db); }

}  // namespace asyncsql::sqlite::api
